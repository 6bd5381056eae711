/**
 * The world stepper: the pure core against a recording stand-in network (exact wiring: what reaches each
 * graph input, step after step), then the real ONNX path with the tiny random world model.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameStart, parsePlayPrompt } from '../../src/engine/world/start.ts';
import { WorldModel } from '../../src/engine/world/session.ts';
import { toPlanar, WorldStepper, type Denoise, type WorldFeeds, type WorldSpec } from '../../src/engine/world/stepper.ts';
import { encodeGameEvent, parseGameEvent } from '../../src/world/game-events.ts';

const TINY_WORLD = fileURLToPath(new URL('../fixtures/tiny-world/', import.meta.url));

const W = 4;
const H = 4;
const PLANE = 3 * W * H;
const SPEC: WorldSpec = {
  frame: { width: W, height: H, fps: 8 },
  context: 3,
  memory: [4, 6],
  actions: ['none', 'left', 'right', 'up', 'down'],
  sampling: { steps: 2, contextSigma: 0 },
};

/** A frame whose every byte is `v`. */
const flat = (v: number) => new Uint8Array(W * H * 3).fill(v);

/** The value a planar float plane of a flat frame holds, back in bytes. */
const planeValue = (data: Float32Array, index: number) => Math.round((data[index * PLANE] + 1) * 127.5);

/**
 * A stand-in network that records its feeds and predicts a flat frame whose value says what it saw:
 * (newest context value + 10·action) mod 256, so a rollout's frames spell out the actions it was given.
 */
function recorder(): { denoise: Denoise; calls: WorldFeeds[] } {
  const calls: WorldFeeds[] = [];
  const denoise: Denoise = async (f) => {
    calls.push({ ...f, context: f.context.slice(), memory: f.memory.slice(), noisy: f.noisy.slice() });
    const K = SPEC.context;
    const out = new Float32Array(f.batch * PLANE);
    for (let b = 0; b < f.batch; b++) {
      const newest = planeValue(f.context, b * K + K - 1);
      const v = (newest + 10 * Number(f.actions[b * K + K - 1])) % 256;
      out.fill(v / 127.5 - 1, b * PLANE, (b + 1) * PLANE);
    }
    return out;
  };
  return { denoise, calls };
}

