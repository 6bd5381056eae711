"""Text encoder trained from scratch on Shapes World captions (English and Chinese words share one
vocabulary). A small pre-norm Transformer over word tokens; the DiT reads its token sequence by
cross-attention. Token 0 is padding, token 1 is <bos>, which is never masked, so an empty prompt (the
unconditional branch of classifier-free guidance) is the sequence [<bos>]."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .attention import MultiHeadAttention, mask_to_bias


@dataclass
class TextEncoderConfig:
    vocab_size: int = 512
    max_tokens: int = 48
    dim: int = 128
    depth: int = 2
    heads: int = 4
    out_dim: int = 256


class TextBlock(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = MultiHeadAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), bias=bias)
        return x + self.mlp(self.norm2(x))


class TextEncoder(nn.Module):
    def __init__(self, cfg: TextEncoderConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.dim)
        self.pos = nn.Parameter(torch.zeros(cfg.max_tokens, cfg.dim))
        nn.init.normal_(self.pos, std=0.02)
        self.blocks = nn.ModuleList(TextBlock(cfg.dim, cfg.heads) for _ in range(cfg.depth))
        self.norm = nn.LayerNorm(cfg.dim)
        self.proj = nn.Linear(cfg.dim, cfg.out_dim)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens int64 [B, L] -> [B, L, out_dim]."""
        mask = (tokens != 0).float()
        x = self.embed(tokens) + self.pos[: tokens.shape[1]]                       # [B,L,D]
        bias = mask_to_bias(mask)
        for block in self.blocks:
            x = block(x, bias)
        return self.proj(self.norm(x))
