/**
 * Sound: how fast the soundtrack is made (analysis of the frames, then synthesis) for a 2 s and a 60 s
 * 64x64 clip at 24 fps, against the clip's own duration; and how well the detected impacts are in sync
 * with the simulator's events on rendered clips (docs/AUDIO.md has the truth rule).
 * `npm run bench -- audio`; CINESIM_SYNC_CLIPS sets the number of clips scored (default 200) and
 * CINESIM_SYNC_SEED their seed (default 1; another seed draws other scenes, a check against tuning to these).
 */
import { analyzeVideo } from '../src/audio/analyze.ts';
import { synthesize } from '../src/audio/synth.ts';
import { evaluateSync, SYNC_FORMATS, type MatchResult } from '../src/audio/sync.ts';
import { renderClip } from '../src/world/render.ts';
import { clipFormat, type SceneSpec } from '../src/world/spec.ts';
import { timeIt, type BenchRow } from './table.ts';

const SCENE: SceneSpec = {
  background: 'grass',
  camera: 'static',
  objects: [
    { shape: 'ball', color: 'red', size: 'medium', texture: 'plain', motion: 'bounce' },
    { shape: 'square', color: 'blue', size: 'small', texture: 'striped', motion: 'jump' },
  ],
};

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const seconds of [2, 60]) {
    const { video } = renderClip(SCENE, clipFormat(64, 64, 24, seconds), 1);
    const duration = video.count / video.fps;
    const group = `soundtrack 64x64 @ 24 fps, ${seconds} s clip`;
    const iterations = seconds > 10 ? 1 : 5;
    let events = await analyzeVideo(video);
    const analysis = await timeIt(async () => (events = await analyzeVideo(video)), iterations, seconds > 10 ? 0 : 1);
    const trackerAlone = await timeIt(() => analyzeVideo(video, { net: false }), iterations, seconds > 10 ? 0 : 1);
    const synthesis = await timeIt(() => synthesize(events, { seed: 1 }), iterations, seconds > 10 ? 0 : 1);
    rows.push({ group, name: 'analysis (frames → events)', value: analysis, unit: 's', note: `${(duration / analysis).toFixed(0)}x real time` });
    rows.push({ group, name: 'analysis, tracker alone (no impact net)', value: trackerAlone, unit: 's', note: `${(duration / trackerAlone).toFixed(0)}x real time` });
    rows.push({ group, name: 'synthesis (events → 48 kHz stereo)', value: synthesis, unit: 's', note: `${(duration / synthesis).toFixed(0)}x real time` });
    rows.push({ group, name: 'impacts heard', value: events.impacts.length, unit: 'events' });
  }

  const clips = Number(process.env.CINESIM_SYNC_CLIPS ?? 200);
  const seed = Number(process.env.CINESIM_SYNC_SEED ?? 1);
  // The detector as shipped (tracker fused with the impact net) and the tracker alone, side by side.
  for (const [label, analysis] of [['', {}], ['tracker alone: ', { net: false }]] as const) {
    const t0 = performance.now();
    const report = await evaluateSync({ clips, seed, analysis });
    const wall = (performance.now() - t0) / 1000;
    const group = `sound sync, ${clips} rendered clips (seed ${seed}), ±1 frame`;
    const add = (name: string, r: MatchResult) => {
      rows.push({ group, name: `${label}${name} precision`, value: 100 * r.precision, unit: '%', note: `${r.detections} detections` });
      rows.push({ group, name: `${label}${name} recall`, value: 100 * r.recall, unit: '%', note: `${r.truths} events` });
    };
    add('visible impacts (truth rule)', report.overall.visible);
    add('every logged event (strict)', report.overall.strict);
    for (const f of SYNC_FORMATS) {
      const key = `${f.width}x${f.height}@${f.fps}`;
      add(`${key} visible`, report.byFormat[key].visible);
    }
    rows.push({ group, name: `${label}wall time (render + analyse)`, value: wall, unit: 's', note: `${((wall / clips) * 1000).toFixed(0)} ms per clip` });
  }
  return rows;
}