describe('WorldStepper (pure core)', () => {
  it('returns uint8 frames of the model size and calls the network once per sampling step', async () => {
    const { denoise, calls } = recorder();
    const stepper = new WorldStepper(SPEC, denoise, { seed: 1 });
    stepper.reset(flat(100));
    const frame = await stepper.step('right');
    expect(frame).toBeInstanceOf(Uint8Array);
    expect(frame.length).toBe(W * H * 3);
    expect(calls).toHaveLength(SPEC.sampling.steps);
    const f = calls[0];
    expect([f.noisy.length, f.sigma.length, f.context.length, f.contextSigma.length, f.actions.length, f.event.length, f.memory.length]).toEqual([
      PLANE, 1, 3 * PLANE, 1, 3, 3, 2 * PLANE,
    ]);
    expect([...calls.map((c) => c.sigma[0])]).toEqual([1, 0.5]);
  });

  it('samples to the network estimate when it is the same at every noise level (the flow-matching update)', async () => {
    const target = new Float32Array(PLANE).map((_, i) => ((i * 37) % 255) / 127.5 - 1);
    for (const steps of [1, 2, 4, 7]) {
      const stepper = new WorldStepper(SPEC, async () => target.slice(), { seed: 3, steps });
      stepper.reset(flat(0));
      const frame = await stepper.step('none');
      const expected = new Float32Array(PLANE);
      toPlanar(frame, expected, 0, W, H);
      expect(Array.from(expected, (v) => Math.round((v + 1) * 127.5))).toEqual(Array.from(target, (v) => Math.round((v + 1) * 127.5)));
    }
  });

  it('feeds the chosen action last and shifts the context window, oldest first, with the actions between', async () => {
    const { denoise, calls } = recorder();
    const stepper = new WorldStepper(SPEC, denoise, { seed: 1, steps: 1 });
    stepper.reset(flat(100));
    const frames = [];
    for (const a of ['right', 'left', 'up', 'none']) frames.push((await stepper.step(a))[0]);
    // Each frame is the newest one plus 10 × the action id: the network saw the action it was given.
    expect(frames).toEqual([120, 130, 160, 160]);
    const context = (c: WorldFeeds) => [0, 1, 2].map((k) => planeValue(c.context, k));
    expect(calls.map(context)).toEqual([
      [100, 100, 100],
      [100, 100, 120],
      [100, 120, 130],
      [120, 130, 160],
    ]);
    // actions[k] led from context frame k to k + 1; the last is this step's.
    expect(calls.map((c) => Array.from(c.actions, Number))).toEqual([
      [0, 0, 2],
      [0, 2, 1],
      [2, 1, 3],
      [1, 3, 0],
    ]);
  });

  it('different actions reach the graph and give different frames', async () => {
    const play = async (action: string) => {
      const { denoise, calls } = recorder();
      const s = new WorldStepper(SPEC, denoise, { seed: 5 });
      s.reset(flat(50));
      return { frame: await s.step(action), actions: Array.from(calls[0].actions, Number) };
    };
    const left = await play('left');
    const right = await play('right');
    expect(left.actions.at(-1)).toBe(1);
    expect(right.actions.at(-1)).toBe(2);
    expect(left.frame).not.toEqual(right.frame);
  });

  it('feeds memory frames at the manifest offsets before the newest context frame, oldest first', async () => {
    const { denoise, calls } = recorder();
    const stepper = new WorldStepper(SPEC, denoise, { seed: 1, steps: 1 });
    expect(stepper.historyLength).toBe(7); // the furthest offset, 6, plus the newest frame
    stepper.reset(flat(7));
    // The history before the start is the start frame; afterwards, frame n is 7 + 10·n (action 'left').
    for (let n = 0; n < 9; n++) await stepper.step('left');
    const memory = calls.map((c) => [0, 1].map((m) => planeValue(c.memory, m)));
    const value = (n: number) => 7 + 10 * Math.max(0, n); // frame n of the play (0 = start)
    // Call t (0-based) predicts frame t + 1; its newest context frame is frame t; memory is t − 6, t − 4.
    memory.forEach((m, t) => expect(m, `call ${t}`).toEqual([value(t - 6), value(t - 4)]));
    expect(stepper.history(4)[0]).toBe(value(9 - 4));
  });

  it('feeds the play\'s first start frame as the anchor at every step, or the anchor a cut start names', async () => {
    const { denoise, calls } = recorder();
    const stepper = new WorldStepper(SPEC, denoise, { seed: 1, steps: 1, batch: 2 });
    stepper.reset([{ frames: [flat(10), flat(20)], actions: ['left'] }, { frames: [flat(40)], anchor: flat(5) }]);
    for (let n = 0; n < 8; n++) await stepper.stepBatch(['right', 'right']); // past the whole history
    calls.forEach((c, t) => expect([0, 1].map((w) => planeValue(c.anchor, w)), `call ${t}`).toEqual([10, 5]));
    expect(() => stepper.reset({ frames: [flat(1)], anchor: new Uint8Array(3) })).toThrow(/4×4 RGB frame/);
  });

  it('fires an event at the step it is given, and only there', async () => {
    const { denoise, calls } = recorder();
    const stepper = new WorldStepper(SPEC, denoise, { seed: 1, steps: 1 });
    stepper.reset(flat(1));
    await stepper.step('none', parseGameEvent('a blue ball falls from the sky'));
    await stepper.step('none');
    await stepper.step('none', [2, 5, 0]);
    expect(calls.map((c) => Array.from(c.event, Number))).toEqual([
      encodeGameEvent(parseGameEvent('a blue ball falls from the sky')),
      [0, 0, 0],
      [2, 5, 0],
    ]);
  });

  it('is deterministic under a seed, and the seed changes the noise', async () => {
    // A network that passes some of its noisy input through, so the noise shows in the frames.
    const leaky: Denoise = async (f) => f.noisy.map((v, i) => 0.3 * v + 0.5 * f.context[i]);
    const run = async (seed: number) => {
      const s = new WorldStepper({ ...SPEC, sampling: { steps: 2, contextSigma: 0.1 } }, leaky, { seed });
      s.reset(flat(90));
      const out = [];
      for (const a of ['right', 'right', 'up']) out.push(...(await s.step(a)));
      return out;
    };
    expect(await run(11)).toEqual(await run(11));
    expect(await run(11)).not.toEqual(await run(12));
  });

  it('starts from several frames with the actions between them, and plays worlds side by side', async () => {
    const { denoise, calls } = recorder();
    const stepper = new WorldStepper(SPEC, denoise, { seed: 1, steps: 1, batch: 2 });
    stepper.reset([
      { frames: [flat(10), flat(20), flat(30)], actions: ['left', 'right'] },
      { frames: [flat(40)] },
    ]);
    const frames = await stepper.stepBatch(['up', 'down']);
    expect(frames.map((f) => f[0])).toEqual([60, 80]);
    expect(Array.from(calls[0].actions, Number)).toEqual([1, 2, 3, 0, 0, 4]);
    expect([0, 1, 2, 3, 4, 5].map((k) => planeValue(calls[0].context, k))).toEqual([10, 20, 30, 40, 40, 40]);
  });

  it('teacher forcing: predict leaves the history alone, observe enters known frames', async () => {
    const { denoise, calls } = recorder();
    const stepper = new WorldStepper(SPEC, denoise, { seed: 1, steps: 1 });
    stepper.reset(flat(0));
    expect((await stepper.predict('right'))[0]).toBe(20);
    expect((await stepper.predict('right'))[0]).toBe(20);
    stepper.observe([flat(200)], ['down']);
    await stepper.predict('none');
    expect(planeValue(calls[2].context, 2)).toBe(200);
    expect(Array.from(calls[2].actions, Number)).toEqual([0, 4, 0]);
  });

  it('rejects what the model cannot take, naming it', async () => {
    const stepper = new WorldStepper(SPEC, recorder().denoise);
    await expect(stepper.step('none')).rejects.toThrow(/reset\(\)/);
    stepper.reset(flat(0));
    await expect(stepper.step('jump')).rejects.toThrow(/unknown action 'jump' \(the model knows none, left, right, up, down\)/);
    expect(() => stepper.reset(new Uint8Array(10))).toThrow(/expected a 4×4 RGB frame \(48 bytes\), got 10 bytes/);
    expect(() => new WorldStepper(SPEC, recorder().denoise, { steps: 0 })).toThrow(/steps must be a positive integer/);
  });
});

