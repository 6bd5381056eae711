"""Reads the dataset shards that `cinesim world dataset` writes (format: docs/FORMATS.md) with numpy alone.

A `ClipSet` is one dataset folder: all its clips share one size, frame count and fps. Training mixes
folders of different sizes (aspect-ratio buckets) by drawing a folder per batch.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

FORMAT_VERSION = 1


@dataclass
class ClipSet:
    folder: str
    meta: dict
    frames: np.ndarray          # uint8 [N, F, H, W, 3]
    records: list[dict]         # one parsed JSONL line per clip
    tokens: np.ndarray          # int64 [N, K, L]: K captions per clip (both languages), 0-padded
    n_captions: np.ndarray      # int64 [N]: how many of the K rows are real

    @property
    def size(self) -> tuple[int, int]:
        return self.meta["width"], self.meta["height"]

    def __len__(self) -> int:
        return self.frames.shape[0]


def load_clipset(folder: str, max_clips: int = 0) -> ClipSet:
    with open(os.path.join(folder, "dataset.json")) as f:
        meta = json.load(f)
    if meta.get("formatVersion") != FORMAT_VERSION:
        raise ValueError(f"{folder}: dataset formatVersion {meta.get('formatVersion')} is not {FORMAT_VERSION}")
    shape = (meta["frames"], meta["height"], meta["width"], 3)
    count = min(meta["count"], max_clips) if max_clips else meta["count"]
    # Shards are read straight into one preallocated array: concatenating would need twice the memory.
    frames = np.empty((count, *shape), np.uint8)
    records: list[dict] = []
    for shard in meta["shards"]:
        if len(records) >= count:
            break
        path = os.path.join(folder, shard + ".u8")
        arr = np.memmap(path, np.uint8, mode="r").reshape(-1, *shape)
        n = min(arr.shape[0], count - len(records))
        frames[len(records):len(records) + n] = arr[:n]
        with open(os.path.join(folder, shard + ".jsonl"), encoding="utf-8") as f:
            records.extend([json.loads(line) for line in f if line.strip()][:n])
    if len(records) != frames.shape[0]:
        raise ValueError(f"{folder}: {frames.shape[0]} clips of frames but {len(records)} JSONL lines")
    tokens, n_captions = _pad_tokens(records, meta.get("maxTokens", 48))
    return ClipSet(folder, meta, frames, records, tokens, n_captions)


def _pad_tokens(records: list[dict], max_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    per_clip = [[t for lang in sorted(r.get("tokens", {})) for t in r["tokens"][lang]] for r in records]
    k = max((len(c) for c in per_clip), default=1) or 1
    out = np.zeros((len(records), k, max_tokens), np.int64)
    counts = np.zeros(len(records), np.int64)
    for i, caps in enumerate(per_clip):
        counts[i] = len(caps)
        for j, ids in enumerate(caps):
            if len(ids) > max_tokens:
                raise ValueError(f"clip {records[i].get('index')}: caption of {len(ids)} tokens > maxTokens {max_tokens}")
            out[i, j, : len(ids)] = ids
    return out, counts


def load_clipsets(folders: list[str], max_clips: int = 0) -> list[ClipSet]:
    sets = [load_clipset(f, max_clips) for f in folders]
    vocab = sets[0].meta.get("vocabulary")
    for s in sets[1:]:
        if s.meta.get("vocabulary") != vocab:
            raise ValueError(f"{s.folder}: vocabulary differs from {sets[0].folder}; regenerate with one cinesim version")
    return sets


# --- labels for probes -------------------------------------------------------------------------------

def label_heads(meta: dict) -> dict[str, dict]:
    """The probe's heads: multi-hot over values present in the clip (object attributes) or one class
    (scene attributes). Value lists come from the dataset header, never hard-coded here."""
    attrs = meta["attributes"]
    heads = {name: {"values": attrs[name], "multi": True} for name in ("color", "shape", "size", "texture", "motion")}
    heads["camera"] = {"values": attrs["camera"], "multi": False}
    heads["background"] = {"values": attrs["background"], "multi": False}
    heads["count"] = {"values": ["1", "2", "3"], "multi": False}
    return heads


def labels_for(records: list[dict], heads: dict[str, dict]) -> dict[str, np.ndarray]:
    """float32 multi-hot [N, V] for multi heads, int64 [N] class ids for single heads."""
    out: dict[str, np.ndarray] = {}
    for name, head in heads.items():
        values = head["values"]
        index = {v: i for i, v in enumerate(values)}
        if head["multi"]:
            arr = np.zeros((len(records), len(values)), np.float32)
            for n, r in enumerate(records):
                for obj in r["spec"]["objects"]:
                    arr[n, index[obj[name]]] = 1.0
        elif name == "count":
            arr = np.array([len(r["spec"]["objects"]) - 1 for r in records], np.int64)
        else:
            arr = np.array([index[r["spec"][name]] for r in records], np.int64)
        out[name] = arr
    return out


# --- batches on the training device --------------------------------------------------------------------

class Buckets:
    """Clip sets of different sizes held on the training device as uint8 (a 64x64x17 clip is 209 kB, so
    tens of thousands fit on a GPU). A batch comes from one bucket, drawn in proportion to its size."""

    def __init__(self, sets: list[ClipSet], device, load_frames: bool = True):
        import torch
        self.sets = sets
        self.device = device
        self.frames = [torch.from_numpy(np.ascontiguousarray(s.frames)).to(device) if load_frames else None
                       for s in sets]
        self.tokens = [torch.from_numpy(s.tokens).to(device) for s in sets]
        sizes = np.array([len(s) for s in sets], np.float64)
        self.weights = sizes / sizes.sum()

    def pick(self, rng: np.random.Generator, batch: int) -> tuple[int, np.ndarray]:
        """A bucket and clip indices in it. Indices stay on the host so that choosing captions needs no
        device synchronisation; `on_device` moves them once per batch."""
        b = int(rng.choice(len(self.sets), p=self.weights))
        return b, rng.integers(0, len(self.sets[b]), size=batch)

    def on_device(self, idx: np.ndarray) -> "torch.Tensor":
        import torch
        return torch.from_numpy(idx).to(self.device)

    def video(self, b: int, idx: np.ndarray) -> "torch.Tensor":
        """float [B,3,F,H,W] in [-1, 1]."""
        return to_video(self.frames[b][self.on_device(idx)])

    def captions(self, b: int, idx: np.ndarray, rng: np.random.Generator) -> "torch.Tensor":
        """One random caption (either language) per clip: int64 [B, L]."""
        which = (rng.random(len(idx)) * self.sets[b].n_captions[idx]).astype(np.int64)
        return self.tokens[b][self.on_device(idx), self.on_device(which)]


def to_video(frames_u8) -> "torch.Tensor":
    """uint8 [B,F,H,W,3] -> float [B,3,F,H,W] in [-1, 1]."""
    return frames_u8.permute(0, 4, 1, 2, 3).float().div(127.5).sub(1.0)
