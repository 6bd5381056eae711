"""Causal 3D VAE: compresses video ×4 in time and ×4 (or ×8) in space, causally, so an image is a
one-frame video and long videos decode chunk by chunk with flat memory.

Follows the shape of the causal video VAEs of HunyuanVideo, Wan and CogVideoX, factorised for CPU speed:
spatial work is per-frame 2-D convolution, temporal work is causal convolution over time. Time is
compressed by folding groups of 4 frames into channels after padding frame 0 three times in front, so
latent frame 0 sees frame 0 only, and latent frame i sees frames up to 4i.

    video [B,3,1+4k,H,W] -> encoder -> latents [B,C,1+k,H/s,W/s] -> decoder -> [B,3,4(1+k),H,W] (drop 3)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import CausalResBlock, CausalTemporalConv, ChannelNorm, ResBlock2d, from_frames, to_frames

TIME_FACTOR = 4


@dataclass
class VAEConfig:
    latent_channels: int = 8
    channels: list[int] = field(default_factory=lambda: [32, 64, 128])  # full res first; len-1 = ×2 stages
    temporal_blocks: int = 2      # causal residual blocks at the latent frame rate

    @property
    def spatial_factor(self) -> int:
        return 2 ** (len(self.channels) - 1)


class Encoder(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        ch = cfg.channels
        self.conv_in = nn.Conv2d(3, ch[0], 3, padding=1)
        stages = []
        for i in range(len(ch) - 1):
            stages += [ResBlock2d(ch[i], ch[i]), nn.Conv2d(ch[i], ch[i + 1], 3, stride=2, padding=1)]
        stages.append(ResBlock2d(ch[-1], ch[-1]))
        self.spatial = nn.Sequential(*stages)
        self.fold = nn.Conv3d(ch[-1] * TIME_FACTOR, ch[-1], 1)   # 4 frames' channels -> one latent frame
        self.temporal = nn.ModuleList(CausalResBlock(ch[-1]) for _ in range(cfg.temporal_blocks))
        self.norm_out = ChannelNorm(ch[-1])
        self.conv_out = nn.Conv3d(ch[-1], 2 * cfg.latent_channels, 1)

    def forward(self, video: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b = video.shape[0]
        video = torch.cat([video[:, :, :1]] * (TIME_FACTOR - 1) + [video], dim=2)  # [B,3,4(1+k),H,W]
        h = from_frames(self.spatial(self.conv_in(to_frames(video))), b)          # [B,C,4(1+k),h,w]
        _, c, t, hh, ww = h.shape
        h = h.reshape(b, c, t // TIME_FACTOR, TIME_FACTOR, hh, ww).transpose(2, 3)  # [B,C,4,1+k,h,w]
        h = self.fold(h.reshape(b, c * TIME_FACTOR, t // TIME_FACTOR, hh, ww))     # [B,C,1+k,h,w]
        zeros = torch.zeros_like(h[:, :, :1]).expand(-1, -1, 2, -1, -1)               # a cache, even for 1 frame
        for block in self.temporal:
            h, _ = block(h, [zeros, zeros])
        mean, logvar = self.conv_out(F.silu(self.norm_out(h))).chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)


class Decoder(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        ch = list(reversed(cfg.channels))   # deepest first
        self.conv_in = nn.Conv3d(cfg.latent_channels, ch[0], 1)
        self.temporal = nn.ModuleList(CausalResBlock(ch[0]) for _ in range(cfg.temporal_blocks))
        self.unfold = nn.Conv3d(ch[0], ch[0] * TIME_FACTOR, 1)   # one latent frame -> 4 frames' channels
        self.frame_norm = ChannelNorm(ch[0])
        self.frame_temporal = CausalTemporalConv(ch[0], ch[0])   # smooths motion inside each group of 4
        stages = [ResBlock2d(ch[0], ch[0])]
        for i in range(len(ch) - 1):
            stages += [nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(ch[i], ch[i + 1], 3, padding=1),
                       ResBlock2d(ch[i + 1], ch[i + 1])]
        self.spatial = nn.Sequential(*stages)
        self.norm_out = ChannelNorm(ch[-1])
        self.conv_out = nn.Conv2d(ch[-1], 3, 3, padding=1)

    def cache_convs(self) -> list[CausalTemporalConv]:
        """Every causal conv in call order; cache i belongs to conv i."""
        convs = [c for block in self.temporal for c in block.cache_convs()]
        return convs + [self.frame_temporal]

    def cache_shapes(self, batch: int, h: int, w: int) -> list[tuple[int, ...]]:
        return [(batch, c.channels, c.cache_frames, h, w) for c in self.cache_convs()]

    def forward(self, z: torch.Tensor, caches: list[torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
        b = z.shape[0]
        h = self.conv_in(z)                                                          # [B,C,t,h,w]
        new_caches: list[torch.Tensor] = []
        i = 0
        for block in self.temporal:
            h, cs = block(h, caches[i:i + 2])
            new_caches += cs
            i += 2
        _, c, t, hh, ww = h.shape
        h = self.unfold(h).reshape(b, c, TIME_FACTOR, t, hh, ww).transpose(2, 3)    # [B,C,t,4,h,w]
        h = h.reshape(b, c, t * TIME_FACTOR, hh, ww)                                 # [B,C,4t,h,w]
        dh, cache = self.frame_temporal(F.silu(self.frame_norm(h)), caches[i])
        new_caches.append(cache)
        h = h + dh
        y = self.conv_out(F.silu(self.norm_out(self.spatial(to_frames(h)))))         # [B*4t,3,H,W]
        return from_frames(y, b), new_caches


class VAE(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)

    def zero_caches(self, z: torch.Tensor) -> list[torch.Tensor]:
        b, _, _, h, w = z.shape
        return [torch.zeros(s, dtype=z.dtype, device=z.device) for s in self.decoder.cache_shapes(b, h, w)]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Whole-clip decode: [B,C,1+k,h,w] -> [B,3,1+4k,H,W]."""
        frames, _ = self.decoder(z, self.zero_caches(z))
        return frames[:, :, TIME_FACTOR - 1:]

    def forward(self, video: torch.Tensor, sample: bool = True):
        mean, logvar = self.encoder(video)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar) if sample else mean
        return self.decode(z), mean, logvar


def check_frames(n: int) -> None:
    if n < 1 or (n - 1) % TIME_FACTOR:
        raise ValueError(f"a causal VAE clip has 1 + {TIME_FACTOR}k frames; got {n}")
