"""Probe: reads what a clip shows (colours, shapes, sizes, textures, motions present; camera move;
background; object count) off raw frames. Trained on rendered clips only, never on generated ones, it is
the judge of prompt adherence; its pooled features feed the Fréchet distance.

    video [B,3,F,H,W] in [-1,1] -> per-frame CNN -> temporal convs -> space-time pooling -> heads
Any size and length: fully convolutional with global pooling.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import ChannelNorm, from_frames, to_frames


class Probe(nn.Module):
    def __init__(self, heads: dict[str, int], width: int = 64, feature_dim: int = 256):
        super().__init__()
        self.head_names = list(heads)
        w = width
        def down(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=2, padding=1), ChannelNorm(cout), nn.SiLU(),
                                 nn.Conv2d(cout, cout, 3, padding=1), ChannelNorm(cout), nn.SiLU())
        # Full-resolution first layer keeps 1-pixel texture detail before any striding.
        self.frame = nn.Sequential(nn.Conv2d(3, w // 2, 3, padding=1), nn.SiLU(),
                                   down(w // 2, w), down(w, 2 * w), down(2 * w, 2 * w))
        self.temporal = nn.Sequential(
            nn.Conv3d(2 * w, 2 * w, (3, 3, 3), padding=1), ChannelNorm(2 * w), nn.SiLU(),
            nn.Conv3d(2 * w, 2 * w, (3, 3, 3), padding=1), ChannelNorm(2 * w), nn.SiLU())
        self.features = nn.Sequential(nn.Linear(4 * w, feature_dim), nn.SiLU())
        self.heads = nn.ModuleDict({name: nn.Linear(feature_dim, n) for name, n in heads.items()})

    def forward(self, video: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Returns (features [B,feature_dim], logits of each head in `head_names` order)."""
        b = video.shape[0]
        h = from_frames(self.frame(to_frames(video)), b)                 # [B,2w,F,h,w]
        h = h + self.temporal(h)
        pooled = torch.cat([h.mean(dim=(2, 3, 4)), h.amax(dim=(2, 3, 4))], dim=1)  # [B,4w]
        f = self.features(pooled)
        return (f, *[self.heads[n](f) for n in self.head_names])


class PairProbe(nn.Module):
    """Reads what changed between two frames (the inverse-dynamics probe of the world model: which action led
    from the first frame to the second) and what the second shows (background, agent colour).

    The same graph contract as `Probe` (video [B,3,F,H,W] in [-1,1] -> features, logits per head) with F = 2:
    the frames and their difference enter at full resolution, because an action moves the agent only a few
    pixels and a per-frame network that pools first would lose that.
    """

    def __init__(self, heads: dict[str, int], width: int = 16, feature_dim: int = 128):
        super().__init__()
        self.head_names = list(heads)
        w = width
        def down(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=2, padding=1), ChannelNorm(cout), nn.SiLU())
        self.net = nn.Sequential(nn.Conv2d(9, w, 3, padding=1), nn.SiLU(),
                                 down(w, 2 * w), down(2 * w, 4 * w), down(4 * w, 4 * w),
                                 nn.Conv2d(4 * w, 4 * w, 3, padding=1), nn.SiLU())
        self.features = nn.Sequential(nn.Linear(8 * w, feature_dim), nn.SiLU())
        self.heads = nn.ModuleDict({name: nn.Linear(feature_dim, n) for name, n in heads.items()})

    def forward(self, video: torch.Tensor) -> tuple[torch.Tensor, ...]:
        first, last = video[:, :, 0], video[:, :, -1]                          # [B,3,H,W] each
        h = self.net(torch.cat([first, last, last - first], dim=1))             # [B,4w,H/8,W/8]
        f = self.features(torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1))
        return (f, *[self.heads[n](f) for n in self.head_names])
