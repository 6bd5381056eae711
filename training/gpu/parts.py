"""Moves checkpoints off the GPU machine, whose files come back at most 16 MiB each: `split` writes the
export-relevant part of a checkpoint (no optimizer state; floats as fp16 when --half) in numbered parts,
`join` puts the parts back together as one checkpoint that export_model.py reads.

    python3 training/gpu/parts.py split CKPT OUT_PREFIX [--half]
    python3 training/gpu/parts.py join OUT_PREFIX CKPT
"""
from __future__ import annotations

import glob
import io
import sys

import torch

PART_BYTES = 15 * 2 ** 20
DROP = {"optimizer", "text_encoder", "dit"}   # resume-only state; the EMA weights are what ships


def split(ckpt_path: str, prefix: str, half: bool) -> None:
    ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    slim = {k: v for k, v in ckpt.items() if k not in DROP or k == "model"}
    if half:
        slim = {k: ({n: t.half() if t.is_floating_point() else t for n, t in v.items()} if isinstance(v, dict)
                    and v and all(isinstance(t, torch.Tensor) for t in v.values()) else v) for k, v in slim.items()}
    buf = io.BytesIO()
    torch.save(slim, buf)
    data = buf.getvalue()
    for i in range(0, len(data), PART_BYTES):
        with open(f"{prefix}-{i // PART_BYTES:02d}.part", "wb") as f:
            f.write(data[i:i + PART_BYTES])
    print(f"{ckpt_path}: {len(data) / 2**20:.1f} MiB in {(len(data) + PART_BYTES - 1) // PART_BYTES} parts")


def join(prefix: str, out: str) -> None:
    parts = sorted(glob.glob(f"{prefix}-*.part"))
    if not parts:
        sys.exit(f"no parts match {prefix}-*.part")
    data = b"".join(open(p, "rb").read() for p in parts)
    ckpt = torch.load(io.BytesIO(data), map_location="cpu", weights_only=False)
    ckpt = {k: ({n: t.float() if t.is_floating_point() else t for n, t in v.items()} if isinstance(v, dict)
                and v and all(isinstance(t, torch.Tensor) for t in v.values()) else v) for k, v in ckpt.items()}
    torch.save(ckpt, out)
    print(f"joined {len(parts)} parts into {out}")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "split":
        split(sys.argv[2], sys.argv[3], "--half" in sys.argv)
    elif len(sys.argv) == 4 and sys.argv[1] == "join":
        join(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
