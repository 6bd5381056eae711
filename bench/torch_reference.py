"""PyTorch reference for `npm run bench -- generate`: the same networks (the shipped model's weights from
training/checkpoints/shapes-64), the same request shape and sampler (Euler, classifier-free guidance as one
batch-2 call, decode one latent frame at a time), timed on the same CPU cores.

    /usr/bin/python3 bench/torch_reference.py '{"tokens": [1, 5, 9], "steps": 8, "guidance": 4, "width": 64, "height": 64, "frames": 17, "threads": 2}'

Prints one JSON line: wall/encode/denoise/decode milliseconds and peak RSS. A speed reference only: its noise
comes from torch's generator, so its frames differ from the engine's.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "training"))

import torch

from cinesim_train.common import load_checkpoint
from cinesim_train.models.dit import DiT, DiTConfig
from cinesim_train.models.text_encoder import TextEncoder, TextEncoderConfig
from cinesim_train.models.vae import VAE, VAEConfig


def floats(state: dict) -> dict:
    return {k: v.float() for k, v in state.items()}


@torch.no_grad()
def main() -> None:
    req = json.loads(sys.argv[1])
    torch.set_num_threads(req.get("threads", 2))
    ckdir = os.path.join(ROOT, "training", "checkpoints", "shapes-64")
    vae_ck, dit_ck = load_checkpoint(os.path.join(ckdir, "vae.pt")), load_checkpoint(os.path.join(ckdir, "dit.pt"))
    vae = VAE(VAEConfig(**vae_ck["model_config"])).eval()
    vae.load_state_dict(floats(vae_ck["model"]))
    te, dit = TextEncoder(TextEncoderConfig(**dit_ck["text_config"])).eval(), DiT(DiTConfig(**dit_ck["dit_config"])).eval()
    te.load_state_dict(floats(dit_ck["ema_text_encoder"]))
    dit.load_state_dict(floats(dit_ck["ema_dit"]))
    shift, scale = dit_ck["latent_shift"], dit_ck["latent_scale"]

    steps, g = req["steps"], req["guidance"]
    s = vae.cfg.spatial_factor
    c, t, h, w = vae.cfg.latent_channels, 1 + (req["frames"] - 1) // 4, req["height"] // s, req["width"] // s
    tokens = torch.zeros(2, te.cfg.max_tokens, dtype=torch.long)
    tokens[:, 0] = 1
    tokens[0, : len(req["tokens"])] = torch.tensor(req["tokens"])

    t0 = time.perf_counter()
    text = te(tokens)                                                               # [2, L, D]: cond, uncond
    mask = (tokens != 0).float()
    t1 = time.perf_counter()
    x = torch.randn(1, c, t, h, w, generator=torch.Generator().manual_seed(1))
    zeros = torch.zeros(2, c, t, h, w)
    sigmas = torch.linspace(1, 0, steps + 1)
    for i in range(steps):
        v = dit(x.expand(2, -1, -1, -1, -1), sigmas[i].expand(2), text, mask, zeros, zeros[:, :1])
        v = v[1:] + g * (v[:1] - v[1:])
        x = x + (sigmas[i + 1] - sigmas[i]) * v
    t2 = time.perf_counter()
    z = x / scale + shift
    caches = vae.zero_caches(z[:, :, :1])
    for k in range(t):
        _, caches = vae.decoder(z[:, :, k:k + 1], caches)
    t3 = time.perf_counter()
    print(json.dumps({"wallMs": (t3 - t0) * 1e3, "encodeMs": (t1 - t0) * 1e3, "denoiseMs": (t2 - t1) * 1e3,
                      "decodeMs": (t3 - t2) * 1e3, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
