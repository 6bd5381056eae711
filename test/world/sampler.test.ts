import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/random.ts';
import { contrast, isReadable, MIN_CONTRAST } from '../../src/world/contrast.ts';
import { completeScene, DEFAULT_HELD_OUT, matchesHeldOut, sampleScene, type HeldOutRule } from '../../src/world/sampler.ts';
import { DEFAULTS } from '../../src/world/spec.ts';
import { ATTRIBUTES, BACKGROUNDS, COLORS, OBJECT_ATTRIBUTES, type AttributeName } from '../../src/world/vocabulary.ts';

describe('sampleScene', () => {
  const rng = new Rng(1);
  const scenes = Array.from({ length: 5000 }, () => sampleScene(rng));

  it('never draws a held-out combination', () => {
    expect(scenes.filter((s) => matchesHeldOut(s, DEFAULT_HELD_OUT))).toEqual([]);
  });

  it('draws only readable colour/background pairs and distinct objects', () => {
    for (const s of scenes) {
      for (const o of s.objects) expect(isReadable(o.color, s.background), `${o.color} on ${s.background}`).toBe(true);
      const keys = s.objects.map((o) => `${o.color} ${o.shape}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('follows the object-count distribution and keeps every value common', () => {
    const share = (n: number) => scenes.filter((s) => s.objects.length === n).length / scenes.length;
    expect(share(1)).toBeCloseTo(0.6, 1);
    expect(share(2)).toBeCloseTo(0.3, 1);
    expect(share(3)).toBeCloseTo(0.1, 1);
    for (const attr of Object.keys(ATTRIBUTES) as AttributeName[]) {
      const values = ATTRIBUTES[attr] as readonly string[];
      const counts = new Map<string, number>();
      for (const s of scenes) {
        const seen = (OBJECT_ATTRIBUTES as readonly string[]).includes(attr)
          ? s.objects.map((o) => o[attr as keyof typeof o])
          : [s[attr as 'camera' | 'background']];
        for (const v of seen) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      for (const v of values) expect((counts.get(v) ?? 0) / total, `${attr}=${v}`).toBeGreaterThan(0.4 / values.length);
    }
  });

  it('is deterministic under a seed', () => {
    const a = Array.from({ length: 20 }, (_, i) => sampleScene(new Rng(i)));
    const b = Array.from({ length: 20 }, (_, i) => sampleScene(new Rng(i)));
    expect(a).toEqual(b);
  });

  it('draws only held-out scenes when asked, covering every rule', () => {
    const r = new Rng(2);
    const held = Array.from({ length: 400 }, () => sampleScene(r, { heldOutMode: 'only' }));
    expect(held.every((s) => matchesHeldOut(s, DEFAULT_HELD_OUT))).toBe(true);
    for (const rule of DEFAULT_HELD_OUT) expect(held.some((s) => matchesHeldOut(s, [rule])), JSON.stringify(rule)).toBe(true);
    expect(held.every((s) => s.objects.every((o) => isReadable(o.color, s.background)))).toBe(true);
  });

  it('honours weights, object counts and custom rules', () => {
    const r = new Rng(3);
    const rules: HeldOutRule[] = [{ shape: 'ball' }];
    for (let i = 0; i < 300; i++) {
      const s = sampleScene(r, { weights: { background: { night: 0 }, camera: { static: 0 } }, objectCounts: [0, 0, 1], heldOut: rules });
      expect(s.background).not.toBe('night');
      expect(s.camera).not.toBe('static');
      expect(s.objects.length).toBe(3);
      expect(s.objects.some((o) => o.shape === 'ball')).toBe(false);
    }
    const heavy = Array.from({ length: 500 }, () => sampleScene(r, { weights: { motion: { bounce: 20 } } }));
    const bounces = heavy.flatMap((s) => s.objects).filter((o) => o.motion === 'bounce').length;
    expect(bounces / heavy.flatMap((s) => s.objects).length).toBeGreaterThan(0.5);
  });

  it('fails clearly when the weights leave nothing to draw', () => {
    expect(() => sampleScene(new Rng(4), { weights: { shape: { ball: 1, square: 0, triangle: 0, star: 0, ring: 0, diamond: 0, hexagon: 0, heart: 0 } }, heldOut: [{ shape: 'ball' }] })).toThrow(/no scene/);
  });
});

describe('matchesHeldOut', () => {
  const base = { background: 'grass', camera: 'static' } as const;
  it('needs one object to carry all of a rule', () => {
    const rule: HeldOutRule[] = [{ color: 'red', shape: 'star' }];
    const obj = { size: 'small', texture: 'plain', motion: 'static' } as const;
    expect(matchesHeldOut({ ...base, objects: [{ ...obj, color: 'red', shape: 'star' }] }, rule)).toBe(true);
    expect(matchesHeldOut({ ...base, objects: [{ ...obj, color: 'red', shape: 'ball' }, { ...obj, color: 'blue', shape: 'star' }] }, rule)).toBe(false);
    expect(matchesHeldOut({ ...base, objects: [{ ...obj, color: 'pink', shape: 'ball' }] }, [{ color: 'pink', background: 'grass' }])).toBe(true);
  });
});

describe('contrast rule', () => {
  it('rules out colours that melt into the background', () => {
    expect(isReadable('green', 'grass')).toBe(false);
    expect(isReadable('black', 'night')).toBe(false);
    expect(isReadable('blue', 'sky')).toBe(false);
    expect(isReadable('white', 'white')).toBe(false);
    expect(isReadable('red', 'grass')).toBe(true);
    expect(isReadable('yellow', 'night')).toBe(true);
  });

  it('leaves at least nine colours on every background', () => {
    for (const bg of BACKGROUNDS) {
      expect(COLORS.filter((c) => contrast(c, bg) >= MIN_CONTRAST).length, bg).toBeGreaterThanOrEqual(9);
    }
  });

  it('keeps every default held-out rule drawable', () => {
    for (const rule of DEFAULT_HELD_OUT) if (rule.color && rule.background) expect(isReadable(rule.color, rule.background)).toBe(true);
  });
});

describe('completeScene', () => {
  it('fills the caption defaults and keeps what the prompt states', () => {
    const s = completeScene({ objects: [{ color: 'red', shape: 'ball', motion: 'bounce' }], background: 'grass' }, new Rng(1));
    expect(s).toEqual({
      background: 'grass',
      camera: DEFAULTS.camera,
      objects: [{ color: 'red', shape: 'ball', motion: 'bounce', size: DEFAULTS.size, texture: DEFAULTS.texture }],
    });
  });

  it('draws one object for an empty prompt, readable on its background', () => {
    for (let seed = 0; seed < 200; seed++) {
      const s = completeScene({ objects: [] }, new Rng(seed));
      expect(s.objects.length).toBe(1);
      expect(s.objects[0]).toMatchObject({ size: 'medium', texture: 'plain', motion: 'static' });
      expect(isReadable(s.objects[0].color, s.background)).toBe(true);
    }
  });

  it('picks a background every stated colour reads on, and distinct colours for unstated ones', () => {
    for (let seed = 0; seed < 200; seed++) {
      const s = completeScene({ objects: [{ color: 'green' }, { color: 'blue' }, {}] }, new Rng(seed));
      expect(isReadable('green', s.background) && isReadable('blue', s.background)).toBe(true);
      expect(['green', 'blue']).not.toContain(s.objects[2].color);
    }
  });

  it('accepts unreadable pairs a prompt asks for, and is deterministic', () => {
    const p = { objects: [{ color: 'green' as const, shape: 'star' as const }], background: 'grass' as const };
    expect(completeScene(p, new Rng(5)).objects[0].color).toBe('green');
    expect(completeScene({ objects: [{}, {}] }, new Rng(9))).toEqual(completeScene({ objects: [{}, {}] }, new Rng(9)));
  });

  it('rejects more than three objects', () => {
    expect(() => completeScene({ objects: [{}, {}, {}, {}] }, new Rng(1))).toThrow(/at most 3/);
  });
});
