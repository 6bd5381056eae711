"""Writes the tiny random-weight models that the tests run (test/fixtures/tiny-model, tiny-probe). They
follow the same manifest and graph contracts as trained models, at a size that loads and runs in
milliseconds. Vocabulary and probe heads come from a dataset header, so they match this cinesim version:

    node bin/cinesim.mjs world dataset --count 1 --out /tmp/one
    /usr/bin/python3 training/make_tiny_model.py --dataset=/tmp/one

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
from cinesim_train.data import label_heads
from cinesim_train.models.probe import Probe
from export_model import write_manifest, write_probe_folder, write_video_folder


@dataclass
class Config:
    dataset: str = ""                       # a dataset folder: its dataset.json gives vocabulary and heads
    out: str = "test/fixtures/tiny-model"
    probe_out: str = "test/fixtures/tiny-probe"
    seed: int = 0


def main() -> None:
    cfg = parse_config(Config)
    torch.manual_seed(cfg.seed)
    with open(os.path.join(cfg.dataset, "dataset.json"), encoding="utf-8") as f:
        meta = json.load(f)
    vocabulary = meta["vocabulary"]
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

    heads = label_heads(meta)
    probe = Probe({k: len(h["values"]) for k, h in heads.items()}, width=8, feature_dim=16)
    write_manifest(cfg.probe_out, write_probe_folder(cfg.probe_out, "tiny-probe", "Random weights for tests.", probe,
                                                     heads, {"commands": [" ".join(["/usr/bin/python3"] + sys.argv)]}, {}))
    print(f"wrote {cfg.out} and {cfg.probe_out}")


if __name__ == "__main__":
    main()
