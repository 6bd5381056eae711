"""Writes the tiny random-weight world model and world probe that the tests run (test/fixtures/tiny-world,
test/fixtures/tiny-world-probe): the same manifests and graph contracts as trained ones (docs/FORMATS.md,
"World model"), at a size that loads and steps in milliseconds.

    /usr/bin/python3 training/make_tiny_world.py

Regenerate it whenever the graph contract changes; the output is deterministic for a given torch version.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch

from cinesim_train.common import parse_config
from cinesim_train.models.probe import PairProbe
from cinesim_train.models.world import WorldConfig, WorldModel
from export_model import write_manifest, write_probe_folder
from export_world import write_world_folder
from train_world_probe import probe_heads


@dataclass
class Config:
    out: str = "test/fixtures/tiny-world"
    probe_out: str = "test/fixtures/tiny-world-probe"
    seed: int = 0


def main() -> None:
    cfg = parse_config(Config)
    torch.manual_seed(cfg.seed)
    command = {"commands": [" ".join(["/usr/bin/python3"] + sys.argv)], "hardware": "any", "seed": cfg.seed}

    model = WorldModel(WorldConfig(context=4, memory=[2, 4], channels=[8, 8, 8], blocks=[0, 1, 1], cond_dim=16, warp=True,
                                   anchor=True))
    # Trained models start these at zero; random here, so every input visibly changes the output (a wiring bug
    # in the stepper then shows up as a wrong frame, not as a silent copy of the last one).
    for module in model.modules():
        if hasattr(module, "film"):
            torch.nn.init.normal_(module.film.weight, std=0.5)
    torch.nn.init.normal_(model.out.weight, std=0.3)
    torch.nn.init.normal_(model.anchor_in.weight, std=0.3)
    torch.nn.init.normal_(model.flow.weight, std=0.3)       # flows of a few pixels: the warp is exercised
    with torch.no_grad():
        for emb in (model.action_emb, model.event_kind, model.event_arg1, model.event_arg2):
            emb.weight.mul_(3.0)
    manifest = write_world_folder(cfg.out, "tiny-world", "Random weights for tests; predicts noise-like frames.", model,
                                  64, 64, 12, command, {"steps": 2, "contextSigma": 0.05})
    write_manifest(cfg.out, manifest)

    heads = probe_heads()
    probe = PairProbe({k: len(h["values"]) for k, h in heads.items()}, width=4, feature_dim=16)
    write_manifest(cfg.probe_out, write_probe_folder(cfg.probe_out, "tiny-world-probe", "Random weights for tests.", probe,
                                                     heads, {**command, "frames": 2}, {}))
    print(f"wrote {cfg.out} and {cfg.probe_out}")


if __name__ == "__main__":
    main()
