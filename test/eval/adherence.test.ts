import { describe, expect, it } from 'vitest';
import { checkStated, readValues, statedValues, summarizeAdherence, type ValueCheck } from '../../src/eval/adherence.ts';
import type { ProbeHead, ProbeReading } from '../../src/eval/probe.ts';
import { parsePrompt } from '../../src/world/parser.ts';

const HEADS: ProbeHead[] = [
  { name: 'color', values: ['red', 'blue', 'green'], multi: true },
  { name: 'shape', values: ['ball', 'square'], multi: true },
  { name: 'background', values: ['white', 'grass'], multi: false },
];

function reading(heads: Record<string, number[]>): ProbeReading {
  return { features: new Float32Array(4), heads: Object.fromEntries(Object.entries(heads).map(([k, v]) => [k, Float32Array.from(v)])) };
}

describe('statedValues', () => {
  it('lists what the prompt says, each value once, and nothing it leaves unsaid', () => {
    const stated = statedValues(parsePrompt('two red balls and a large blue square bounce on green grass'));
    expect(stated).toEqual([
      { attribute: 'color', value: 'red' },
      { attribute: 'color', value: 'blue' },
      { attribute: 'shape', value: 'ball' },
      { attribute: 'shape', value: 'square' },
      { attribute: 'size', value: 'large' },
      { attribute: 'motion', value: 'bounce' },
      { attribute: 'background', value: 'grass' },
    ]);
  });
});

describe('checkStated', () => {
  it('multi heads: probability > 0.5; single heads: the top value', () => {
    const stated = statedValues(parsePrompt('a red ball and a blue square on green grass'));
    const r = reading({ color: [0.9, 0.4, 0.8], shape: [0.6, 0.51], background: [0.45, 0.55] });
    const checks = checkStated(stated, r, HEADS);
    expect(checks.map((c) => [c.value, c.correct])).toEqual([
      ['red', true],
      ['blue', false],
      ['ball', true],
      ['square', true],
      ['grass', true],
    ]);
    // the top single-choice value counts, however unsure
    expect(checkStated([{ attribute: 'background', value: 'white' }], r, HEADS)[0].correct).toBe(false);
  });

  it('readValues lists everything read by the same rule', () => {
    const r = reading({ color: [0.9, 0.4, 0.8], shape: [0.6, 0.51], background: [0.45, 0.55] });
    expect(readValues(r, HEADS)).toEqual(['color=red', 'color=green', 'shape=ball', 'shape=square', 'background=grass']);
  });

  it('throws when the probe cannot read a stated attribute', () => {
    expect(() => checkStated([{ attribute: 'motion', value: 'bounce' }], reading({}), HEADS)).toThrow(/cannot read motion/);
  });
});

describe('summarizeAdherence', () => {
  const check = (attribute: 'color' | 'shape', correct: boolean): ValueCheck => ({ attribute, value: 'x', correct, probability: correct ? 1 : 0 });

  it('scores per attribute and usable yield, seen and held-out apart, with the gap', () => {
    const s = summarizeAdherence([
      { heldOut: false, checks: [check('color', true), check('shape', true)] },
      { heldOut: false, checks: [check('color', true), check('shape', false)] },
      { heldOut: true, checks: [check('color', false), check('shape', true)] },
    ]);
    expect(s.all.attributes.color).toEqual({ correct: 2, total: 3, rate: 2 / 3 });
    expect(s.seen.usableYield).toBe(0.5);
    expect(s.heldOut.usableYield).toBe(0);
    expect(s.gap.usableYield).toBe(0.5);
    expect(s.gap.attributes.color).toBe(1);
    expect(s.all.attributes.motion).toEqual({ correct: 0, total: 0, rate: null });
    expect(s.gap.attributes.motion).toBeNull();
  });
});
