"""Trains the text encoder and the Diffusion Transformer together by flow matching on VAE latents.

    /usr/bin/python3 training/train_dit.py --data=data/t2v-64 --vae=training/runs/vae/ckpt.pt --out=training/runs/dit

Rectified flow: x_σ = (1-σ)·x0 + σ·ε, target v = ε - x0, σ ~ logit-normal. Captions are dropped 10% of the
time (classifier-free guidance). Known frames are given as clean latents plus a mask, drawn at random per
clip (none / first / first+last / a prefix), so one model learns text-, image-, first-last- and
extend-to-video. Reads top to bottom: config, data -> latents, models, loop, checkpoint.
"""
from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch

from cinesim_train.common import Budget, Ema, adamw, autocast, cosine_lr, count_params, load_checkpoint, save_checkpoint, start
from cinesim_train.data import Buckets, load_clipsets, to_video
from cinesim_train.models.dit import DiT, DiTConfig
from cinesim_train.models.text_encoder import TextEncoder, TextEncoderConfig
from cinesim_train.models.vae import VAE, VAEConfig


@dataclass
class Config:
    # I/O
    data: str = "data/t2v-64"
    val_data: str = ""
    vae: str = "training/runs/vae/ckpt.pt"
    out: str = "training/runs/dit"
    resume: bool = False
    init: str = ""                # warm start from a checkpoint's EMA weights (e.g. training/checkpoints/shapes-64/dit.pt)
    max_clips: int = 0
    # model
    dim: int = 256
    depth: int = 8
    heads: int = 8
    text_dim: int = 128
    text_depth: int = 2
    patch: tuple = (1, 2, 2)
    # flow matching and conditioning
    caption_dropout: float = 0.1
    p_first: float = 0.2          # image-to-video
    p_first_last: float = 0.15    # first + last frame
    p_prefix: float = 0.15        # extend: the first k latent frames are given
    context_noise: float = 0.1    # max noise added to given latents (SkyReels-style robustness for long video)
    # optimisation
    batch: int = 64
    lr: float = 3e-4
    warmup: int = 500
    max_steps: int = 20000
    max_minutes: float = 0.0
    ema: float = 0.999
    grad_clip: float = 1.0
    # logging
    log_every: int = 100
    eval_every: int = 1000
    checkpoint_every: int = 2000
    seed: int = 0
    threads: int = 0


