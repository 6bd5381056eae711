"""Exports the world model and its probe as Cinesim model folders (docs/FORMATS.md, "World model").

    /usr/bin/python3 training/export_world.py --world=training/runs/world-64/ckpt.pt --out=models/world-64 --name=world-64
    /usr/bin/python3 training/export_world.py --probe=training/runs/probe-world/ckpt.pt --out=models/probe-world \
        --name=probe-world

The world folder holds `denoiser.onnx` (EMA weights) and a manifest of kind "world"; the probe folder is an
ordinary probe (kind "probe") whose heads read the action between two frames, the background and the
agent's colour. Commands, data and training figures go into the manifest's `training`; `cinesim eval world`
adds its figures to `metrics` later.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch

from cinesim_train.common import load_checkpoint, parse_config
from cinesim_train.export import _export
from cinesim_train.models.probe import PairProbe
from cinesim_train.models.world import WorldConfig, WorldModel
from export_model import FORMAT_VERSION, write_manifest, write_probe_folder

ACTIONS = ["none", "left", "right", "up", "down"]
EVENT_KINDS = ["none", "spawn", "background", "wind"]


@dataclass
class Config:
    world: str = ""
    probe: str = ""
    out: str = "models/world-64"
    name: str = "world-64"
    description: str = "Default Cinesim world model: play Shapes World inside the model, trained on recorded play."
    commands: str = ""            # ';'-separated exact commands that produced the checkpoint
    hardware: str = ""
    steps: int = 1                # sampling defaults
    context_sigma: float = 0.05


def main() -> None:
    cfg = parse_config(Config)
    os.makedirs(cfg.out, exist_ok=True)
    torch.manual_seed(0)
    commands = [c.strip() for c in cfg.commands.split(";") if c.strip()]
    if cfg.probe:
        ckpt = load_checkpoint(cfg.probe)
        heads = ckpt["heads"]
        probe = PairProbe({k: len(h["values"]) for k, h in heads.items()}, ckpt["width"], ckpt["feature_dim"])
        probe.load_state_dict(ckpt["model"])
        training = {"commands": commands, "hardware": cfg.hardware, "steps": ckpt["step"], "config": ckpt["config"],
                    "frames": 2, "data": ckpt.get("data_meta", {})}
        manifest = write_probe_folder(cfg.out, cfg.name, cfg.description, probe, heads, training, ckpt.get("metrics", {}))
    else:
        ckpt = load_checkpoint(cfg.world)
        model = WorldModel(WorldConfig(**ckpt["world_config"]))
        model.load_state_dict(ckpt["ema"])
        meta = ckpt["data_meta"]
        training = {"commands": commands, "hardware": cfg.hardware, "seed": ckpt["config"]["seed"], "steps": ckpt["step"],
                    "minutes": ckpt.get("minutes"), "config": ckpt["config"], "data": meta,
                    "validation": ckpt.get("metrics", {})}
        manifest = write_world_folder(cfg.out, cfg.name, cfg.description, model, meta["width"], meta["height"], meta["fps"],
                                      training, {"steps": cfg.steps, "contextSigma": cfg.context_sigma})
    write_manifest(cfg.out, manifest)
    print(f"wrote {cfg.out}: {', '.join(sorted(os.listdir(cfg.out)))}")


class _Denoiser(torch.nn.Module):
    """The graph's inputs in the contract's order; without memory offsets the graph has no `memory` input, and
    only a network with an anchor has `anchor`."""

    def __init__(self, model: WorldModel):
        super().__init__()
        self.model = model
        self.optional = (["memory"] if model.cfg.memory else []) + (["anchor"] if model.cfg.anchor else [])

    def forward(self, noisy, sigma, context, context_sigma, actions, event, *optional):
        return self.model(noisy, sigma, context, context_sigma, actions, event, **dict(zip(self.optional, optional)))


def export_denoiser(model: WorldModel, path: str, width: int, height: int) -> None:
    k, m = model.cfg.context, len(model.cfg.memory)
    denoiser = _Denoiser(model)
    args = [torch.randn(1, 3, height, width), torch.ones(1), torch.randn(1, 3 * k, height, width), torch.zeros(1),
            torch.zeros(1, k, dtype=torch.long), torch.zeros(1, 3, dtype=torch.long)]
    optional = {"memory": torch.randn(1, 3 * m, height, width), "anchor": torch.randn(1, 3, height, width)}
    args += [optional[n] for n in denoiser.optional]
    names = ["noisy", "sigma", "context", "context_sigma", "actions", "event", *denoiser.optional]
    _export(denoiser, tuple(args), path, names, ["denoised"], {n: {0: "B"} for n in [*names, "denoised"]})


def write_world_folder(out: str, name: str, description: str, model: WorldModel, width: int, height: int, fps: float,
                       training: dict, sampling: dict) -> dict:
    """Writes denoiser.onnx and returns the manifest (also used for the tiny test fixture)."""
    os.makedirs(out, exist_ok=True)
    export_denoiser(model, os.path.join(out, "denoiser.onnx"), width, height)
    c = model.cfg
    return {
        "formatVersion": FORMAT_VERSION,
        "name": name,
        "kind": "world",
        "description": description,
        "sessions": {"denoiser": "denoiser.onnx"},
        "frame": {"width": width, "height": height, "fps": fps},
        "context": c.context,
        "memory": sorted(c.memory, reverse=True),
        **({"anchor": True} if c.anchor else {}),
        "actions": ACTIONS,
        "events": EVENT_KINDS,
        "sampling": sampling,
        "network": {"parameters": sum(p.numel() for p in model.parameters()), "channels": c.channels, "blocks": c.blocks,
                    "condDim": c.cond_dim,
                    "prediction": "clean frame (newest context frame" + (" moved along a predicted flow" if c.warp else "")
                                  + " + change)"},
        "training": training,
        "metrics": {},
    }


if __name__ == "__main__":
    main()
