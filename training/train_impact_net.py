"""Trains ImpactNet, the impact heatmap of src/audio (models/impact_net.py), on rendered clips only.

    node bin/run-ts.mjs training/impact_frames.ts --out=data/impacts 100 101 102 103 104 105 110 111 112 113 114 115 116 117 118 119
    /usr/bin/python3 training/train_impact_net.py --data=data/impacts --out=training/runs/impact-net
    /usr/bin/python3 training/train_impact_net.py --out=training/runs/impact-net --export=src/audio/impact-net.onnx

The fusion thresholds are then chosen on other seeds by bench/audio-train-impact-net.ts. Each sample is one
frame of one clip: half drawn within a frame of a visible impact, half anywhere, mirrored left-right half
the time. The target is CenterNet's: a penalty-reduced focal loss with one positive cell per impact (its
frame, its cell) and a Gaussian around it (0.6 frames, 4 pixels) that softens the negatives nearby; cells
within 16 pixels and a frame of a logged event outside the truth rule take no loss (a detection there is
no false alarm). Checkpoints every 1000 steps; rerunning resumes.
"""
from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch

from cinesim_train.common import parse_config
from cinesim_train.export import _export
from cinesim_train.models.impact_net import CELL, WINDOW, ImpactHeat, ImpactNet

SHORT = 64
IGNORE_RADIUS = 16.0  # the sync measure's reach: a quarter of the short side


@dataclass
class Config:
    data: str = "data/impacts"
    seeds: str = "100,101,102,103,104,105,110,111,112,113,114,115,116,117,118,119,124,125,126,127,128,129,130,131"
    out: str = "training/runs/impact-net"
    steps: int = 12000
    stop_at: int = 0          # stop (with a checkpoint) at this step although the schedule runs to `steps`
    batch: int = 32
    lr: float = 2e-3
    threads: int = 2
    export: str = ""          # write the checkpoint's net as ONNX here and stop


def load_seed(data: str, seed: int) -> list[dict]:
    meta = json.load(open(f"{data}/seed-{seed}.json"))
    frames = np.fromfile(f"{data}/seed-{seed}.bin", dtype=np.uint8)
    for clip in meta:
        n, side = clip["frames"], SHORT
        clip["data"] = frames[clip["offset"]: clip["offset"] + n * side * side * 3].reshape(n, side, side, 3)
    return meta


def planes(clip: dict) -> list[float]:
    return [1.0 if clip["fps"] > 12 else 0.0, 1.0 if clip["width"] > SHORT else 0.0]


def window(clip: dict, t: int) -> np.ndarray:
    n = clip["frames"]
    return clip["data"][[min(max(t + k, 0), n - 1) for k in range(-WINDOW, WINDOW + 1)]]


def to_input(windows: list[np.ndarray], plane_values: list[list[float]]) -> torch.Tensor:
    x = torch.from_numpy(np.stack(windows)).float().div_(255).sub_(0.5)  # B, 7, H, W, 3
    b, _, h, w, _ = x.shape
    x = x.permute(0, 1, 4, 2, 3).reshape(b, (2 * WINDOW + 1) * 3, h, w)  # frame-major, then RGB
    p = torch.tensor(plane_values, dtype=torch.float32).view(b, -1, 1, 1).expand(b, len(plane_values[0]), h, w)
    return torch.cat([x, p], 1)


