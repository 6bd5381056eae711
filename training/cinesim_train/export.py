"""ONNX export of each network with the input/output names of the graph contracts in docs/FORMATS.md.
Opset 17, legacy TorchScript exporter (torch 1.13 here; `dynamo=False` on torch 2.x), dynamic batch,
length and size axes so one file serves every clip length and aspect ratio."""
from __future__ import annotations

import inspect

import torch
import torch.nn as nn

from .models.dit import DiT
from .models.text_encoder import TextEncoder
from .models.vae import VAE

OPSET = 17


def _export(module: nn.Module, args: tuple, path: str, inputs: list[str], outputs: list[str], axes: dict) -> None:
    module.eval()
    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True, **kwargs)


def export_text_encoder(te: TextEncoder, path: str) -> None:
    tokens = torch.zeros(1, te.cfg.max_tokens, dtype=torch.long)
    tokens[:, 0] = 1
    _export(te, (tokens,), path, ["tokens"], ["text"], {"tokens": {0: "B", 1: "L"}, "text": {0: "B", 1: "L"}})


def export_transformer(dit: DiT, path: str, text_dim: int, frames: int = 5, h: int = 16, w: int = 16) -> None:
    c = dit.cfg.latent_channels
    x = torch.randn(1, c, frames, h, w)
    args = (x, torch.rand(1), torch.randn(1, 8, text_dim), torch.ones(1, 8), torch.zeros_like(x),
            torch.zeros(1, 1, frames, h, w))
    video = {0: "B", 2: "T", 3: "h", 4: "w"}
    _export(dit, args, path, ["latents", "timestep", "text", "text_mask", "cond_latents", "cond_mask"], ["velocity"],
            {"latents": video, "timestep": {0: "B"}, "text": {0: "B", 1: "L"}, "text_mask": {0: "B", 1: "L"},
             "cond_latents": video, "cond_mask": video, "velocity": video})


class _NormalisedEncoder(nn.Module):
    """Encoder mean, shifted and scaled to unit variance: what the transformer was trained on."""

    def __init__(self, vae: VAE, shift: float, scale: float):
        super().__init__()
        self.encoder, self.shift, self.scale = vae.encoder, shift, scale

    def forward(self, video: torch.Tensor) -> torch.Tensor:
        mean, _ = self.encoder(video)
        return (mean - self.shift) * self.scale


class _NormalisedDecoder(nn.Module):
    def __init__(self, vae: VAE, shift: float, scale: float):
        super().__init__()
        self.decoder, self.shift, self.scale = vae.decoder, shift, scale

    def forward(self, latents: torch.Tensor, *caches: torch.Tensor):
        frames, new = self.decoder(latents / self.scale + self.shift, list(caches))
        return (frames, *new)


def export_vae(vae: VAE, encoder_path: str, decoder_path: str, shift: float, scale: float,
               h: int = 64, w: int = 64) -> list[dict]:
    """Exports both halves; returns the decoder's cache descriptors for the manifest."""
    video = {0: "B", 2: "F", 3: "H", 4: "W"}
    _export(_NormalisedEncoder(vae, shift, scale), (torch.randn(1, 3, 5, h, w),), encoder_path, ["video"], ["latents"],
            {"video": video, "latents": {0: "B", 2: "T", 3: "h", 4: "w"}})
    s = vae.cfg.spatial_factor
    z = torch.randn(1, vae.cfg.latent_channels, 2, h // s, w // s)
    caches = vae.zero_caches(z)
    names = [f"cache_{i}" for i in range(len(caches))]
    axes = {"latents": {0: "B", 1: "C", 2: "t", 3: "h", 4: "w"}, "frames": {0: "B", 2: "F", 3: "H", 4: "W"}}
    for n in names:
        axes[n] = axes[n + "_out"] = {0: "B", 3: "h", 4: "w"}
    _export(_NormalisedDecoder(vae, shift, scale), (z, *caches), decoder_path, ["latents", *names],
            ["frames", *[n + "_out" for n in names]], axes)
    return [{"name": n, "channels": c.shape[1], "frames": c.shape[2], "scale": 1} for n, c in zip(names, caches)]