def main() -> None:
    cfg, device, rng, log = start(Config)
    gen = torch.Generator(device=device).manual_seed(cfg.seed)

    # --- data: encode every clip once with the frozen VAE ---------------------------------------------
    sets = load_clipsets(cfg.data.split(","), cfg.max_clips)
    vocabulary = sets[0].meta["vocabulary"]
    vae_ckpt = load_checkpoint(cfg.vae)
    vae = VAE(VAEConfig(**vae_ckpt["model_config"])).to(device).eval()
    vae.load_state_dict(vae_ckpt["model"])
    shift, scale = vae_ckpt["latent_shift"], vae_ckpt["latent_scale"]
    buckets = Buckets(sets, device, load_frames=False)
    latents = [encode_all(vae, s.frames, device, shift, scale) for s in sets]
    val_set = load_clipsets([cfg.val_data])[0] if cfg.val_data else sets[0]
    val_latents = encode_all(vae, val_set.frames[:64], device, shift, scale)
    val_tokens = torch.from_numpy(val_set.tokens[:64, 0]).to(device)
    del vae
    log.log(event="latents", shapes=[list(l.shape) for l in latents], shift=shift, scale=scale)

    # --- models ---------------------------------------------------------------------------------------
    text_cfg = TextEncoderConfig(vocab_size=len(vocabulary), max_tokens=sets[0].meta.get("maxTokens", 48),
                                 dim=cfg.text_dim, depth=cfg.text_depth, heads=4, out_dim=cfg.text_dim)
    dit_cfg = DiTConfig(latent_channels=latents[0].shape[1], patch=list(cfg.patch), dim=cfg.dim, depth=cfg.depth,
                        heads=cfg.heads, text_dim=cfg.text_dim)
    text_encoder, dit = TextEncoder(text_cfg).to(device), DiT(dit_cfg).to(device)
    params = list(text_encoder.parameters()) + list(dit.parameters())
    opt = adamw(params, cfg.lr, (0.9, 0.95), 0.01, device)
    step = 0
    ckpt_path = os.path.join(cfg.out, "ckpt.pt")
    if cfg.init and not (cfg.resume and os.path.exists(ckpt_path)):
        init = load_checkpoint(cfg.init)
        if init["vocabulary"] != vocabulary:
            sys.exit(f"--init {cfg.init}: its vocabulary differs from the dataset's; cannot warm-start")
        text_encoder.load_state_dict({k: v.float() for k, v in init["ema_text_encoder"].items()})
        dit.load_state_dict({k: v.float() for k, v in init["ema_dit"].items()})
        log.log(event="init", path=cfg.init, steps_before=init["step"])
    if cfg.resume and os.path.exists(ckpt_path):
        ckpt = load_checkpoint(ckpt_path)
        text_encoder.load_state_dict(ckpt["text_encoder"])
        dit.load_state_dict(ckpt["dit"])
        opt.load_state_dict(ckpt["optimizer"])
        step = ckpt["step"]
    ema_te, ema_dit = Ema(text_encoder, cfg.ema), Ema(dit, cfg.ema)
    if cfg.resume and os.path.exists(ckpt_path):
        ema_te.shadow, ema_dit.shadow = ckpt["ema_text_encoder"], ckpt["ema_dit"]
        log.log(event="resume", step=step)
    log.log(event="start", dit_params=count_params(dit), text_params=count_params(text_encoder),
            clips=sum(len(s) for s in sets), device=str(device), config=asdict(cfg))

    def checkpoint(metrics: dict) -> None:
        save_checkpoint(ckpt_path, text_encoder=text_encoder.state_dict(), dit=dit.state_dict(),
                        ema_text_encoder=ema_te.state_dict(), ema_dit=ema_dit.state_dict(), optimizer=opt.state_dict(),
                        step=step, config=asdict(cfg), text_config=asdict(text_cfg), dit_config=asdict(dit_cfg),
                        vae_path=cfg.vae, latent_shift=shift, latent_scale=scale, vocabulary=vocabulary,
                        data_meta=[{k: v for k, v in s.meta.items() if k != "vocabulary"} for s in sets],
                        metrics=metrics)

    # --- loop -----------------------------------------------------------------------------------------
    budget = Budget(cfg.max_steps, cfg.max_minutes)
    metrics: dict = {}
    while not budget.done(step):
        for group in opt.param_groups:
            group["lr"] = cosine_lr(step, cfg.lr, cfg.warmup, cfg.max_steps, time_fraction=budget.fraction())
        b, idx = buckets.pick(rng, cfg.batch)
        x0 = latents[b][buckets.on_device(idx)].float()                                                     # [B,C,T,h,w]
        tokens = buckets.captions(b, idx, rng)                                           # [B,L]
        drop = torch.rand(cfg.batch, device=device, generator=gen) < cfg.caption_dropout
        tokens = torch.where(drop[:, None], unconditional_tokens(tokens), tokens)
        cond_mask = sample_cond_mask(x0, cfg, gen)                                       # [B,1,T,h,w]
        noise_level = torch.rand(cfg.batch, 1, 1, 1, 1, device=device, generator=gen) * cfg.context_noise
        cond = (x0 + noise_level * torch.randn(x0.shape, device=device, generator=gen)) * cond_mask

        sigma = torch.sigmoid(torch.randn(cfg.batch, device=device, generator=gen))     # logit-normal
        eps = torch.randn(x0.shape, device=device, generator=gen)
        s = sigma[:, None, None, None, None]
        xt = (1 - s) * x0 + s * eps
        with autocast(device):
            text = text_encoder(tokens)
            v = dit(xt, sigma, text, (tokens != 0).float(), cond, cond_mask)
        weight = 1.0 - cond_mask                                                         # given frames carry no loss
        loss = (((v.float() - (eps - x0)) ** 2) * weight).sum() / (weight.sum() * x0.shape[1]).clamp(min=1.0)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
        opt.step()
        ema_te.update(text_encoder, step)
        ema_dit.update(dit, step)
        step += 1
        if step % cfg.log_every == 0 or step == 1:
            log.log(step=step, loss=loss.item(), lr=opt.param_groups[0]["lr"], bucket=b,
                    minutes=budget.minutes())
        if step % cfg.eval_every == 0:
            metrics = {"val_loss": validate(text_encoder, dit, val_latents, val_tokens, device)}
            log.log(step=step, event="eval", **metrics)
        if step % cfg.checkpoint_every == 0:
            checkpoint(metrics)

    metrics = {"val_loss": validate(text_encoder, dit, val_latents, val_tokens, device)}
    log.log(step=step, event="final", minutes=budget.minutes(), **metrics)
    checkpoint(metrics)


