"""Trains the world model: next frame of Shapes World play from past frames, actions and events.

    node bin/cinesim.mjs world dataset --kind game --count 640 --seconds 16 --fps 12 --seed 1 --out data/game-12
    node bin/cinesim.mjs world dataset --kind game --count 32 --seconds 16 --fps 12 --seed 2 --out data/game-12-val
    /usr/bin/python3 training/train_world.py --data=data/game-12 --val_data=data/game-12-val --out=training/runs/world

Rectified flow with the network predicting the clean frame (x_s = (1 - s)·frame + s·noise). Half the batch
is at s = 1, the state the engine's first (often only) sampling step starts from. The stability tricks the
rollouts need, since the model then reads its own frames:
- context noise: context frames are noised to a random level given to the network, so small errors in
  generated context look like training noise (the engine uses a small fixed level, manifest.sampling);
- own rollouts: after `rollout_from` of the run, part of each batch has its context replaced by the model's
  own predictions chained over 1…`rollout_horizon` steps from the true frames before (beyond K steps the
  whole context is its own, as deep in play),
  quantised to uint8 as the engine does, so it learns to read, and repair, the blur of its own frames;
- changed pixels weigh more in the loss: most of a frame is a copy of the last one, the agent's motion is
  what matters.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict, dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch
import torch.nn.functional as F

from cinesim_train.common import Budget, Ema, cosine_lr, count_params, load_checkpoint, save_checkpoint, start
from cinesim_train.models.world import WorldConfig, WorldModel, warp
from cinesim_train.world_data import GameWindows, from_planes, to_planes


@dataclass
class Config:
    data: str = "data/game-12"
    val_data: str = ""
    out: str = "training/runs/world"
    resume: bool = False
    init: str = ""                    # warm start from a checkpoint's EMA weights (training/checkpoints/world-64/world.pt)
    max_clips: int = 0
    # model
    context: int = 4
    memory: tuple = (8, 16, 32, 64)
    channels: tuple = (32, 48, 96)
    blocks: tuple = (0, 1, 1)
    warp: bool = False                # newest frame moved along a predicted flow before the change is added
    anchor: bool = False              # the episode's first frame (the play's start) as an extra input
    # training
    batch: int = 32
    lr: float = 1e-3
    warmup: int = 200
    max_steps: int = 100000
    max_minutes: float = 0.0
    event_share: float = 0.2          # of each batch, windows where an event fires
    s_one: float = 0.5                # of each batch, noise level exactly 1 (the first sampling step)
    max_context_sigma: float = 0.3
    change_weight: float = 4.0        # extra loss weight on pixels that changed since the last frame
    warp_weight: float = 1.0          # with --warp: loss of the warped newest frame alone (teaches the flow)
    rollout_from: float = 0.4         # fraction of the run after which own rollouts start
    rollout_share: float = 0.5        # of each batch, once started
    rollout_horizon: int = 1          # own frames chained, drawn from 1..this per batch
    ema: float = 0.999
    log_every: int = 25
    eval_every: int = 500
    save_minutes: float = 10.0
    seed: int = 0
    threads: int = 2


# Network options a warm start may switch on, and the layers (zero at the start) they add.
ADDABLE = {"warp": "flow.", "anchor": "anchor_in."}


def main() -> None:
    cfg, device, rng, log = start(Config)
    wcfg = WorldConfig(context=cfg.context, memory=list(cfg.memory), channels=list(cfg.channels), blocks=list(cfg.blocks),
                       warp=cfg.warp, anchor=cfg.anchor)
    data = GameWindows(cfg.data, cfg.context, wcfg.memory, cfg.max_clips, device)
    val = GameWindows(cfg.val_data, cfg.context, wcfg.memory, device=device) if cfg.val_data else data
    val_rng = np.random.default_rng(1234)
    val_batch = val.window(*val.pick(val_rng, 128, cfg.event_share))

    model = WorldModel(wcfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=(0.9, 0.99), weight_decay=0.01, foreach=True)
    ema = Ema(model, cfg.ema)
    step = 0
    ckpt_path = os.path.join(cfg.out, "ckpt.pt")
    if cfg.resume and os.path.exists(ckpt_path):
        ckpt = load_checkpoint(ckpt_path)
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        ema.shadow = ckpt["ema"]
        step = ckpt["step"]
    elif cfg.init:
        init = load_checkpoint(cfg.init)
        # A network may gain the warp or the anchor over its warm start: their layers start at zero.
        before = init["world_config"]
        added = [f for f in ADDABLE if getattr(wcfg, f) and not before.get(f)]
        if {**{f: False for f in ADDABLE}, **before, **{f: True for f in added}} != asdict(wcfg):
            sys.exit(f"--init {cfg.init}: its network ({before}) differs from this one ({asdict(wcfg)})")
        weights = {k: v.float() for k, v in init["ema"].items()}
        missing, unexpected = model.load_state_dict(weights, strict=False)
        if unexpected or any(not k.startswith(tuple(ADDABLE[f] for f in added)) for k in missing):
            sys.exit(f"--init {cfg.init}: weights do not fit (missing {missing}, unexpected {unexpected})")
        ema.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}
        log.log(event="init", path=cfg.init, steps_before=init["step"])   # a new run: warm-up, schedule from 0
    log.log(event="start", params=count_params(model), device=str(device), config=asdict(cfg),
            clips=data.n, frames=data.length, fps=data.meta["fps"])

    budget = Budget(cfg.max_steps, cfg.max_minutes)
    last_save = time.time()
    metrics: dict = {}

    def save() -> None:
        save_checkpoint(ckpt_path, model=model.state_dict(), optimizer=opt.state_dict(), ema=ema.state_dict(), step=step,
                        config=asdict(cfg), world_config=asdict(wcfg), data_meta=dataset_meta(data.meta, cfg),
                        metrics=metrics, minutes=budget.minutes())

    timing, timed = {"batch": 0.0, "rollout": 0.0, "total": 0.0}, 0   # seconds over the steps since the last log line
    while not budget.done(step):
        began = time.time()
        progress = max(step / cfg.max_steps, budget.fraction())
        for group in opt.param_groups:
            group["lr"] = cosine_lr(step, cfg.lr, cfg.warmup, cfg.max_steps, time_fraction=budget.fraction())
        ep, t = data.pick(rng, cfg.batch, cfg.event_share)
        rollout = progress >= cfg.rollout_from
        horizon = int(rng.integers(1, cfg.rollout_horizon + 1)) if rollout else 0
        w = data.window(ep, t, extra=horizon)
        timing["batch"] += time.time() - began
        if rollout:
            rolled = time.time()
            w["context"] = own_rollout(model, data, w, ep, t, rng, cfg.rollout_share, cfg.context, horizon)
            timing["rollout"] += time.time() - rolled
        loss = train_loss(model, w, rng, cfg)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema.update(model, step)
        step += 1
        timing["total"] += time.time() - began
        timed += 1
        if step % cfg.log_every == 0 or step == 1:
            # per step: batch assembly, own rollouts, all (the rest is the update; GPU work is counted where it syncs)
            log.log(step=step, loss=loss.item(), lr=opt.param_groups[0]["lr"], rollout=rollout, minutes=budget.minutes(),
                    **{f"{k}_ms": round(1000 * v / timed, 1) for k, v in timing.items()})
            timing, timed = dict.fromkeys(timing, 0.0), 0
        if step % cfg.eval_every == 0:
            metrics = evaluate(model, ema, val_batch, wcfg)
            log.log(step=step, event="eval", **metrics)
        if time.time() - last_save > cfg.save_minutes * 60:
            save()
            last_save = time.time()

    metrics = evaluate(model, ema, val_batch, wcfg)
    log.log(step=step, event="final", minutes=budget.minutes(), **metrics)
    save()


def dataset_meta(meta: dict, cfg: Config) -> dict:
    keep = ("width", "height", "fps", "frames", "count", "seed", "range", "eventRate", "actions", "eventKinds")
    return {**{k: meta[k] for k in keep if k in meta}, "folder": cfg.data}


def noise_to(x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """Rectified-flow interpolation x_s = (1 - s)·x + s·noise, s per sample."""
    s = s.view(-1, 1, 1, 1)
    return (1 - s) * x + s * torch.randn_like(x)


def train_loss(model: WorldModel, w: dict, rng: np.random.Generator, cfg: Config) -> torch.Tensor:
    b, device = w["target"].shape[0], w["target"].device
    s = torch.from_numpy(np.where(rng.random(b) < cfg.s_one, 1.0, rng.random(b))).float().to(device)
    # Half clean context, half noised up to max_context_sigma: the engine's small fixed level lies inside.
    cs = torch.from_numpy(np.where(rng.random(b) < 0.3, 0.0, rng.random(b) * cfg.max_context_sigma)).float().to(device)
    target = w["target"]
    context = noise_to(w["context"], cs)
    denoised, flow = model(noise_to(target, s), s, context, cs, w["actions"], w["event"], w["memory"],
                           w["anchor"], return_flow=True)
    changed = ((target - w["context"][:, -3:]).abs().amax(dim=1, keepdim=True) > 0.08).float()
    weight = 1 + cfg.change_weight * changed
    loss = (weight * (denoised - target) ** 2).mean()
    if flow is not None and cfg.warp_weight > 0:
        loss = loss + cfg.warp_weight * warp_loss(context[:, -3:], flow, target)
    return loss


def warp_loss(newest: torch.Tensor, flow: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """How well the newest frame, moved along the flow alone, matches the target: the flow's own signal (the
    predicted change could otherwise keep redrawing the motion and the flow stay at zero). Also at 1/4 size,
    where a step's 3-pixel scroll is under a pixel, inside the reach of bilinear sampling's gradient."""
    loss = ((warp(newest, flow) - target) ** 2).mean()
    small = [F.avg_pool2d(x, 4) for x in (newest, flow, target)]
    return loss + ((warp(small[0], small[1] / 4) - small[2]) ** 2).mean()


@torch.no_grad()
def own_rollout(model: WorldModel, data: GameWindows, w: dict, ep: np.ndarray, t: np.ndarray,
                rng: np.random.Generator, share: float, k: int, horizon: int) -> torch.Tensor:
    """The K-frame context for the targets, with its newest min(horizon, K) frames replaced, for `share` of
    the batch, by the model's own chained one-step predictions (quantised like generated frames): frame
    t − horizon from the true K frames before it, then each next one from a context holding the earlier
    predictions, as in play. `w` holds K + horizon frames and actions; its actions are cut to the last K."""
    ctx, act = w["context"], w["actions"]                       # K + horizon frames and actions
    w["actions"] = act[:, horizon:]
    context = ctx[:, 3 * horizon:].clone()
    own = np.flatnonzero((rng.random(len(t)) < share) & (t >= horizon + 1))
    if len(own) == 0:
        return context
    model.eval()
    b = len(own)
    frames = ctx[own].clone()                                   # the sequence, own frames written in
    for j in range(horizon):
        step = data.window(ep[own], t[own] - horizon + j)       # memory and event of that step
        pred = model(torch.randn(b, 3, *ctx.shape[2:], device=ctx.device), torch.ones(b, device=ctx.device),
                     frames[:, 3 * j:3 * (j + k)], torch.zeros(b, device=ctx.device),
                     act[own, j:j + k], step["event"], step["memory"], step["anchor"])
        frames[:, 3 * (j + k):3 * (j + k + 1)] = to_planes(from_planes(pred)[:, None])
    model.train()
    context[own] = frames[:, 3 * horizon:]
    return context


@torch.no_grad()
def evaluate(model: WorldModel, ema: Ema, w: dict, wcfg: WorldConfig) -> dict:
    """One-step PSNR of the EMA weights at s = 1 (one sampling step, clean context) against the true frame,
    beside the PSNR of simply repeating the last frame: the model must beat that."""
    device = w["target"].device
    shadow = WorldModel(wcfg).to(device)
    shadow.load_state_dict(ema.state_dict())
    shadow.eval()
    b = w["target"].shape[0]
    pred = shadow(torch.randn_like(w["target"]), torch.ones(b, device=device), w["context"], torch.zeros(b, device=device),
                  w["actions"], w["event"], w["memory"], w["anchor"])
    return {"psnr_1step": psnr(pred, w["target"]), "psnr_copy_last": psnr(w["context"][:, -3:], w["target"]),
            "loss_val": round(F.mse_loss(pred, w["target"]).item(), 5)}


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """PSNR in dB of uint8-quantised frames (range 255), averaged over frames."""
    x = torch.from_numpy(from_planes(a)).float()
    y = torch.from_numpy(from_planes(b)).float()
    mse = ((x - y) ** 2).flatten(1).mean(1).clamp_min(1e-3)
    return round((10 * torch.log10(255.0 ** 2 / mse)).mean().item(), 3)


if __name__ == "__main__":
    main()
