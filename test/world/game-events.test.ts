import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/random.ts';
import { Game, recordEpisode } from '../../src/world/game.ts';
import { clipFormat } from '../../src/world/spec.ts';
import {
  applyGameEvent,
  decodeGameEvent,
  describeGameEvent,
  encodeGameEvent,
  EVENT_EXAMPLES,
  parseGameEvent,
  randomGameEvent,
  type GameEvent,
} from '../../src/world/game-events.ts';
import { BACKGROUNDS, COLORS, SHAPES } from '../../src/world/vocabulary.ts';

const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string; param: string };
  }
  throw new Error('expected an error');
};

describe('parseGameEvent', () => {
  it('reads the examples in both languages', () => {
    const expected: GameEvent[] = [
      { kind: 'spawn', color: 'blue', shape: 'ball', motion: 'fall' },
      { kind: 'background', background: 'night' },
      { kind: 'wind', direction: 'left' },
      { kind: 'wind', direction: 'calm' },
    ];
    expect(EVENT_EXAMPLES.en.map(parseGameEvent)).toEqual(expected);
    expect(EVENT_EXAMPLES.zh.map(parseGameEvent)).toEqual(expected);
  });

  it('reads other phrasings', () => {
    expect(parseGameEvent('A red square bounces.')).toEqual({ kind: 'spawn', color: 'red', shape: 'square', motion: 'bounce' });
    expect(parseGameEvent('a pink heart appears')).toMatchObject({ kind: 'spawn', color: 'pink', shape: 'heart' });
    expect(parseGameEvent('the background turns white')).toEqual({ kind: 'background', background: 'white' });
    expect(parseGameEvent('背景变成黑色')).toEqual({ kind: 'background', background: 'black' });
    expect(parseGameEvent('we go to the desert')).toEqual({ kind: 'background', background: 'desert' });
    expect(parseGameEvent('the sun sets')).toEqual({ kind: 'background', background: 'sunset' });
    expect(parseGameEvent('天亮了')).toEqual({ kind: 'background', background: 'sky' });
    // Wind "from the left" pushes right.
    expect(parseGameEvent('the wind blows from the left')).toEqual({ kind: 'wind', direction: 'right' });
    expect(parseGameEvent('风从右边吹来')).toEqual({ kind: 'wind', direction: 'left' });
    expect(parseGameEvent('起风了，向右吹')).toEqual({ kind: 'wind', direction: 'right' });
  });

  it('names unknown words with suggestions', () => {
    const e = errorOf(() => parseGameEvent('the windd pushes left'));
    expect(e.code).toBe('CINE_ERR_PROMPT_UNKNOWN_WORDS');
    expect(e.param).toBe('event');
    expect(e.message).toContain('"windd"');
    expect(e.message).toContain('"wind"');
  });

  it('rejects text that is not exactly one event, saying what to write', () => {
    expect(errorOf(() => parseGameEvent('a ball falls')).message).toContain('a red ball falls from the sky');
    expect(errorOf(() => parseGameEvent('two red balls fall')).message).toContain('one object at a time');
    expect(errorOf(() => parseGameEvent('a red ball falls and night falls')).message).toContain('one event at a time');
    expect(errorOf(() => parseGameEvent('the wind pushes up')).message).toContain('left or right');
    expect(errorOf(() => parseGameEvent('a big red ball falls')).message).toContain('size and texture');
    expect(errorOf(() => parseGameEvent('a red ball spins')).code).toBe('CINE_ERR_PROMPT_INVALID');
    expect(errorOf(() => parseGameEvent('red')).message).toContain('not an event');
  });
});