def targets(clip: dict, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Soft heat (Gaussian around impacts), positive cells, and cells that take no loss."""
    g = SHORT // CELL
    soft, pos, ignore = (np.zeros((g, g), np.float32) for _ in range(3))
    gy, gx = np.mgrid[0:g, 0:g]
    cx, cy = gx * CELL + 1.5, gy * CELL + 1.5
    for frame, at, x, y in clip["truth"]:
        if abs(t - frame) <= 2:
            dt = t - at
            soft = np.maximum(soft, np.exp(-dt * dt / (2 * 0.6 ** 2) - ((cx - x) ** 2 + (cy - y) ** 2) / (2 * 4.0 ** 2)))
        if frame == t:
            pos[min(max(int((y + 0.5) // CELL), 0), g - 1), min(max(int((x + 0.5) // CELL), 0), g - 1)] = 1
    truth = {(round(e[1], 4), round(e[2], 4)) for e in clip["truth"]}
    for frame, at, x, y in clip["all"]:
        if (round(at, 4), round(x, 4)) not in truth and abs(t - frame) <= 1:
            ignore = np.maximum(ignore, ((cx - x) ** 2 + (cy - y) ** 2 <= IGNORE_RADIUS ** 2).astype(np.float32))
    return soft, pos, ignore


def focal_loss(logits: torch.Tensor, soft: torch.Tensor, pos: torch.Tensor, ignore: torch.Tensor) -> torch.Tensor:
    p = torch.sigmoid(logits).clamp(1e-5, 1 - 1e-5)
    positive = -((1 - p) ** 2) * torch.log(p) * pos
    negative = -((1 - soft) ** 4) * (p ** 2) * torch.log(1 - p) * (1 - pos) * (1 - ignore)
    return (positive.sum() + negative.sum()) / pos.sum().clamp(min=1)


def batch(clips: list[dict], rng: np.random.Generator, size: int):
    xs, ps, softs, poss, ignores = [], [], [], [], []
    for _ in range(size):
        clip = clips[rng.integers(len(clips))]
        if clip["truth"] and rng.random() < 0.5:
            e = clip["truth"][rng.integers(len(clip["truth"]))]
            t = int(min(max(e[0] + rng.integers(-1, 2), 0), clip["frames"] - 1))
        else:
            t = int(rng.integers(clip["frames"]))
        x = window(clip, t)
        flip = rng.random() < 0.5  # physics is symmetric left-right
        if flip:
            x = x[:, :, ::-1]
        soft, pos, ignore = targets(clip, t)
        if flip:
            soft, pos, ignore = soft[:, ::-1], pos[:, ::-1], ignore[:, ::-1]
        xs.append(np.ascontiguousarray(x)); ps.append(planes(clip))
        softs.append(soft.copy()); poss.append(pos.copy()); ignores.append(ignore.copy())
    return to_input(xs, ps), *(torch.from_numpy(np.stack(a)) for a in (softs, poss, ignores))


def main() -> None:
    cfg = parse_config(Config)
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(0)
    ckpt = os.path.join(cfg.out, "ckpt.pt")
    net = ImpactNet()
    if cfg.export:
        net.load_state_dict(torch.load(ckpt)["net"])
        g = SHORT
        _export(ImpactHeat(net), (torch.zeros(1, net.body[0][0].in_channels, g, g),), cfg.export, ["frames"], ["heat"],
                {"frames": {0: "B", 2: "H", 3: "W"}, "heat": {0: "B", 1: "h", 2: "w"}})
        print(f"wrote {cfg.export}")
        return
    os.makedirs(cfg.out, exist_ok=True)
    clips = [c for s in cfg.seeds.split(",") for c in load_seed(cfg.data, int(s))]
    print(f"{len(clips)} clips, {sum(len(c['truth']) for c in clips)} visible impacts", flush=True)
    opt = torch.optim.AdamW(net.parameters(), cfg.lr, weight_decay=1e-4)
    step = 0
    if os.path.exists(ckpt):
        state = torch.load(ckpt)
        net.load_state_dict(state["net"]); opt.load_state_dict(state["opt"]); step = state["step"]
        print(f"resumed at step {step}", flush=True)
    rng = np.random.default_rng(step + 7)
    last = cfg.stop_at or cfg.steps
    started, running = time.time(), 0.0
    while step < last:
        lr = cfg.lr * 0.5 * (1 + math.cos(math.pi * step / cfg.steps))
        for group in opt.param_groups:
            group["lr"] = lr
        x, soft, pos, ignore = batch(clips, rng, cfg.batch)
        loss = focal_loss(net(x), soft, pos, ignore)
        opt.zero_grad(); loss.backward(); opt.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        step += 1
        if step % 100 == 0:
            print(f"step {step} loss {running:.3f} lr {lr:.2e} {(time.time() - started) / 100:.3f}s/step", flush=True)
            started = time.time()
        if step % 1000 == 0 or step == last:
            torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "step": step}, ckpt + ".tmp")
            os.replace(ckpt + ".tmp", ckpt)


if __name__ == "__main__":
    main()
