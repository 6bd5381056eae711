"""Shared setup for every recipe: typed config with --key=value overrides, seeding, device and precision,
checkpoints that hold everything needed to resume, and a small JSON-lines logger.

Kept in one place so the recipes stay linear stories (nanoGPT-style) without copying their setup.
Works on Debian's CPU torch 1.13 and on the GPU machines' torch 2.x.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import sys
import time
from contextlib import nullcontext
from typing import Any, TypeVar

import numpy as np
import torch

C = TypeVar("C")


def parse_config(cls: type[C], argv: list[str] | None = None) -> C:
    """Builds the dataclass `cls` from its defaults and `--key=value` arguments.

    Each value is converted to the type of the field's default and rejected when it does not fit,
    so a typo in a name or a value fails at start-up instead of hours later.
    """
    argv = sys.argv[1:] if argv is None else argv
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for arg in argv:
        if arg in ("-h", "--help"):
            print(f"usage: {sys.argv[0]} [--key=value ...]\n")
            for f in fields.values():
                print(f"  --{f.name}={_default(f)!r}")
            sys.exit(0)
        if not arg.startswith("--") or "=" not in arg:
            sys.exit(f"error: expected --key=value, got {arg!r}")
        key, raw = arg[2:].split("=", 1)
        key = key.replace("-", "_")
        if key not in fields:
            sys.exit(f"error: unknown option --{key}; known: {', '.join(fields)}")
        values[key] = _convert(raw, _default(fields[key]), key)
    return cls(**values)


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    return None


def _convert(raw: str, default: Any, key: str) -> Any:
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes"):
                return True
            if raw.lower() in ("0", "false", "no"):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, (list, tuple)):
            items = [s for s in raw.split(",") if s]
            kind = type(default[0]) if default else str
            return type(default)(kind(s) for s in items)
        return raw
    except ValueError:
        sys.exit(f"error: --{key}={raw!r} is not a {type(default).__name__}")


def start(cls: type[C]) -> tuple[C, torch.device, np.random.Generator, "Logger"]:
    """What every recipe does first: its config from the command line, seeds and device, a host RNG for
    batch sampling, and a logger writing <out>/log.jsonl. The config must have `seed`, `threads`, `out`."""
    cfg = parse_config(cls)
    device = setup(cfg.seed, cfg.threads)  # type: ignore[attr-defined]
    return cfg, device, np.random.default_rng(cfg.seed), Logger(os.path.join(cfg.out, "log.jsonl"))  # type: ignore[attr-defined]


def setup(seed: int, threads: int = 0) -> torch.device:
    """Seeds every generator and picks the device. Never more torch threads than free cores."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # Host-side work (batch assembly) too: runs sharing a GPU machine's cores must not each spin up all of them.
    torch.set_num_threads(threads or max(1, (os.cpu_count() or 2)))
    if torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        return torch.device("cuda")
    return torch.device("cpu")


def autocast(device: torch.device):
    """bf16 autocast on CUDA; full precision on CPU (1.13's CPU autocast is slower, not faster)."""
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return nullcontext()


def cosine_lr(step: int, base: float, warmup: int, total: int, floor: float = 0.1, time_fraction: float = 0.0) -> float:
    """Linear warm-up, then cosine decay to `floor`·base. The decay follows whichever runs out first, the
    step budget or the wall-time budget (`time_fraction` of --max_minutes used), so a run cut by a
    GPU lease still ends on a small learning rate."""
    if step < warmup:
        return base * (step + 1) / warmup
    progress = min(1.0, max((step - warmup) / max(1, total - warmup), time_fraction))
    return base * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


class Budget:
    """Stops a loop at max_steps or after max_minutes of wall time (0 = no time limit)."""

    def __init__(self, max_steps: int, max_minutes: float):
        if max_minutes < 0:
            raise ValueError(f"--max_minutes must be >= 0 (0 = no limit), got {max_minutes}")
        self.max_steps, self.seconds, self.t0 = max_steps, max_minutes * 60, time.time()

    def fraction(self) -> float:
        return min(1.0, (time.time() - self.t0) / self.seconds) if self.seconds else 0.0

    def done(self, step: int) -> bool:
        return step >= self.max_steps or (self.seconds > 0 and time.time() - self.t0 >= self.seconds)

    def minutes(self) -> float:
        return round((time.time() - self.t0) / 60, 2)


class Ema:
    """Exponential moving average of a model's weights; diffusion samples come from the EMA copy."""

    def __init__(self, model: torch.nn.Module, decay: float):
        self.decay = decay
        self.shadow = {k: v.detach().clone().float() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model: torch.nn.Module, step: int) -> None:
        d = min(self.decay, (1 + step) / (10 + step))  # warm up: early weights are not worth averaging
        live = model.state_dict()
        keys = [k for k, v in live.items() if v.dtype.is_floating_point]
        shadow = [self.shadow[k] for k in keys]
        # One fused launch per op instead of two per tensor: this runs every step.
        torch._foreach_mul_(shadow, d)
        torch._foreach_add_(shadow, [live[k].detach().float() for k in keys], alpha=1 - d)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self.shadow


def save_checkpoint(path: str, **state: Any) -> None:
    """Writes atomically: a crash mid-save never destroys the last good checkpoint."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: str) -> dict[str, Any]:
    """Our own files hold configs and metrics beside tensors, so torch 2.6+'s weights-only default is off."""
    return torch.load(path, map_location="cpu", weights_only=False)


def adamw(params, lr: float, betas: tuple[float, float], weight_decay: float, device: torch.device):
    """AdamW, with the fused CUDA kernel where this torch has it (fewer launches for small models)."""
    import inspect
    fused = device.type == "cuda" and "fused" in inspect.signature(torch.optim.AdamW).parameters
    return torch.optim.AdamW(params, lr=lr, betas=betas, weight_decay=weight_decay, **({"fused": True} if fused else {}))


class Logger:
    """Prints a line per log step and appends the same record to a JSON-lines file."""

    def __init__(self, path: str | None):
        self.path = path
        self.t0 = time.time()
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

    def log(self, **record: Any) -> None:
        record = {"time": round(time.time() - self.t0, 2), **record}
        print(" ".join(f"{k}={_fmt(v)}" for k, v in record.items()), flush=True)
        if self.path:
            with open(self.path, "a") as f:
                f.write(json.dumps(record) + "\n")


def _fmt(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def count_params(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
