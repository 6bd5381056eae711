/**
 * The shipped default model loads and a generated clip passes a coarse check by the probe: for a simple
 * prompt with a fixed seed, the probe reads the stated colour and background. Coarse on purpose (the
 * model's figures live in docs/RESULTS.md); this catches a broken model file or engine, in ~2 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStated, statedValues } from '../../src/eval/adherence.ts';
import { Probe } from '../../src/eval/probe.ts';
import { VideoPipeline } from '../../src/engine/index.ts';
import { parsePrompt } from '../../src/world/parser.ts';

let pipe: VideoPipeline;
let probe: Probe;
beforeAll(async () => {
  [pipe, probe] = await Promise.all([VideoPipeline.load('shapes-64', { threads: 2 }), Probe.load('probe-shapes', { threads: 2 })]);
});
afterAll(() => Promise.all([pipe.dispose(), probe.dispose()]));

describe('the default model shapes-64', () => {
  // Prompts and seeds chosen where the model gets colour and background right (checked with the probe).
  it.each([
    ['a large red square on a white background', 1],
    ['a blue ball on a white background', 1],
  ])('"%s" (seed %i): the probe reads the stated colour and background', async (prompt, seed) => {
    const { video } = await pipe.generate({ prompt, seed });
    expect([video.width, video.height, video.count]).toEqual([64, 64, 17]);
    const stated = statedValues(parsePrompt(prompt)).filter((s) => s.attribute === 'color' || s.attribute === 'background');
    const checks = checkStated(stated, await probe.read(video), probe.heads);
    expect(checks.filter((c) => !c.correct)).toEqual([]);
  });
});
