/**
 * The sync evaluation's rendered clips, tracked once (tracking is the slow part of the impact detector) for
 * the scripts that fit its learned parts (audio-train-impacts.ts, audio-train-impact-net.ts). `--cache DIR`
 * on their command line keeps the tracks there between runs (DIR/seed-N-<clips>.json).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { impactOptionsFor, trackVideo } from '../src/audio/analyze.ts';
import type { CameraPath } from '../src/audio/camera.ts';
import type { ImpactOptions } from '../src/audio/impacts.ts';
import { syncClips, type Truth } from '../src/audio/sync.ts';
import type { Track } from '../src/audio/track.ts';
import type { ClipFormat } from '../src/world/spec.ts';

/** What the detector's second half needs of a clip. */
export interface StoredClip {
  seed: number;
  tracks: Track[];
  camera: CameraPath;
  truth: Truth;
  format: ClipFormat;
}
export interface TrackedClip extends StoredClip {
  tracked: { tracks: Track[]; impactOptions: ImpactOptions };
}

/** `clipsPerSeed` clips of each seed (syncClips' order), tracked or read from the cache. */
export function trackedClips(seeds: readonly number[], clipsPerSeed: number): TrackedClip[] {
  const out: TrackedClip[] = [];
  const at = process.argv.indexOf('--cache');
  const cache = at > 0 ? process.argv[at + 1] : undefined;
  for (const seed of seeds) {
    const file = cache && join(cache, `seed-${seed}-${clipsPerSeed}.json`);
    let stored: StoredClip[];
    if (file && existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as StoredClip[];
    else {
      const t0 = performance.now();
      stored = [];
      for (const clip of syncClips({ clips: clipsPerSeed, seed })) {
        const { tracks, camera } = trackVideo(clip.video);
        // The detector reads positions, areas and flags only; the pixels would hold every clip's frames in memory.
        const slim = tracks.map((t) => ({ ...t, observations: t.observations.map((o) => ({ ...o, pixels: new Int32Array(0), weights: new Float32Array(0) })) }));
        stored.push({ seed, tracks: slim, camera: { toFirst: camera.toFirst, moving: camera.moving }, truth: clip.truth, format: clip.format });
      }
      console.error(`seed ${seed}: ${clipsPerSeed} clips tracked in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      if (file) {
        mkdirSync(cache, { recursive: true });
        writeFileSync(file, JSON.stringify(stored));
      }
    }
    for (const c of stored) out.push({ ...c, tracked: { tracks: c.tracks, impactOptions: impactOptionsFor(c.format, c.camera) } });
  }
  return out;
}
