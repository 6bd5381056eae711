/**
 * Chooses the impact net's fusion thresholds (src/audio/impact-net.json: `fusion`), end to end: the
 * tracker's impacts (impacts.ts, its re-scorer as committed) fused with the net's heat (impact-net.ts) on
 * rendered clips of seeds no evaluation uses (the bench uses 1 and 2, test/audio/sync-suite 11, and the net
 * was trained on 100–105 and 110–119). The thresholds kept are those with the most recall whose precision
 * stays at TARGET_PRECISION on every validation seed (200 clips each, as the bench scores one seed), the
 * rule the re-scorer's threshold was chosen by.
 *
 *   node bin/run-ts.mjs bench/audio-train-impact-net.ts [--cache DIR] [--dry-run]
 *
 * `--cache DIR` keeps the clips' tracks between runs (audio-tracked.ts). The net itself is trained by
 * training/train_impact_net.py.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { detectImpacts } from '../src/audio/impacts.ts';
import { fuseImpacts, impactHeatmap, type FusionThresholds, type ImpactHeatmap } from '../src/audio/impact-net.ts';
import type { SoundImpact } from '../src/audio/events.ts';
import { matchDistance, matchEvents, pool, SYNC_FORMATS, syncClips, type MatchResult } from '../src/audio/sync.ts';
import { trackedClips, type TrackedClip } from './audio-tracked.ts';

const VALIDATION_SEEDS = [106, 107, 108, 109, 120, 121, 122, 123];
const CLIPS_PER_SEED = 200;
const TARGET_PRECISION = 0.9;
const PEAKS = [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1.01];
const SUPPORTS = [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3];
const OUT = new URL('../src/audio/impact-net.json', import.meta.url);

interface Clip extends TrackedClip {
  heat: ImpactHeatmap;
  detected: SoundImpact[];
}

const clips: Clip[] = [];
for (const seed of VALIDATION_SEEDS) {
  const t0 = performance.now();
  const tracked = trackedClips([seed], CLIPS_PER_SEED);
  let i = 0;
  for (const { video } of syncClips({ clips: CLIPS_PER_SEED, seed })) {
    const c = tracked[i++];
    clips.push({ ...c, heat: await impactHeatmap(video), detected: detectImpacts(c.tracked.tracks, c.tracked.impactOptions) });
  }
  console.error(`seed ${seed}: heat of ${CLIPS_PER_SEED} clips in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

function evaluate(fusion: FusionThresholds | undefined) {
  const results = clips.map((c) => {
    const { fps, width, height } = c.format;
    const found = fusion ? fuseImpacts(c.detected, c.heat, { fps, width, height, tracks: c.tracked.tracks, toScene: c.tracked.impactOptions.toScene }, fusion) : c.detected;
    return { seed: c.seed, format: c.format, result: matchEvents(found, c.truth.visible, 1, { ignore: c.truth.all, maxDistance: matchDistance(c.format) }) };
  });
  const bySeed = VALIDATION_SEEDS.map((s) => pool(results.filter((r) => r.seed === s).map((r) => r.result)));
  const byFormat: Record<string, MatchResult> = {};
  for (const f of SYNC_FORMATS) {
    byFormat[`${f.width}x${f.height}@${f.fps}`] = pool(results.filter((r) => r.format.width === f.width && r.format.fps === f.fps).map((r) => r.result));
  }
  return { overall: pool(results.map((r) => r.result)), bySeed, byFormat };
}

const figures = (r: MatchResult) => `${(100 * r.precision).toFixed(1)}% / ${(100 * r.recall).toFixed(1)}%`;
const tracker = evaluate(undefined);
console.error(`tracker alone: ${figures(tracker.overall)}  per seed ${tracker.bySeed.map(figures).join(', ')}`);
const sweep = PEAKS.flatMap((peak) => SUPPORTS.map((support) => ({ fusion: { peak, support }, ...evaluate({ peak, support }) })));
for (const s of sweep) console.error(`peak ${s.fusion.peak} support ${s.fusion.support}: ${figures(s.overall)}  lowest seed precision ${(100 * Math.min(...s.bySeed.map((r) => r.precision))).toFixed(1)}%`);
const ok = sweep.filter((s) => s.bySeed.every((r) => r.precision >= TARGET_PRECISION));
if (ok.length === 0) throw new Error(`no thresholds reach ${TARGET_PRECISION} precision on every validation seed`);
const chosen = ok.reduce((a, b) => (b.overall.recall > a.overall.recall || (b.overall.recall === a.overall.recall && b.overall.precision > a.overall.precision) ? b : a));
console.error(`chosen peak ${chosen.fusion.peak} support ${chosen.fusion.support}: ${figures(chosen.overall)}`);
for (const [k, r] of Object.entries(chosen.byFormat)) console.error(`  ${k}: ${figures(r)}  (tracker alone ${figures(tracker.byFormat[k])})`);

const manifest = JSON.parse(readFileSync(OUT, 'utf8'));
manifest.fusion = chosen.fusion;
manifest.validation = {
  command: 'node bin/run-ts.mjs bench/audio-train-impact-net.ts',
  seeds: VALIDATION_SEEDS,
  clipsPerSeed: CLIPS_PER_SEED,
  targetPrecision: TARGET_PRECISION,
  trackerAlone: figures(tracker.overall),
  trackerAloneBySeed: tracker.bySeed.map(figures),
  fused: figures(chosen.overall),
  fusedBySeed: chosen.bySeed.map(figures),
  byFormat: Object.fromEntries(Object.entries(chosen.byFormat).map(([k, r]) => [k, figures(r)])),
};
if (!process.argv.includes('--dry-run')) {
  writeFileSync(OUT, JSON.stringify(manifest, null, 2) + '\n');
  console.error(`wrote ${OUT.pathname}`);
}
