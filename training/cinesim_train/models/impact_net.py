"""ImpactNet: reads impacts (bounces, landings, collisions) straight off the pixels, for src/audio.

    frames [B, 7*3+2, H, W] -> 7 conv layers (two stride-2) -> heat [B, H/4, W/4] in 0..1

The input is 7 consecutive frames around the scored one, RGB in [-0.5, 0.5] stacked as channels (early
fusion: an impact is a change of motion, which the first layer can see as pixel differences), plus two
constant planes: high frame rate (> 12 fps) and frame scaled down to a 64-pixel short side. Dilated layers
at 1/4 scale see about ±40 pixels, the reach of a fast object over the window. Fully convolutional, so
any size that is a multiple of 4 runs.
"""
from __future__ import annotations

import torch
import torch.nn as nn

WINDOW = 3          # frames either side of the scored one
PLANES = 2          # high frame rate, scaled down
CELL = 4            # input pixels per heat cell
IN_CHANNELS = (2 * WINDOW + 1) * 3 + PLANES


class ImpactNet(nn.Module):
    def __init__(self, widths: tuple[int, int, int, int] = (32, 48, 64, 96)):
        super().__init__()

        def conv(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, dilation, dilation=dilation), nn.BatchNorm2d(cout),
                                 nn.ReLU(inplace=True))

        a, b, c, d = widths
        self.body = nn.Sequential(conv(IN_CHANNELS, a), conv(a, b, 2), conv(b, c), conv(c, d, 2), conv(d, d, 1, 2),
                                  conv(d, d, 1, 4), conv(d, d))
        self.head = nn.Conv2d(d, 1, 1)
        # Impacts are rare: start every cell near "no impact" so the first steps are not spent learning that.
        nn.init.constant_(self.head.bias, -4.0)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """Logits [B, H/4, W/4]."""
        return self.head(self.body(frames))[:, 0]


class ImpactHeat(nn.Module):
    """What is exported: heat in 0..1 (src/audio/impact-net.ts reads `frames` -> `heat`)."""

    def __init__(self, net: ImpactNet):
        super().__init__()
        self.net = net

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net(frames))