def unconditional_tokens(tokens: torch.Tensor) -> torch.Tensor:
    """[<bos>, pad, pad, ...]: the empty prompt."""
    out = torch.zeros_like(tokens)
    out[:, 0] = 1
    return out


def sample_cond_mask(x0: torch.Tensor, cfg: Config, gen: torch.Generator) -> torch.Tensor:
    """Per clip, which latent frames are given: none, first, first+last, or a prefix of 1..T-1 frames."""
    b, _, t, h, w = x0.shape
    u = torch.rand(b, device=x0.device, generator=gen)
    frame = torch.arange(t, device=x0.device)[None, :]                                  # [1,T]
    first = (frame == 0) & (u[:, None] < cfg.p_first + cfg.p_first_last + cfg.p_prefix)
    last = (frame == t - 1) & (u[:, None] >= cfg.p_first) & (u[:, None] < cfg.p_first + cfg.p_first_last)
    k = 1 + (torch.rand(b, device=x0.device, generator=gen) * max(1, t - 1)).long()     # prefix length 1..T-1
    is_prefix = (u >= cfg.p_first + cfg.p_first_last) & (u < cfg.p_first + cfg.p_first_last + cfg.p_prefix)
    prefix = (frame < k[:, None]) & is_prefix[:, None]
    mask = (first | last | prefix).float()                                              # [B,T]
    return mask[:, None, :, None, None].expand(b, 1, t, h, w).contiguous()


@torch.no_grad()
def encode_all(vae: VAE, frames: np.ndarray, device, shift: float, scale: float, batch: int = 64) -> torch.Tensor:
    """Normalised encoder means of every clip, kept on the device (fp16 on GPU)."""
    dtype = torch.float16 if device.type == "cuda" else torch.float32
    out = []
    for i in range(0, len(frames), batch):
        video = to_video(torch.from_numpy(np.ascontiguousarray(frames[i:i + batch])).to(device))
        with autocast(device):
            mean = vae.encoder(video)[0]
        out.append(((mean.float() - shift) * scale).to(dtype))
    return torch.cat(out)


@torch.no_grad()
def validate(text_encoder: TextEncoder, dit: DiT, x0: torch.Tensor, tokens: torch.Tensor, device) -> float:
    """Flow-matching loss on held-out clips at fixed σ and fixed noise: comparable across runs."""
    text_encoder.eval(), dit.eval()
    g = torch.Generator(device=device).manual_seed(1234)
    x0 = x0.float()
    total = 0.0
    for sigma_value in (0.25, 0.5, 0.75):
        eps = torch.randn(x0.shape, device=device, generator=g)
        sigma = torch.full((x0.shape[0],), sigma_value, device=device)
        xt = (1 - sigma_value) * x0 + sigma_value * eps
        zeros = torch.zeros_like(x0)
        with autocast(device):
            v = dit(xt, sigma, text_encoder(tokens), (tokens != 0).float(), zeros, zeros[:, :1])
        total += float(((v.float() - (eps - x0)) ** 2).mean())
    text_encoder.train(), dit.train()
    return total / 3


if __name__ == "__main__":
    main()