describe('event codes', () => {
  it('encodes as the model reads them, and decodes back', () => {
    expect(encodeGameEvent(null)).toEqual([0, 0, 0]);
    expect(encodeGameEvent({ kind: 'spawn', color: 'red', shape: 'ball' })).toEqual([1, 1, 1]);
    expect(encodeGameEvent({ kind: 'spawn', color: 'cyan', shape: 'heart' })).toEqual([1, 12, 8]);
    expect(encodeGameEvent({ kind: 'background', background: 'ocean' })).toEqual([2, 9, 0]);
    expect(encodeGameEvent({ kind: 'wind', direction: 'calm' })).toEqual([3, 3, 0]);
    const all: GameEvent[] = [
      ...COLORS.flatMap((color) => SHAPES.map((shape) => ({ kind: 'spawn', color, shape, motion: 'fall' }) as const)),
      ...BACKGROUNDS.map((background) => ({ kind: 'background', background }) as const),
      ...(['left', 'right', 'calm'] as const).map((direction) => ({ kind: 'wind', direction }) as const),
    ];
    for (const e of all) expect(decodeGameEvent(encodeGameEvent(e))).toEqual(e);
    expect(decodeGameEvent([0, 0, 0])).toBeNull();
    expect(() => decodeGameEvent([1, 0, 1])).toThrow(/not an event code/);
  });

  it('describes every event in words that parse back to it', () => {
    const rng = new Rng(5);
    for (let k = 0; k < 100; k++) {
      const e = randomGameEvent(rng, rng.pick(BACKGROUNDS), rng.pick(['left', 'right', 'calm'] as const));
      for (const lang of ['en', 'zh'] as const) expect(parseGameEvent(describeGameEvent(e, lang))).toEqual(e);
    }
  });
});

describe('applyGameEvent', () => {
  const frame = (g: Game) => Buffer.from(g.render());

  it('changes the world as the event says', () => {
    const g = new Game({ seed: 1, width: 64, height: 64 });
    const before = frame(g);
    applyGameEvent(g, parseGameEvent('night falls'));
    expect(g.state().background).toBe('night');
    expect(frame(g).equals(before)).toBe(false);

    const slot = g.state().objects.findIndex((o) => !o.visible);
    applyGameEvent(g, parseGameEvent('a yellow star falls from the sky'));
    const spawned = g.state().objects[slot];
    expect(spawned).toMatchObject({ visible: true, color: 'yellow', shape: 'star' });
    const y0 = spawned.y;
    for (let k = 0; k < 4; k++) g.step('none');
    expect(g.state().objects[slot].y).toBeGreaterThan(y0);

    applyGameEvent(g, parseGameEvent('the wind pushes right'));
    expect(g.windAcceleration).toBeGreaterThan(0);
    applyGameEvent(g, parseGameEvent('the wind stops'));
    expect(g.windAcceleration).toBe(0);
  });

  it('reuses the oldest spawn slot once all are taken', () => {
    const g = new Game({ seed: 2, width: 64, height: 64, spawnSlots: 2 });
    const colors = ['red', 'blue', 'yellow'] as const;
    for (const color of colors) applyGameEvent(g, { kind: 'spawn', color, shape: 'ball' });
    const spawned = g.state().objects.filter((o) => o.motion === 'fall' && o.visible).map((o) => o.color);
    expect(spawned.sort()).toEqual(['blue', 'yellow']);
  });
});

describe('events in recorded play', () => {
  it('fires seeded random events without changing the policy or the layout', () => {
    const format = clipFormat(64, 64, 12, 8);
    const plain = recordEpisode({ seed: 7, format, policy: 'random' });
    const withEvents = recordEpisode({ seed: 7, format, policy: 'random', eventRate: 0.1 });
    expect(plain.gameEvents).toEqual([]);
    expect(withEvents.gameEvents.length).toBeGreaterThan(3);
    expect(withEvents.actions).toEqual(plain.actions);
    expect(recordEpisode({ seed: 7, format, policy: 'random', eventRate: 0.1 }).gameEvents).toEqual(withEvents.gameEvents);
    // A background event shows in the frame it belongs to.
    const bg = withEvents.gameEvents.find((e) => e.event.kind === 'background');
    if (bg && bg.event.kind === 'background') expect(withEvents.states[bg.frame].background).toBe(bg.event.background);
  });
});
