"""Writes the tiny random-weight model that the engine's tests run (test/fixtures/tiny-model). It follows
the same manifest and graph contracts as a trained model, at a size that loads and runs in milliseconds.

    /usr/bin/python3 training/make_tiny_model.py --vocabulary=test/fixtures/vocabulary.json --out=test/fixtures/tiny-model

Regenerate it whenever the graph contracts change; the output is deterministic for a given torch version.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch

from cinesim_train.common import parse_config
from cinesim_train.models.dit import DiT, DiTConfig
from cinesim_train.models.text_encoder import TextEncoder, TextEncoderConfig
from cinesim_train.models.vae import VAE, VAEConfig
from export_model import write_manifest, write_video_folder


@dataclass
class Config:
    vocabulary: str = "test/fixtures/vocabulary.json"   # JSON list of tokens (cinesim's tokenizer vocabulary)
    out: str = "test/fixtures/tiny-model"
    seed: int = 0


def main() -> None:
    cfg = parse_config(Config)
    torch.manual_seed(cfg.seed)
    with open(cfg.vocabulary, encoding="utf-8") as f:
        vocabulary = json.load(f)
    vae = VAE(VAEConfig(latent_channels=4, channels=[8, 16, 16], temporal_blocks=1))
    te = TextEncoder(TextEncoderConfig(vocab_size=len(vocabulary), max_tokens=48, dim=16, depth=1, heads=2, out_dim=16))
    dit = DiT(DiTConfig(latent_channels=4, dim=32, depth=2, heads=2, text_dim=16))
    # Random non-zero output layers, so the velocity depends on every input (zero-init would hide wiring bugs).
    for layer in (dit.patch_out, dit.ada_out, *[b.ada for b in dit.blocks]):
        torch.nn.init.normal_(layer.weight, std=0.02)
    metas = [{"width": w, "height": h, "fps": 8, "frames": 17, "seed": 0} for w, h in ((32, 32), (48, 32), (32, 48))]
    manifest = write_video_folder(cfg.out, "tiny-random", "Random weights for tests; generates noise-like clips.",
                                  vae, te, dit, 0.0, 1.0, vocabulary, metas,
                                  {"commands": [" ".join(["/usr/bin/python3"] + sys.argv)], "hardware": "any"},
                                  {"sampler": "euler", "steps": 4, "guidance": 3.0, "shift": 1.0})
    write_manifest(cfg.out, manifest)
    print(f"wrote {cfg.out}")


if __name__ == "__main__":
    main()
