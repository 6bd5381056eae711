"""Trains the probe that reads attributes off rendered Shapes World clips (never generated ones).

    /usr/bin/python3 training/train_probe.py --data=data/t2v-64 --val_data=data/val-64 --out=training/runs/probe

Multi-hot heads (colour, shape, size, texture, motion present) use binary cross-entropy; single-choice
heads (camera, background, count) use cross-entropy. Mild blur and noise make the probe read generated
clips, which are softer than renders, by their content rather than their sharpness.
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
from cinesim_train.data import Buckets, label_heads, labels_for, load_clipsets, to_video
from cinesim_train.models.probe import Probe


@dataclass
class Config:
    data: str = "data/t2v-64"
    val_data: str = ""
    out: str = "training/runs/probe"
    resume: bool = False
    max_clips: int = 0
    width: int = 64
    batch: int = 64
    lr: float = 1e-3
    warmup: int = 200
    max_steps: int = 6000
    max_minutes: float = 0.0
    log_every: int = 100
    eval_every: int = 1000
    seed: int = 0
    threads: int = 0
    blur: float = 0.0                 # > 0: the blurred half gets a Gaussian blur of σ up to this (pixels), not the mild box


def main() -> None:
    cfg, device, rng, log = start(Config)

    sets = load_clipsets(cfg.data.split(","), cfg.max_clips)
    heads = label_heads(sets[0].meta)
    buckets = Buckets(sets, device)
    labels = [{k: torch.from_numpy(v).to(device) for k, v in labels_for(s.records, heads).items()} for s in sets]
    val = load_clipsets([cfg.val_data])[0] if cfg.val_data else sets[0]
    val_frames = val.frames[:512]
    val_labels = labels_for(val.records[:512], heads)

    model = Probe({k: len(h["values"]) for k, h in heads.items()}, cfg.width).to(device)
    opt = adamw(model.parameters(), cfg.lr, (0.9, 0.999), 0.01, device)
    step = 0
    ckpt_path = os.path.join(cfg.out, "ckpt.pt")
    if cfg.resume and os.path.exists(ckpt_path):
        ckpt = load_checkpoint(ckpt_path)
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        step = ckpt["step"]
    log.log(event="start", params=count_params(model), device=str(device), config=asdict(cfg))

    budget = Budget(cfg.max_steps, cfg.max_minutes)
    metrics: dict = {}
    while not budget.done(step):
        for group in opt.param_groups:
            group["lr"] = cosine_lr(step, cfg.lr, cfg.warmup, cfg.max_steps, time_fraction=budget.fraction())
        b, idx = buckets.pick(rng, cfg.batch)
        video = augment(buckets.video(b, idx), cfg.blur)
        with autocast(device):
            outputs = model(video)
        loss = head_loss(outputs[1:], {k: v[buckets.on_device(idx)] for k, v in labels[b].items()}, heads)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % cfg.log_every == 0 or step == 1:
            log.log(step=step, loss=loss.item(), lr=opt.param_groups[0]["lr"])
        if step % cfg.eval_every == 0:
            metrics = evaluate(model, val_frames, val_labels, heads, device)
            log.log(step=step, event="eval", **metrics)

    metrics = evaluate(model, val_frames, val_labels, heads, device)
    log.log(step=step, event="final", minutes=budget.minutes(), **metrics)
    save_checkpoint(ckpt_path, model=model.state_dict(), optimizer=opt.state_dict(), step=step, config=asdict(cfg),
                    heads=heads, width=cfg.width, metrics=metrics)


def augment(video: torch.Tensor, blur: float = 0.0) -> torch.Tensor:
    """Half the batch blurred, all of it with light noise. `blur` = 0: a mild 3x3 box, half strength. `blur` > 0:
    a Gaussian of σ uniform in (0, blur] px per batch, so the probe reads what a viewer reads in a soft clip
    (at the VAE's PSNR a σ = 1.25 px blur halved the shipped probe's usable yield on rendered clips)."""
    b = video.shape[0]
    pick = (torch.rand(b, 1, 1, 1, 1, device=video.device) < 0.5).float()
    if blur > 0:
        blurred = gaussian_blur(video, float(torch.rand(()).item()) * blur + 1e-3)
        video = pick * blurred + (1 - pick) * video
    else:
        blurred = F.avg_pool3d(F.pad(video, (1, 1, 1, 1, 0, 0), mode="replicate"), (1, 3, 3), stride=1)
        video = pick * (0.5 * video + 0.5 * blurred) + (1 - pick) * video
    return video + 0.03 * torch.randn_like(video)


def gaussian_blur(video: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian over height and width of [B, C, T, H, W], edges replicated."""
    r = max(1, int(np.ceil(3 * sigma)))
    x = torch.arange(-r, r + 1, dtype=video.dtype, device=video.device)
    k = torch.exp(-(x ** 2) / (2 * sigma ** 2))
    k = k / k.sum()
    b, c, t, h, w = video.shape
    flat = video.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w)
    flat = F.conv2d(F.pad(flat, (r, r, 0, 0), mode="replicate"), k.view(1, 1, 1, -1).expand(c, 1, 1, -1).contiguous(), groups=c)
    flat = F.conv2d(F.pad(flat, (0, 0, r, r), mode="replicate"), k.view(1, 1, -1, 1).expand(c, 1, -1, 1).contiguous(), groups=c)
    return flat.reshape(b, t, c, h, w).permute(0, 2, 1, 3, 4)


def head_loss(logits, labels: dict, heads: dict) -> torch.Tensor:
    total = 0.0
    for out, (name, head) in zip(logits, heads.items()):
        out = out.float()
        total = total + (F.binary_cross_entropy_with_logits(out, labels[name]) * len(head["values"]) / 4
                         if head["multi"] else F.cross_entropy(out, labels[name]))
    return total


@torch.no_grad()
def evaluate(model: Probe, frames: np.ndarray, labels: dict, heads: dict, device) -> dict:
    """Per head: exact-set accuracy (multi-hot thresholded at 0.5) or top-1 accuracy."""
    model.eval()
    correct = {name: 0 for name in heads}
    for i in range(0, len(frames), 64):
        video = to_video(torch.from_numpy(np.ascontiguousarray(frames[i:i + 64])).to(device))
        with autocast(device):
            outputs = model(video)[1:]
        for out, (name, head) in zip(outputs, heads.items()):
            out = out.float().cpu().numpy()
            truth = labels[name][i:i + 64]
            if head["multi"]:
                correct[name] += int(((out > 0) == (truth > 0.5)).all(axis=1).sum())
            else:
                correct[name] += int((out.argmax(1) == truth).sum())
    model.train()
    return {f"acc_{k}": round(v / len(frames), 4) for k, v in correct.items()}


if __name__ == "__main__":
    main()
