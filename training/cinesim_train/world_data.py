"""Training windows for the world model from recorded play (`cinesim world dataset --kind game`, FORMATS.md).

A window is what the engine's stepper feeds the denoiser at one step of play, cut from an episode at target
frame t: the K frames before t (oldest first), the frames at the memory offsets before the newest of them,
the K actions (slot j leads from context frame j to the next; the last leads to frame t), the event fired
just before t, the episode's first frame (the anchor: the stepper's start frame), and frame t itself.
Indices before the episode's start clamp to frame 0 with action "none", which is how the stepper starts:
its context and memory filled with the first frame.
"""
from __future__ import annotations

import numpy as np
import torch

from .data import load_clipset


class GameWindows:
    def __init__(self, folder: str, context: int, memory: list[int], max_clips: int = 0, device="cpu"):
        # One folder, or several comma-separated (one dataset written by parallel processes with --start).
        folders = folder.split(",")
        sets = [load_clipset(f, max_clips) for f in folders]
        self.meta = {**sets[0].meta, "count": sum(c.meta["count"] for c in sets)}
        for f, c in zip(folders, sets):
            if c.meta.get("kind") != "game":
                raise ValueError(f"{f}: a world model trains on a game dataset, this one is {c.meta.get('kind')!r}")
        self.frames = sets[0].frames if len(sets) == 1 else np.concatenate([c.frames for c in sets])  # uint8 [N,F,H,W,3]
        self.records = [r for c in sets for r in c.records]
        self.n, self.length = self.frames.shape[:2]
        self.k = context
        self.device = device                                          # windows are cut on the host, handed over here
        self.offsets = np.array(sorted(memory, reverse=True), np.int64)   # oldest first
        self.actions = np.zeros((self.n, self.length), np.int64)     # actions[e, f]: from frame f to f + 1
        self.events = np.zeros((self.n, self.length, 3), np.int64)    # events[e, f]: fired just before frame f
        for e, r in enumerate(self.records):
            self.actions[e, : len(r["actions"])] = r["actions"]
            for frame, *code in r.get("gameEvents", []):
                self.events[e, frame] = code
        self.event_frames = np.argwhere(self.events[:, :, 0] > 0)     # [E,2] (episode, frame)

    def pick(self, rng: np.random.Generator, batch: int, event_share: float) -> tuple[np.ndarray, np.ndarray]:
        """Episodes and target frames; `event_share` of them land on a frame where an event fired (events are
        rare in play, about one step in fifty, and would otherwise hardly be learned)."""
        ep = rng.integers(0, self.n, batch)
        t = rng.integers(1, self.length, batch)
        if len(self.event_frames) and event_share > 0:
            on = rng.random(batch) < event_share
            chosen = self.event_frames[rng.integers(0, len(self.event_frames), int(on.sum()))]
            ep[on], t[on] = chosen[:, 0], chosen[:, 1]
        return ep, t

    def window(self, ep: np.ndarray, t: np.ndarray, extra: int = 0) -> dict[str, torch.Tensor]:
        """Tensors for targets (ep, t). With extra = 1 the context holds K + 1 frames and actions (the frame
        before the usual window too), for the own-rollout trick."""
        k = self.k + extra
        ctx_idx = t[:, None] - k + np.arange(k)[None]                 # [B,k]
        ctx = self.frames[ep[:, None], np.maximum(ctx_idx, 0)]          # [B,k,H,W,3]
        act = np.where(ctx_idx >= 0, self.actions[ep[:, None], np.maximum(ctx_idx, 0)], 0)
        mem_idx = np.maximum(t[:, None] - 1 - self.offsets[None], 0)  # [B,M]
        mem = self.frames[ep[:, None], mem_idx]
        window = {
            "target": to_planes(self.frames[ep, t][:, None]),         # [B,3,H,W]
            "context": to_planes(ctx),                                # [B,3k,H,W]
            "memory": to_planes(mem),                                 # [B,3M,H,W]
            "anchor": to_planes(self.frames[ep, 0][:, None]),         # [B,3,H,W]
            "actions": torch.from_numpy(act),                         # [B,k]
            "event": torch.from_numpy(self.events[ep, t]),            # [B,3]
        }
        return {k: v.to(self.device, non_blocking=True) for k, v in window.items()}


def to_planes(frames: np.ndarray) -> torch.Tensor:
    """uint8 [B,n,H,W,3] -> float [B,3n,H,W] in [-1,1], frames in order, RGB planes within each."""
    b, n, h, w, _ = frames.shape
    x = torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 1, 4, 2, 3).reshape(b, 3 * n, h, w)
    return x.float() / 127.5 - 1


def from_planes(x: torch.Tensor) -> np.ndarray:
    """float [B,3,H,W] in [-1,1] -> uint8 [B,H,W,3], rounded as the engine quantises generated frames."""
    return ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
