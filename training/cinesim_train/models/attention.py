"""Attention used by the text encoder and the DiT: multi-head, optional additive mask, 3-D rotary
positions. Uses PyTorch 2's fused kernel when present (GPU training) and plain matmuls otherwise, which is
also what the ONNX export traces (torch 1.13 has no fused kernel)."""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

_FUSED = hasattr(F, "scaled_dot_product_attention")


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """q [B,h,N,d], k/v [B,h,M,d], bias broadcastable to [B,h,N,M] (0 keep, -inf-ish drop)."""
    if _FUSED and not torch.onnx.is_in_onnx_export():
        return F.scaled_dot_product_attention(q, k, v, attn_mask=None if bias is None else bias.to(q.dtype))
    scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(q.shape[-1]))  # [B,h,N,M]
    if bias is not None:
        scores = scores + bias
    return torch.matmul(scores.softmax(dim=-1), v)                                   # [B,h,N,d]


def mask_to_bias(mask: torch.Tensor) -> torch.Tensor:
    """[B, M] with 1 = attend, 0 = padding -> additive bias [B, 1, 1, M]."""
    return ((1.0 - mask) * -1e4)[:, None, None, :]


class MultiHeadAttention(nn.Module):
    def __init__(self, dim: int, heads: int, kv_dim: int | None = None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(kv_dim or dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None, bias: torch.Tensor | None = None,
                rope: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        b, n, d = x.shape
        ctx = x if context is None else context
        m = ctx.shape[1]
        q = self.q(x).reshape(b, n, self.heads, d // self.heads).transpose(1, 2)          # [B,h,N,hd]
        k, v = self.kv(ctx).reshape(b, m, 2, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # [B,h,M,hd] each
        if rope is not None:
            q, k = apply_rope(q, *rope), apply_rope(k, *rope)
        y = attend(q, k, v, bias).transpose(1, 2).reshape(b, n, d)                        # [B,N,D]
        return self.out(y)


def rope_3d(t: int, h: int, w: int, head_dim: int, device: torch.device, base: float = 100.0):
    """Rotary tables for tokens on a (t, h, w) grid, row-major. The head dim is split between the three
    axes (time gets a quarter, rounded to even), which makes the DiT size- and length-agnostic.
    Returns cos, sin of shape [N, head_dim/2]."""
    dt = (head_dim // 4) // 2 * 2
    dh = (head_dim - dt) // 2 // 2 * 2
    dw = head_dim - dt - dh
    def axis(n: int, dim: int) -> torch.Tensor:
        freqs = base ** (-torch.arange(0, dim, 2, device=device, dtype=torch.float32) / dim)   # [dim/2]
        return torch.arange(n, device=device, dtype=torch.float32)[:, None] * freqs[None, :]   # [n, dim/2]
    ft, fh, fw = axis(t, dt), axis(h, dh), axis(w, dw)
    angles = torch.cat([
        ft[:, None, None, :].expand(t, h, w, dt // 2),
        fh[None, :, None, :].expand(t, h, w, dh // 2),
        fw[None, None, :, :].expand(t, h, w, dw // 2),
    ], dim=-1).reshape(t * h * w, head_dim // 2)                                                 # [N, hd/2]
    return angles.cos(), angles.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x [B,h,N,hd] with pairs (even, odd) rotated by the angles."""
    b, hh, n, d = x.shape
    x = x.reshape(b, hh, n, d // 2, 2)
    x0, x1 = x[..., 0], x[..., 1]
    return torch.stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], dim=-1).reshape(b, hh, n, d)