describe('play starts', () => {
  it('reads the scene from a prompt: background and the agent', () => {
    expect(parsePlayPrompt('a red striped ball on green grass')).toEqual({ background: 'grass', agent: { shape: 'ball', color: 'red', texture: 'striped' } });
    const start = gameStart({ seed: 4, prompt: 'a blue square in the desert' }, { ...SPEC, frame: { width: 64, height: 64, fps: 8 } });
    expect([start.background, start.agent.shape, start.agent.color]).toEqual(['desert', 'square', 'blue']);
    expect(start.frame.length).toBe(64 * 64 * 3);
    const again = gameStart({ seed: 4, prompt: 'a blue square in the desert' }, { ...SPEC, frame: { width: 64, height: 64, fps: 8 } });
    expect(again.frame).toEqual(start.frame);
  });

  it('names unknown words and refuses a second object', () => {
    expect(() => parsePlayPrompt('a red bal on grass')).toThrow(/unknown words in prompt: "bal"/);
    expect(() => parsePlayPrompt('a red ball and a blue star')).toThrow(/names one object, the agent/);
  });
});

describe('WorldStepper on the tiny random world model (ONNX)', () => {
  let model: WorldModel | undefined;
  beforeAll(async () => {
    if (existsSync(TINY_WORLD)) model = await WorldModel.load(TINY_WORLD, { threads: 1 });
  });
  afterAll(async () => model?.dispose());

  it.skipIf(!existsSync(TINY_WORLD))('steps with the graph: shapes, determinism, actions reach the network', async () => {
    const m = model!;
    const { width, height } = m.spec.frame;
    const start = gameStart({ seed: 2 }, m.spec);
    const play = async (seed: number, actions: readonly string[]) => {
      const s = m.stepper({ seed });
      s.reset(start.frame);
      const frames = [];
      for (const a of actions) frames.push(await s.step(a));
      return frames;
    };
    const a = await play(7, ['right', 'right', 'up']);
    expect(a.map((f) => f.length)).toEqual([width * height * 3, width * height * 3, width * height * 3]);
    expect(await play(7, ['right', 'right', 'up'])).toEqual(a);
    expect(await play(8, ['right', 'right', 'up'])).not.toEqual(a);
    // Same seed, same noise: only the actions differ, and the random network reads them.
    expect((await play(7, ['left', 'left', 'down']))[0]).not.toEqual(a[0]);
  });

  it.skipIf(!existsSync(TINY_WORLD))('feeds the graph what the contract says: shifting context, actions, memory', async () => {
    const m = model!;
    const calls: WorldFeeds[] = [];
    const spy: Denoise = async (f) => {
      calls.push({ ...f, context: f.context.slice() });
      return m.denoise(f);
    };
    const s = new WorldStepper(m.spec, spy, { seed: 1, contextSigma: 0 });
    const start = gameStart({ seed: 2 }, m.spec).frame;
    s.reset(start);
    const first = await s.step('right');
    await s.step('up');
    const { steps } = m.spec.sampling;
    const K = m.spec.context;
    const plane = 3 * m.spec.frame.width * m.spec.frame.height;
    expect(calls).toHaveLength(2 * steps);
    expect(Array.from(calls[0].actions, Number)).toEqual([...Array(K - 1).fill(0), 2]);
    expect(Array.from(calls[steps].actions, Number)).toEqual([...Array(K - 2).fill(0), 2, 3]);
    expect(calls[0].memory.length).toBe(m.spec.memory.length * plane);
    // The tiny model reads the anchor (as world-64 does): its start frame, and it changes the prediction.
    expect(m.spec.anchor).toBe(true);
    const anchor = new Float32Array(plane);
    toPlanar(start, anchor, 0, m.spec.frame.width, m.spec.frame.height);
    expect(calls[steps].anchor).toEqual(anchor);
    const other = await m.denoise({ ...calls[0], anchor: calls[0].anchor.map((v) => -v) });
    expect(other).not.toEqual(await m.denoise(calls[0]));
    // The newest context plane of the second step is the first generated frame.
    const expected = new Float32Array(plane);
    toPlanar(first, expected, 0, m.spec.frame.width, m.spec.frame.height);
    expect(calls[steps].context.subarray((K - 1) * plane)).toEqual(expected);
  });
});
