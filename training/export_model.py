"""Exports trained checkpoints as a Cinesim model folder: ONNX graphs plus manifest.json (docs/FORMATS.md).

    /usr/bin/python3 training/export_model.py --vae=training/runs/vae/ckpt.pt --dit=training/runs/dit/ckpt.pt \
        --out=models/shapes-64 --name=shapes-64
    /usr/bin/python3 training/export_model.py --probe=training/runs/probe/ckpt.pt --out=models/probe-shapes --name=probe-shapes

The manifest records the architecture, tokenizer, formats, training commands and metrics; `cinesim eval`
adds its figures to the same file later. Uses the EMA weights of the transformer and text encoder.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch

from cinesim_train.common import load_checkpoint, parse_config
from cinesim_train.export import _export, export_text_encoder, export_transformer, export_vae
from cinesim_train.models.dit import DiT, DiTConfig
from cinesim_train.models.probe import Probe
from cinesim_train.models.text_encoder import TextEncoder, TextEncoderConfig
from cinesim_train.models.vae import VAE, VAEConfig

FORMAT_VERSION = 1


@dataclass
class Config:
    out: str = "models/shapes-64"
    name: str = "shapes-64"
    description: str = "Default Cinesim video model, trained on Shapes World."
    vae: str = ""
    dit: str = ""
    probe: str = ""
    commands: str = ""            # ';'-separated exact commands that produced the checkpoints
    hardware: str = ""
    steps: int = 8                # sampling defaults
    guidance: float = 4.0
    shift: float = 1.0


def main() -> None:
    cfg = parse_config(Config)
    os.makedirs(cfg.out, exist_ok=True)
    torch.manual_seed(0)
    if cfg.probe:
        manifest = export_probe_folder(cfg)
    else:
        manifest = export_video_folder(cfg)
    write_manifest(cfg.out, manifest)
    print(f"wrote {cfg.out}: {', '.join(sorted(os.listdir(cfg.out)))}")


def export_video_folder(cfg: Config) -> dict:
    vae_ckpt, dit_ckpt = load_checkpoint(cfg.vae), load_checkpoint(cfg.dit)
    vae = VAE(VAEConfig(**vae_ckpt["model_config"]))
    vae.load_state_dict(vae_ckpt["model"])
    te, dit = TextEncoder(TextEncoderConfig(**dit_ckpt["text_config"])), DiT(DiTConfig(**dit_ckpt["dit_config"]))
    te.load_state_dict(dit_ckpt["ema_text_encoder"])
    dit.load_state_dict(dit_ckpt["ema_dit"])
    metas = dit_ckpt["data_meta"]
    training = {"commands": [c.strip() for c in cfg.commands.split(";") if c.strip()], "hardware": cfg.hardware,
                "dataSeeds": [m["seed"] for m in metas], "heldOut": metas[0].get("heldOut", []),
                "datasets": [{k: m[k] for k in ("width", "height", "fps", "frames", "count", "seed", "range") if k in m}
                             for m in metas],
                "vaeSteps": vae_ckpt["step"], "vaeConfig": vae_ckpt["config"],
                "transformerSteps": dit_ckpt["step"], "transformerConfig": dit_ckpt["config"],
                "validationLoss": dit_ckpt.get("metrics", {}).get("val_loss")}
    return write_video_folder(cfg.out, cfg.name, cfg.description, vae, te, dit, dit_ckpt["latent_shift"],
                              dit_ckpt["latent_scale"], dit_ckpt["vocabulary"], metas, training,
                              {"sampler": "euler", "steps": cfg.steps, "guidance": cfg.guidance, "shift": cfg.shift},
                              vae_metrics=vae_ckpt.get("metrics", {}))


def write_video_folder(out: str, name: str, description: str, vae: VAE, te: TextEncoder, dit: DiT, shift: float,
                       scale: float, vocabulary: list[str], metas: list[dict], training: dict, sampling: dict,
                       vae_metrics: dict | None = None) -> dict:
    """Writes the four ONNX graphs and returns the manifest (also used for the tiny test fixture)."""
    os.makedirs(out, exist_ok=True)
    export_text_encoder(te, os.path.join(out, "text_encoder.onnx"))
    export_transformer(dit, os.path.join(out, "transformer.onnx"), te.cfg.out_dim)
    caches = export_vae(vae, os.path.join(out, "vae_encoder.onnx"), os.path.join(out, "vae_decoder.onnx"), shift, scale)
    return {
        "formatVersion": FORMAT_VERSION,
        "name": name,
        "kind": "video",
        "description": description,
        "sessions": {"textEncoder": "text_encoder.onnx", "transformer": "transformer.onnx",
                     "vaeEncoder": "vae_encoder.onnx", "vaeDecoder": "vae_decoder.onnx"},
        "tokenizer": {"vocabulary": vocabulary, "maxTokens": te.cfg.max_tokens},
        "vae": {"latentChannels": vae.cfg.latent_channels, "temporalCompression": 4,
                "spatialCompression": vae.cfg.spatial_factor, "latentShift": shift, "latentScale": scale,
                "decoderCache": caches, "metrics": vae_metrics or {}},
        "transformer": {"patch": list(dit.cfg.patch), "dim": dit.cfg.dim, "depth": dit.cfg.depth, "heads": dit.cfg.heads,
                        "textDim": te.cfg.out_dim, "conditioning": ["t2v", "i2v", "flf", "extend"],
                        "parameters": sum(p.numel() for p in dit.parameters()) + sum(p.numel() for p in te.parameters())},
        "sampling": sampling,
        "formats": {"sizes": list(map(list, dict.fromkeys((m["width"], m["height"]) for m in metas))), "fps": metas[0]["fps"],
                    "frames": metas[0]["frames"], "defaultSize": [metas[0]["width"], metas[0]["height"]]},
        "training": training,
        "metrics": {},
    }


def write_manifest(out: str, manifest: dict) -> None:
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")


class _ProbeOutputs(torch.nn.Module):
    def __init__(self, probe: Probe):
        super().__init__()
        self.probe = probe

    def forward(self, video):
        return self.probe(video)


def export_probe_folder(cfg: Config) -> dict:
    ckpt = load_checkpoint(cfg.probe)
    heads = ckpt["heads"]
    probe = Probe({k: len(h["values"]) for k, h in heads.items()}, ckpt["width"])
    probe.load_state_dict(ckpt["model"])
    training = {"commands": [c.strip() for c in cfg.commands.split(";") if c.strip()], "hardware": cfg.hardware,
                "steps": ckpt["step"], "config": ckpt["config"]}
    return write_probe_folder(cfg.out, cfg.name, cfg.description, probe, heads, training, ckpt.get("metrics", {}))


def write_probe_folder(out: str, name: str, description: str, probe: Probe, heads: dict, training: dict,
                       metrics: dict) -> dict:
    os.makedirs(out, exist_ok=True)
    names = list(heads)
    video_axes = {0: "B", 2: "F", 3: "H", 4: "W"}
    _export(_ProbeOutputs(probe), (torch.randn(1, 3, 17, 64, 64),), os.path.join(out, "probe.onnx"), ["video"],
            ["features", *names], {"video": video_axes, "features": {0: "B"}, **{n: {0: "B"} for n in names}})
    return {
        "formatVersion": FORMAT_VERSION,
        "name": name,
        "kind": "probe",
        "description": description,
        "sessions": {"probe": "probe.onnx"},
        "heads": [{"name": n, "values": heads[n]["values"], "multi": heads[n]["multi"]} for n in names],
        "training": training,
        "metrics": metrics,
    }


if __name__ == "__main__":
    main()
