"""Image metrics on videos in [-1, 1], per clip: PSNR and SSIM (Gaussian window 11, σ 1.5, per frame and
channel, averaged), the definitions `cinesim eval` uses too."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def psnr(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """[B,3,F,H,W] in [-1,1] -> [B] dB on the 0..1 scale."""
    mse = ((x - y) / 2).pow(2).flatten(1).mean(1).clamp(min=1e-10)
    return -10 * torch.log10(mse)


def ssim(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    b, c, f, h, w = x.shape
    x = ((x + 1) / 2).transpose(1, 2).reshape(b * f * c, 1, h, w)
    y = ((y + 1) / 2).transpose(1, 2).reshape(b * f * c, 1, h, w)
    g = torch.exp(-((torch.arange(11, dtype=x.dtype, device=x.device) - 5) ** 2) / (2 * 1.5 ** 2))
    g = g / g.sum()
    k = (g[:, None] * g[None, :])[None, None]
    def blur(t):
        return F.conv2d(t, k, padding=5)
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx ** 2, blur(y * y) - my ** 2, blur(x * y) - mx * my
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    m = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2))
    return m.reshape(b, -1).mean(1)
