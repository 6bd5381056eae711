"""Trains the world probe on simulator frames of recorded play (never generated ones): given two
consecutive frames it reads the action that led from the first to the second (inverse dynamics), the
background and the agent's colour. `cinesim eval world` reads generated play with it: action accuracy
tells whether the model obeys the controls, background and agent colour whether the world stays itself.

    /usr/bin/python3 training/train_world_probe.py --data=data/game-12 --val_data=data/game-12-val --out=training/runs/probe-world

Some pairs cannot tell their action ("up" in the air does what "none" does); the accuracy on simulator
frames is the ceiling generated play is compared with.
"""
from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch
import torch.nn.functional as F

from cinesim_train.common import Budget, cosine_lr, count_params, load_checkpoint, save_checkpoint, start
from cinesim_train.data import load_clipset, to_video
from cinesim_train.models.probe import PairProbe

ACTIONS = ["none", "left", "right", "up", "down"]
BACKGROUNDS = ["white", "black", "gray", "sky", "night", "grass", "desert", "sunset", "ocean"]
COLORS = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "white", "black", "gray", "brown", "cyan"]


def probe_heads() -> dict[str, dict]:
    """Heads in output order; every one a single choice."""
    return {"action": {"values": ACTIONS, "multi": False}, "background": {"values": BACKGROUNDS, "multi": False},
            "agent_color": {"values": COLORS, "multi": False}}


@dataclass
class Config:
    data: str = "data/game-12"
    val_data: str = ""
    out: str = "training/runs/probe-world"
    resume: bool = False              # continue from <out>/ckpt.pt (weights and step)
    max_clips: int = 0
    width: int = 16
    feature_dim: int = 128
    batch: int = 64
    lr: float = 2e-3
    warmup: int = 100
    max_steps: int = 4000              # in this run (a resumed run adds them to the step it starts from)
    max_minutes: float = 0.0
    log_every: int = 50
    eval_every: int = 500
    seed: int = 0
    threads: int = 1


class Pairs:
    """(frame t, frame t + 1) of every episode with its labels."""

    def __init__(self, folder: str, max_clips: int = 0):
        clips = load_clipset(folder, max_clips)
        self.meta, self.frames = clips.meta, clips.frames
        n, f = self.frames.shape[:2]
        self.n, self.f = n, f
        self.action = np.array([r["actions"] for r in clips.records], np.int64)                    # [N,F-1]
        self.background = np.array([[BACKGROUNDS.index(b) for b in r["backgrounds"]] for r in clips.records], np.int64)
        self.color = np.array([COLORS.index(r["agent"]["color"]) for r in clips.records], np.int64)

    def batch(self, ep: np.ndarray, t: np.ndarray) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        video = to_video(torch.from_numpy(np.stack([self.frames[ep, t], self.frames[ep, t + 1]], axis=1)))
        labels = {"action": self.action[ep, t], "background": self.background[ep, t + 1], "agent_color": self.color[ep]}
        return video, {k: torch.from_numpy(v) for k, v in labels.items()}

    def pick(self, rng: np.random.Generator, batch: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.integers(0, self.n, batch), rng.integers(0, self.f - 1, batch)


def main() -> None:
    cfg, device, rng, log = start(Config)
    heads = probe_heads()
    data = Pairs(cfg.data, cfg.max_clips)
    val = Pairs(cfg.val_data) if cfg.val_data else data
    val_idx = val.pick(np.random.default_rng(1234), 2048)

    model = PairProbe({k: len(h["values"]) for k, h in heads.items()}, cfg.width, cfg.feature_dim).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01, foreach=True)
    step, metrics = 0, {}
    ckpt_path = os.path.join(cfg.out, "ckpt.pt")
    if cfg.resume and os.path.exists(ckpt_path):
        ckpt = load_checkpoint(ckpt_path)
        model.load_state_dict(ckpt["model"])
        if "optimizer" in ckpt:
            opt.load_state_dict(ckpt["optimizer"])
        step = ckpt["step"]
    log.log(event="start", params=count_params(model), config=asdict(cfg), clips=data.n, step=step)
    budget = Budget(step + cfg.max_steps, cfg.max_minutes)
    while not budget.done(step):
        for group in opt.param_groups:
            group["lr"] = cosine_lr(step, cfg.lr, cfg.warmup, budget.max_steps, time_fraction=budget.fraction())
        video, labels = data.batch(*data.pick(rng, cfg.batch))
        outputs = model(augment(video))[1:]
        loss = sum(F.cross_entropy(out, labels[name]) for out, name in zip(outputs, heads))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % cfg.log_every == 0 or step == 1:
            log.log(step=step, loss=loss.item(), lr=opt.param_groups[0]["lr"])
        if step % cfg.eval_every == 0:
            metrics = evaluate(model, val, val_idx, heads)
            log.log(step=step, event="eval", **metrics)
    metrics = evaluate(model, val, val_idx, heads)
    log.log(step=step, event="final", minutes=budget.minutes(), **metrics)
    save_checkpoint(ckpt_path, model=model.state_dict(), optimizer=opt.state_dict(), step=step, config=asdict(cfg), heads=heads,
                    width=cfg.width, feature_dim=cfg.feature_dim, metrics=metrics, kind="pair",
                    data_meta={k: data.meta[k] for k in ("width", "height", "fps", "frames", "count", "seed") if k in data.meta})


def augment(video: torch.Tensor) -> torch.Tensor:
    """Half the batch blurred a little (generated frames are softer than renders), all with light noise."""
    b = video.shape[0]
    blurred = F.avg_pool3d(F.pad(video, (1, 1, 1, 1, 0, 0), mode="replicate"), (1, 3, 3), stride=1)
    pick = (torch.rand(b, 1, 1, 1, 1) < 0.5).float()
    video = pick * (0.5 * video + 0.5 * blurred) + (1 - pick) * video
    return video + 0.03 * torch.randn_like(video)


@torch.no_grad()
def evaluate(model: PairProbe, data: Pairs, idx: tuple[np.ndarray, np.ndarray], heads: dict) -> dict:
    model.eval()
    correct = {name: 0 for name in heads}
    ep, t = idx
    for i in range(0, len(ep), 256):
        video, labels = data.batch(ep[i:i + 256], t[i:i + 256])
        for out, name in zip(model(video)[1:], heads):
            correct[name] += int((out.argmax(1) == labels[name]).sum())
    model.train()
    return {f"acc_{k}": round(v / len(ep), 4) for k, v in correct.items()}


if __name__ == "__main__":
    main()
