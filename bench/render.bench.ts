/**
 * Shapes World throughput: clips per second for the simulator alone and for simulate + render, on 2 s clips
 * at 8 fps (17 frames) drawn from the training distribution. `npm run bench -- render`.
 */
import { Rng } from '../src/util/random.ts';
import { renderClip } from '../src/world/render.ts';
import { sampleScene } from '../src/world/sampler.ts';
import { simulate } from '../src/world/simulate.ts';
import { clipFormat, type SceneSpec } from '../src/world/spec.ts';
import { timeIt, type BenchRow } from './table.ts';

const SCENES = 64;

export async function run(): Promise<BenchRow[]> {
  const rng = new Rng(1);
  const scenes: SceneSpec[] = Array.from({ length: SCENES }, () => sampleScene(rng));
  const rows: BenchRow[] = [];
  const rate = async (fn: (scene: SceneSpec, i: number) => unknown, clips: number) => {
    const seconds = await timeIt(() => scenes.slice(0, clips).forEach(fn), 5, 1);
    return clips / seconds;
  };

  const small = clipFormat(64, 64, 8, 2);
  rows.push({ group: 'world 2 s @ 8 fps', name: 'simulate only', value: await rate((s, i) => simulate(s, small, i), SCENES), unit: 'clips/s' });
  rows.push({ group: 'world 2 s @ 8 fps', name: 'simulate + render 64x64', value: await rate((s, i) => renderClip(s, small, i), SCENES), unit: 'clips/s' });
  const big = clipFormat(256, 256, 8, 2);
  const bigRate = await rate((s, i) => renderClip(s, big, i), 16);
  rows.push({ group: 'world 2 s @ 8 fps', name: 'simulate + render 256x256', value: bigRate, unit: 'clips/s', note: `${(bigRate * 17).toFixed(0)} frames/s` });
  return rows;
}
