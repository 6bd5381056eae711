"""Trains the causal 3D VAE on Shapes World clips.

    /usr/bin/python3 training/train_vae.py --data=data/t2v-64,data/t2v-112x64 --val_data=data/val-64 --out=training/runs/vae

Decoder only, on a shipped VAE (--init, --train_encoder=false): the encoder and its latent shift/scale stay
exactly as they were, so a transformer trained on those latents keeps working with the better decoder.

Reads top to bottom: config, data, model, optimiser, loop (log, eval, checkpoint), final latent statistics.
Resume with --resume=true (same --out). Stops at --max_steps or after --max_minutes of wall time.
"""
from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch
import torch.nn.functional as F

from cinesim_train.common import Budget, adamw, autocast, cosine_lr, count_params, load_checkpoint, save_checkpoint, start
from cinesim_train.data import Buckets, load_clipsets, to_video
from cinesim_train.metrics import psnr, ssim
from cinesim_train.models.vae import VAE, VAEConfig, check_frames


@dataclass
class Config:
    # I/O
    data: str = "data/t2v-64"            # comma-separated dataset folders (one per size)
    val_data: str = ""                   # folder of held-out clips for PSNR/SSIM; empty: last clips of --data
    out: str = "training/runs/vae"
    resume: bool = False
    init: str = ""                       # warm start: weights (and latent shift/scale) of this checkpoint
    train_encoder: bool = True           # false: the encoder is frozen and only the decoder learns
    max_clips: int = 0                   # 0 = all
    # model
    latent_channels: int = 8
    channels: tuple = (32, 64, 128)
    temporal_blocks: int = 2
    # optimisation
    batch: int = 16
    frames: int = 0                      # train on each clip's first 1 + 4k frames (0 = all): cheaper steps on a CPU
    lr: float = 4e-4
    warmup: int = 200
    max_steps: int = 4000
    max_minutes: float = 0.0             # wall-time budget (0 = none)
    kl_weight: float = 1e-6
    grad_weight: float = 0.0             # L1 on spatial differences: small objects' edges and fine textures
    grad_clip: float = 1.0
    # logging
    log_every: int = 50
    eval_every: int = 500
    eval_clips: int = 128
    seed: int = 0
    threads: int = 0


