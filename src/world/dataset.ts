/**
 * Dataset writer: Shapes World clips as training shards (format: docs/FORMATS.md), raw uint8 frames plus
 * one JSON line per clip with the scene, captions in both languages, their token ids, per-frame object
 * positions, the camera path and the event log.
 *
 * Clip i is generated from Rng.derive(seed, "clip:" + i) alone, so any index range can be written by any
 * process (the GPU machine writes in parallel) and the same range always gives the same bytes.
 */
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '../engine/tokenizer.ts';
import { Rng } from '../util/random.ts';
import { captionVariants } from './captions.ts';
import { ACTIONS, recordEpisode } from './game.ts';
import { encodeGameEvent, EVENT_KINDS } from './game-events.ts';
import { renderClip } from './render.ts';
import { DEFAULT_HELD_OUT, sampleScene, type HeldOutRule } from './sampler.ts';
import type { ClipFormat, FrameState } from './spec.ts';
import { ATTRIBUTES, LANGUAGES } from './vocabulary.ts';

export const DATASET_FORMAT_VERSION = 1;

export type DatasetKind = 't2v' | 'game';

export interface DatasetOptions {
  kind: DatasetKind;
  out: string;
  format: ClipFormat;
  seed: number;
  /** Number of clips, starting at global index `start`. */
  count: number;
  start?: number;
  shardSize?: number;
  /** Caption phrasings per language and clip. */
  captions?: number;
  /** Game: chance per step of a random promptable event (default 0: none). */
  eventRate?: number;
  heldOut?: readonly HeldOutRule[];
  onProgress?: (done: number, total: number) => void;
}

export interface DatasetSummary {
  out: string;
  clips: number;
  shards: string[];
  bytes: number;
  seconds: number;
}

export async function writeDataset(options: DatasetOptions): Promise<DatasetSummary> {
  const { kind, out, format, seed, count } = options;
  const start = options.start ?? 0;
  const shardSize = options.shardSize ?? 1000;
  const heldOut = options.heldOut ?? DEFAULT_HELD_OUT;
  const tokenizer = Tokenizer.fromLexicon();
  const t0 = performance.now();
  await mkdir(out, { recursive: true });

  const shards: string[] = [];
  let bytes = 0;
  for (let first = 0; first < count; first += shardSize) {
    const name = `shard-${String(shards.length).padStart(5, '0')}`;
    const n = Math.min(shardSize, count - first);
    // Written under temporary names and renamed at the end, so a killed run never leaves a torn shard.
    const frames = await open(join(out, `${name}.u8.part`), 'w');
    const lines: string[] = [];
    for (let k = 0; k < n; k++) {
      const index = start + first + k;
      const clip = kind === 't2v'
        ? t2vClip(index, seed, format, heldOut, tokenizer, options.captions ?? 3)
        : gameClip(index, seed, format, options.eventRate ?? 0);
      await frames.write(clip.frames);
      bytes += clip.frames.length;
      lines.push(JSON.stringify(clip.record));
      options.onProgress?.(first + k + 1, count);
    }
    await frames.close();
    await writeFile(join(out, `${name}.jsonl.part`), lines.join('\n') + '\n', 'utf8');
    await rename(join(out, `${name}.u8.part`), join(out, `${name}.u8`));
    await rename(join(out, `${name}.jsonl.part`), join(out, `${name}.jsonl`));
    shards.push(name);
  }

  const header = {
    formatVersion: DATASET_FORMAT_VERSION,
    kind,
    width: format.width,
    height: format.height,
    fps: format.fps,
    frames: format.frames,
    count,
    shardSize,
    shards,
    seed,
    range: [start, start + count],
    heldOut: kind === 't2v' ? heldOut : [],
    vocabulary: tokenizer.vocabulary,
    maxTokens: tokenizer.maxTokens,
    attributes: ATTRIBUTES,
    ...(kind === 'game' ? { actions: ACTIONS, eventKinds: EVENT_KINDS, eventRate: options.eventRate ?? 0 } : {}),
  };
  await writeFile(join(out, 'dataset.json'), JSON.stringify(header, null, 2) + '\n', 'utf8');
  return { out, clips: count, shards, bytes, seconds: (performance.now() - t0) / 1000 };
}

interface ClipRecord {
  frames: Uint8Array;
  record: Record<string, unknown>;
}

function t2vClip(
  index: number,
  seed: number,
  format: ClipFormat,
  heldOut: readonly HeldOutRule[],
  tokenizer: Tokenizer,
  captionsPerLanguage: number,
): ClipRecord {
  const rng = Rng.derive(seed, `clip:${index}`);
  const scene = sampleScene(rng, { heldOut });
  const { video, simulation } = renderClip(scene, format, rng.nextUint32());
  const captions = captionVariants(scene, rng, { en: captionsPerLanguage, zh: captionsPerLanguage });
  const tokens = Object.fromEntries(LANGUAGES.map((lang) => [lang, captions[lang].map((c) => tokenizer.encode(c))]));
  return {
    frames: video.data,
    record: {
      index,
      spec: scene,
      captions,
      tokens,
      ...trajectories(simulation.states, format),
      events: simulation.events.map(roundEvent),
    },
  };
}

function gameClip(index: number, seed: number, format: ClipFormat, eventRate: number): ClipRecord {
  const episode = recordEpisode({ seed: Rng.derive(seed, `clip:${index}`).nextUint32(), format, eventRate });
  return {
    frames: episode.video.data,
    record: {
      index,
      policy: episode.policy,
      agent: agentSpec(episode.states[0]),
      // Per frame: events change it mid-episode.
      backgrounds: episode.states.map((s) => s.background),
      actions: episode.actions.map((a) => ACTIONS.indexOf(a)),
      // [frame, kind, arg1, arg2]: encodeGameEvent of the event fired just before `frame` was stepped to.
      gameEvents: episode.gameEvents.map((e) => [e.frame, ...encodeGameEvent(e.event)]),
      ...trajectories(episode.states, format),
      events: episode.events.map(roundEvent),
    },
  };
}

/** The agent's look (it is the last object, drawn over everything). */
function agentSpec(state: FrameState) {
  const { shape, color, size, texture } = state.objects[state.objects.length - 1];
  return { shape, color, size, texture };
}

/** Per-frame object positions and radii in pixels of this clip, and the camera path in world units. */
function trajectories(states: readonly FrameState[], format: ClipFormat) {
  const m = Math.min(format.width, format.height);
  const objects = states[0].objects.map((_, i) => {
    const track = { x: [] as number[], y: [] as number[], radius: [] as number[], angle: [] as number[], visible: [] as boolean[] };
    for (const s of states) {
      const o = s.objects[i];
      const scale = m * s.camera.zoom;
      track.x.push(round((o.x - s.camera.cx) * scale + format.width / 2));
      track.y.push(round((o.y - s.camera.cy) * scale + format.height / 2));
      track.radius.push(round(o.radius * scale));
      track.angle.push(round(o.angle));
      track.visible.push(o.visible);
    }
    return track;
  });
  const camera = {
    cx: states.map((s) => round(s.camera.cx)),
    cy: states.map((s) => round(s.camera.cy)),
    zoom: states.map((s) => round(s.camera.zoom)),
  };
  return { objects, camera };
}

function roundEvent<T extends { time: number; x: number; y: number; strength: number }>(e: T): T {
  return { ...e, time: round(e.time), x: round(e.x), y: round(e.y), strength: round(e.strength) };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
