"""Diffusion Transformer over latent space-time patches (DiT, Peebles & Xie 2023), as used by Sora-style
video models: patchified latents, 3-D rotary positions, adaLN-Zero timestep conditioning, cross-attention
to text tokens (PixArt-α). Known frames enter as extra input channels, clean latents plus a mask (the
approach of Wan's image-to-video models), so one network does text-to-video, image-to-video,
first+last frame and extension.

    latents [B,C,T,h,w] + cond [B,C,T,h,w] + mask [B,1,T,h,w] -> tokens [B,N,D] -> blocks -> velocity [B,C,T,h,w]
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from .attention import MultiHeadAttention, mask_to_bias, rope_3d


@dataclass
class DiTConfig:
    latent_channels: int = 8
    patch: list[int] = field(default_factory=lambda: [1, 2, 2])   # (t, h, w)
    dim: int = 256
    depth: int = 8
    heads: int = 8
    text_dim: int = 256
    mlp_ratio: float = 4.0


def modulate(x: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    return x * (1 + scale[:, None]) + shift[:, None]


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of σ·1000 (σ in [0, 1]) -> [B, dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = (t.float() * 1000.0)[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class DiTBlock(nn.Module):
    def __init__(self, cfg: DiTConfig):
        super().__init__()
        d = cfg.dim
        self.norm1 = nn.LayerNorm(d)
        self.attn = MultiHeadAttention(d, cfg.heads)
        self.norm2 = nn.LayerNorm(d)
        self.cross = MultiHeadAttention(d, cfg.heads, kv_dim=cfg.text_dim)
        self.norm3 = nn.LayerNorm(d)
        hidden = int(d * cfg.mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(approximate="tanh"), nn.Linear(hidden, d))
        self.ada = nn.Linear(d, 6 * d)
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)

    def forward(self, x, c, text, text_bias, rope):
        s1, sc1, g1, s2, sc2, g2 = self.ada(F.silu(c)).chunk(6, dim=-1)                 # each [B,D]
        x = x + g1[:, None] * self.attn(modulate(self.norm1(x), s1, sc1), rope=rope)
        x = x + self.cross(self.norm2(x), context=text, bias=text_bias)
        return x + g2[:, None] * self.mlp(modulate(self.norm3(x), s2, sc2))


class DiT(nn.Module):
    def __init__(self, cfg: DiTConfig):
        super().__init__()
        self.cfg = cfg
        pt, ph, pw = cfg.patch
        c = cfg.latent_channels
        self.patch_in = nn.Linear((2 * c + 1) * pt * ph * pw, cfg.dim)
        self.t_embed = nn.Sequential(nn.Linear(256, cfg.dim), nn.SiLU(), nn.Linear(cfg.dim, cfg.dim))
        self.text_pool = nn.Sequential(nn.Linear(cfg.text_dim, cfg.dim), nn.SiLU(), nn.Linear(cfg.dim, cfg.dim))
        self.blocks = nn.ModuleList(DiTBlock(cfg) for _ in range(cfg.depth))
        self.norm_out = nn.LayerNorm(cfg.dim)
        self.ada_out = nn.Linear(cfg.dim, 2 * cfg.dim)
        self.patch_out = nn.Linear(cfg.dim, c * pt * ph * pw)
        for layer in (self.ada_out, self.patch_out):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, latents, timestep, text, text_mask, cond_latents, cond_mask):
        b, c, t, h, w = latents.shape
        pt, ph, pw = self.cfg.patch
        gt, gh, gw = t // pt, h // ph, w // pw
        x = torch.cat([latents, cond_latents, cond_mask], dim=1)                        # [B,2C+1,T,h,w]
        ci = x.shape[1]
        x = x.reshape(b, ci, gt, pt, gh, ph, gw, pw).permute(0, 2, 4, 6, 1, 3, 5, 7)     # [B,gt,gh,gw,Ci,pt,ph,pw]
        x = self.patch_in(x.reshape(b, gt * gh * gw, ci * pt * ph * pw))                 # [B,N,D]

        pooled = (text * text_mask[..., None]).sum(1) / text_mask.sum(1, keepdim=True).clamp(min=1.0)  # [B,text_dim]
        cond = self.t_embed(timestep_embedding(timestep, 256)) + self.text_pool(pooled)  # [B,D]
        text_bias = mask_to_bias(text_mask)
        rope = rope_3d(gt, gh, gw, self.cfg.dim // self.cfg.heads, x.device)

        for block in self.blocks:
            x = block(x, cond, text, text_bias, rope)

        shift, scale = self.ada_out(F.silu(cond)).chunk(2, dim=-1)
        x = self.patch_out(modulate(self.norm_out(x), shift, scale))                    # [B,N,C*pt*ph*pw]
        x = x.reshape(b, gt, gh, gw, c, pt, ph, pw).permute(0, 4, 1, 5, 2, 6, 3, 7)      # [B,C,gt,pt,gh,ph,gw,pw]
        return x.reshape(b, c, t, h, w)
