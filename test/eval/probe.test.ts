/**
 * The shipped probe (models/probe-shapes, trained on rendered clips) on rendered clips of suite scenes:
 * it must read what the scene holds, or no adherence figure means anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStated, statedValues } from '../../src/eval/adherence.ts';
import { Probe } from '../../src/eval/probe.ts';
import { loadSuite, type LoadedEntry } from '../../src/eval/suite.ts';
import { renderClip } from '../../src/world/render.ts';

const FORMAT = { width: 64, height: 64, fps: 8, frames: 17 };

let probe: Probe;
let entries: LoadedEntry[];
beforeAll(async () => {
  probe = await Probe.load('probe-shapes', { threads: 2 });
  entries = (await loadSuite('shapes-v1')).entries.slice(0, 6);
});
afterAll(() => probe.dispose());

describe('Probe on rendered suite clips', () => {
  it('reads the stated colours and background', async () => {
    const clips = entries.map((e) => renderClip(e.spec, FORMAT, e.seed).video);
    const readings = await probe.readMany(clips);
    entries.forEach((e, i) => {
      const stated = statedValues(e.said).filter((s) => s.attribute === 'color' || s.attribute === 'background');
      const misses = checkStated(stated, readings[i], probe.heads).filter((c) => !c.correct);
      expect(misses, `${e.id}: "${e.prompt}"`).toEqual([]);
    });
  });

  it('gives probabilities: softmax rows sum to 1, sigmoids lie in (0, 1); features are 256 wide', async () => {
    const r = await probe.read(renderClip(entries[0].spec, FORMAT, entries[0].seed).video);
    expect(r.features.length).toBe(256);
    for (const head of probe.heads) {
      const p = r.heads[head.name];
      expect(p.length).toBe(head.values.length);
      if (head.multi) expect(p.every((v) => v > 0 && v < 1)).toBe(true);
      else expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('reads a clip the same alone and in a batch', async () => {
    const clips = entries.slice(0, 3).map((e) => renderClip(e.spec, FORMAT, e.seed).video);
    const batched = await probe.readMany(clips);
    const alone = await probe.read(clips[2]);
    for (let i = 0; i < alone.features.length; i++) expect(batched[2].features[i]).toBeCloseTo(alone.features[i], 4);
  });

  it('refuses a video model folder', async () => {
    await expect(Probe.load('shapes-64')).rejects.toThrow(/not a probe model/);
  });
});