def main() -> None:
    cfg, device, rng, log = start(Config)

    if cfg.frames:
        check_frames(cfg.frames)
    # --- data -----------------------------------------------------------------------------------------
    sets = load_clipsets(cfg.data.split(","), cfg.max_clips)
    val = load_clipsets([cfg.val_data])[0] if cfg.val_data else None
    buckets = Buckets(sets, device)
    val_frames = val.frames[: cfg.eval_clips] if val else sets[0].frames[-cfg.eval_clips:]

    # --- model and optimiser --------------------------------------------------------------------------
    model_cfg = VAEConfig(cfg.latent_channels, list(cfg.channels), cfg.temporal_blocks)
    model = VAE(model_cfg).to(device)
    fixed_stats = None  # a frozen encoder keeps the latent normalisation its transformer was trained with
    if cfg.init:
        init = load_checkpoint(cfg.init)
        model.load_state_dict(init["model"])
        if not cfg.train_encoder:
            fixed_stats = (init["latent_shift"], init["latent_scale"])
        log.log(event="init", path=cfg.init, step=init["step"])
    elif not cfg.train_encoder:
        raise SystemExit("--train_encoder=false needs --init (the encoder to keep)")
    model.encoder.requires_grad_(cfg.train_encoder)
    opt = adamw([p for p in model.parameters() if p.requires_grad], cfg.lr, (0.9, 0.99), 0.0, device)
    step = 0
    ckpt_path = os.path.join(cfg.out, "ckpt.pt")
    if cfg.resume and os.path.exists(ckpt_path):
        ckpt = load_checkpoint(ckpt_path)
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        step = ckpt["step"]
        log.log(event="resume", step=step)
    log.log(event="start", params=count_params(model), trained=sum(p.numel() for p in model.parameters() if p.requires_grad), clips=sum(len(s) for s in sets), device=str(device),
            config=asdict(cfg))

    def checkpoint(metrics: dict) -> None:
        shift, scale = fixed_stats or latent_stats(model, buckets, rng)
        save_checkpoint(ckpt_path, model=model.state_dict(), optimizer=opt.state_dict(), step=step,
                        config=asdict(cfg), model_config=asdict(model_cfg), latent_shift=shift, latent_scale=scale,
                        metrics=metrics)

    # --- loop -----------------------------------------------------------------------------------------
    budget = Budget(cfg.max_steps, cfg.max_minutes)
    metrics: dict = {}
    while not budget.done(step):
        for group in opt.param_groups:
            group["lr"] = cosine_lr(step, cfg.lr, cfg.warmup, cfg.max_steps, time_fraction=budget.fraction())
        b, idx = buckets.pick(rng, cfg.batch)
        video = buckets.video(b, idx)
        if cfg.frames:
            video = video[:, :, :cfg.frames]  # a causal clip's opening frames are a clip too
        with autocast(device):
            recon, mean, logvar = model(video)
        recon = recon.float()
        rec = F.l1_loss(recon, video) + F.mse_loss(recon, video)
        if cfg.grad_weight:
            rec = rec + cfg.grad_weight * gradient_loss(recon, video)
        kl = 0.5 * (mean.float().pow(2) + logvar.float().exp() - 1 - logvar.float()).mean()
        loss = rec + cfg.kl_weight * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        step += 1
        if step % cfg.log_every == 0 or step == 1:
            log.log(step=step, loss=loss.item(), rec=rec.item(), kl=kl.item(), lr=opt.param_groups[0]["lr"],
                    size=f"{sets[b].size[0]}x{sets[b].size[1]}")
        if step % cfg.eval_every == 0:
            metrics = evaluate(model, val_frames, device)
            log.log(step=step, event="eval", **metrics)
            checkpoint(metrics)

    metrics = evaluate(model, val_frames, device)
    log.log(step=step, event="final", minutes=budget.minutes(), **metrics)
    checkpoint(metrics)


def gradient_loss(recon: torch.Tensor, video: torch.Tensor) -> torch.Tensor:
    """L1 between horizontal and vertical pixel differences. Plain L1 + MSE are dominated by the large flat
    areas, and the VAE learned to blur what is small: a 2-pixel checker, a dim object at night."""
    dx = lambda v: v[..., :, 1:] - v[..., :, :-1]
    dy = lambda v: v[..., 1:, :] - v[..., :-1, :]
    return F.l1_loss(dx(recon), dx(video)) + F.l1_loss(dy(recon), dy(video))


@torch.no_grad()
def evaluate(model: VAE, frames: np.ndarray, device) -> dict:
    """Reconstruction PSNR/SSIM (encoder mean, whole-clip decode) on held-out clips."""
    model.eval()
    p, s = [], []
    for i in range(0, len(frames), 16):
        video = to_video(torch.from_numpy(np.ascontiguousarray(frames[i:i + 16])).to(device))
        with autocast(device):
            recon = model(video, sample=False)[0]
        recon = recon.float().clamp(-1, 1)
        p.append(psnr(recon, video))
        s.append(ssim(recon, video))
    model.train()
    return {"psnr": float(torch.cat(p).mean()), "ssim": float(torch.cat(s).mean())}


@torch.no_grad()
def latent_stats(model: VAE, buckets: Buckets, rng: np.random.Generator, batches: int = 8) -> tuple[float, float]:
    """Shift and scale that give the transformer unit-variance latents (baked into the exported VAE)."""
    model.eval()
    zs = []
    for _ in range(batches):
        b, idx = buckets.pick(rng, 16)
        zs.append(model.encoder(buckets.video(b, idx))[0].float().flatten())
    model.train()
    z = torch.cat(zs)
    return float(z.mean()), float(1.0 / z.std().clamp(min=1e-6))


if __name__ == "__main__":
    main()
