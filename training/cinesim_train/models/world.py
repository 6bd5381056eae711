"""World model: the next frame of Shapes World play from the last frames, older frames kept as memory, the
player's actions and a promptable event. One denoiser network, sampled by the engine's rectified-flow loop
in a step or two (docs/FORMATS.md, "World model").

    noisy [B,3,H,W] at level sigma, context [B,3K,H,W] (noised to context_sigma), memory [B,3M,H,W],
    with `anchor` the play's start frame [B,3,H,W]
      -> space-to-depth, U-Net at 32/16/8 px; memory enters at 16 px (pooled: it says what things look like, not
         where they are now), the anchor beside the context at 32 px; sigma, context_sigma, the K actions and
         the event set a conditioning vector that scales and shifts every residual block (FiLM)
      -> denoised [B,3,H,W] = newest context frame + predicted change (frames change little per step); with
         `warp`, the newest frame is first moved along a predicted flow field (16 px grid, bilinear): the camera
         follows the agent, so most of a frame slides sideways each step, which a warp carries over sharp and a
         predicted change can only redraw (ghosts, blur that compounds in play)

Convolutions only (no attention): fast in ONNX Runtime on two CPU cores and in the browser's WASM build,
and the 8 px level already sees the whole 64 px frame.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import ChannelNorm

N_ACTIONS = 5
# Event triple [kind, arg1, arg2] (src/world/game-events.ts encodeGameEvent): sizes of each id space, 0 = none.
EVENT_KINDS = 4                 # none, spawn, background, wind
EVENT_ARG1 = 13                 # spawn: colour + 1 (12 colours); background: background + 1 (9); wind: 1..3
EVENT_ARG2 = 9                  # spawn: shape + 1 (8 shapes)


@dataclass
class WorldConfig:
    context: int = 4                                   # K recent frames
    memory: list[int] = field(default_factory=lambda: [8, 16, 32, 64])   # offsets before the newest context frame
    channels: list[int] = field(default_factory=lambda: [32, 48, 96])   # at 1/2, 1/4, 1/8 of the frame size
    blocks: list[int] = field(default_factory=lambda: [0, 1, 1])        # encoder residual blocks per level
    cond_dim: int = 128
    warp: bool = False                                 # move the newest frame along a predicted flow first
    anchor: bool = False                               # also read the play's start frame, clean, at full size


def sinusoidal(x: torch.Tensor, dim: int) -> torch.Tensor:
    """[B] values in [0, 1] -> [B, dim] features."""
    half = dim // 2
    freqs = torch.exp(torch.arange(half, device=x.device, dtype=torch.float32) * (-math.log(1000.0) / half))
    angles = 1000.0 * x.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


def zeroed(layer: nn.Module) -> nn.Module:
    """The layer with weights and bias at zero: it adds nothing until trained."""
    nn.init.zeros_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


class FilmBlock(nn.Module):
    """Residual block whose normalised activations are scaled and shifted by the conditioning vector."""

    def __init__(self, channels: int, cond_dim: int):
        super().__init__()
        self.norm1 = ChannelNorm(channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.norm2 = ChannelNorm(channels)
        self.film = zeroed(nn.Linear(cond_dim, 2 * channels))
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.film(cond)[:, :, None, None].chunk(2, dim=1)    # [B,C,1,1] each
        h = self.norm2(h) * (1 + scale) + shift
        return x + self.conv2(F.silu(h))


class WorldModel(nn.Module):
    def __init__(self, cfg: WorldConfig):
        super().__init__()
        self.cfg = cfg
        k, m, c, d = cfg.context, len(cfg.memory), cfg.channels, cfg.cond_dim

        # Conditioning: two noise levels, the K actions (each slot its own table: the newest action matters
        # most and means something else than older ones) and the event triple.
        self.sigma_mlp = nn.Sequential(nn.Linear(64, d), nn.SiLU(), nn.Linear(d, d))
        self.ctx_sigma_mlp = nn.Sequential(nn.Linear(64, d), nn.SiLU(), nn.Linear(d, d))
        self.action_emb = nn.Embedding(N_ACTIONS * k, d)
        self.event_kind = nn.Embedding(EVENT_KINDS, d)
        self.event_arg1 = nn.Embedding(EVENT_KINDS * EVENT_ARG1, d)
        self.event_arg2 = nn.Embedding(EVENT_KINDS * EVENT_ARG2, d)
        self.cond_out = nn.Sequential(nn.SiLU(), nn.Linear(d, d))
        self.register_buffer("action_offset", torch.arange(k) * N_ACTIONS, persistent=False)

        # Space-to-depth first: each 2x2 pixel block becomes 12 channels at half the size, so the network
        # runs at 32 px and below yet the output (depth-to-space) can still place single pixels.
        self.stem = nn.Conv2d(4 * (3 + 3 * k), c[0], 3, padding=1)
        # The start frame: never generated, so it stays sharp however long the play, and holds what the first
        # view looked like (background, the agent, the landmarks a player walks back to). Zero at the start,
        # so a network warm-started from one without it begins exactly where that one was.
        self.anchor_in = zeroed(nn.Conv2d(12, c[0], 3, padding=1)) if cfg.anchor else None
        self.down = nn.ModuleList([nn.Conv2d(c[i], c[i + 1], 3, stride=2, padding=1) for i in range(2)])
        self.enc = nn.ModuleList([nn.ModuleList([FilmBlock(c[i], d) for _ in range(cfg.blocks[i])]) for i in range(3)])
        self.memory_in = nn.Conv2d(3 * m, c[1], 3, padding=1) if m else None
        self.mid = FilmBlock(c[2], d)
        self.up = nn.ModuleList([nn.Conv2d(c[i + 1], c[i], 3, padding=1) for i in range(2)])
        self.merge = nn.ModuleList([nn.Conv2d(2 * c[i], c[i], 1) for i in range(2)])
        self.dec = nn.ModuleList([FilmBlock(c[1], d)])
        self.out_norm = ChannelNorm(c[0])
        self.out = zeroed(nn.Conv2d(c[0], 12, 3, padding=1))
        # Flow in pixels from the 1/4-size decoder features; zero at the start, so a network warm-started
        # from one without a warp begins exactly where that one was.
        self.flow = zeroed(nn.Conv2d(c[1], 2, 3, padding=1)) if cfg.warp else None

    def condition(self, sigma, context_sigma, actions, event) -> torch.Tensor:
        c = self.sigma_mlp(sinusoidal(sigma, 64)) + self.ctx_sigma_mlp(sinusoidal(context_sigma, 64))
        c = c + self.action_emb(actions + self.action_offset[None]).sum(dim=1)
        kind = event[:, 0]
        c = c + self.event_kind(kind) + self.event_arg1(kind * EVENT_ARG1 + event[:, 1]) \
            + self.event_arg2(kind * EVENT_ARG2 + event[:, 2])
        return self.cond_out(c)                                           # [B,d]

    def forward(self, noisy, sigma, context, context_sigma, actions, event, memory=None, anchor=None, return_flow=False):
        """The denoised frame; with `return_flow` also the flow [B,2,H,W] in pixels (None without a warp),
        for the recipe's warp-only loss."""
        cond = self.condition(sigma, context_sigma, actions, event)
        # At s = 1 the noisy frame is pure noise and says nothing about the frame: scaled out by (1 - s), so
        # it cannot leak into the prediction of the first (often only) sampling step.
        noisy = noisy * (1 - sigma).view(-1, 1, 1, 1)
        h = self.stem(F.pixel_unshuffle(torch.cat([noisy, context], dim=1), 2))   # [B,c0,H/2,W/2]
        if self.anchor_in is not None:
            h = h + self.anchor_in(F.pixel_unshuffle(anchor, 2))
        skips = []
        for i in range(3):
            if i > 0:
                h = self.down[i - 1](F.silu(h))                           # halve the size
            if i == 1 and self.memory_in is not None:
                h = h + self.memory_in(F.avg_pool2d(memory, 4))           # memory at 1/4 size
            for block in self.enc[i]:
                h = block(h, cond)
            skips.append(h)
        h = self.mid(h, cond)                                             # [B,c2,H/8,W/8]
        for i in (1, 0):
            h = self.up[i](F.interpolate(F.silu(h), scale_factor=2.0, mode="nearest"))
            h = self.merge[i](torch.cat([h, skips[i]], dim=1))
            if i == 1:
                h = self.dec[0](h, cond)
                flow = self.flow(F.silu(h)) if self.flow is not None else None   # [B,2,H/4,W/4] pixels
        delta = F.pixel_shuffle(self.out(F.silu(self.out_norm(h))), 2)    # [B,3,H,W]
        newest = context[:, -3:]
        if flow is not None:
            flow = F.interpolate(flow, size=newest.shape[2:], mode="bilinear", align_corners=False)
            newest = warp(newest, flow)
        return (newest + delta, flow) if return_flow else newest + delta


def warp(frame: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
    """frame [B,C,H,W] sampled at each pixel + flow [B,2,H,W] (x, y in pixels; where each output pixel comes
    from), bilinear, edges repeated where the view reveals what the frame does not hold."""
    b, _, h, w = frame.shape
    ys = torch.linspace(-1 + 1 / h, 1 - 1 / h, h, device=frame.device)
    xs = torch.linspace(-1 + 1 / w, 1 - 1 / w, w, device=frame.device)
    base = torch.stack([xs[None, :].expand(h, w), ys[:, None].expand(h, w)], dim=-1)   # [H,W,2] (x, y)
    scale = torch.tensor([2.0 / w, 2.0 / h], device=frame.device)
    grid = base[None] + flow.permute(0, 2, 3, 1) * scale                          # [B,H,W,2]
    return F.grid_sample(frame, grid, mode="bilinear", padding_mode="border", align_corners=False)
