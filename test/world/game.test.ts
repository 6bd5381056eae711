import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/random.ts';
import { ACTIONS, Game, recordEpisode, type Action } from '../../src/world/game.ts';
import { randomPolicy, scriptedPolicy } from '../../src/world/policies.ts';
import { clipFormat } from '../../src/world/spec.ts';

const make = (seed = 1) => new Game({ seed, width: 64, height: 64 });
const agentOf = (g: Game) => g.state().objects[g.agentIndex];

function run(g: Game, action: Action, steps: number) {
  const events = [];
  for (let k = 0; k < steps; k++) events.push(...g.step(action).events);
  return events;
}

describe('game', () => {
  it('is deterministic under a seed, and seeds change the world', () => {
    const actions = Array.from({ length: 40 }, (_, k) => ACTIONS[(k * 7) % ACTIONS.length]);
    const play = (seed: number) => {
      const g = make(seed);
      const frames = [Buffer.from(g.render())];
      for (const a of actions) {
        g.step(a);
        frames.push(Buffer.from(g.render()));
      }
      return Buffer.concat(frames);
    };
    expect(play(3).equals(play(3))).toBe(true);
    expect(play(3).equals(play(4))).toBe(false);
  });

  it('reset rebuilds the same world', () => {
    const g = make(2);
    const first = g.reset();
    run(g, 'right', 10);
    expect(g.reset()).toEqual(first);
  });

  it('moves the agent left and right, and the camera follows', () => {
    const g = make();
    const x0 = agentOf(g).x;
    run(g, 'right', 12);
    const x1 = agentOf(g).x;
    expect(x1 - x0).toBeGreaterThan(0.5);
    expect(g.state().camera.cx).toBeCloseTo(Math.max(x1, 0.5), 6);
    run(g, 'left', 6);
    expect(agentOf(g).x).toBeLessThan(x1 - 0.2);
    run(g, 'none', 4);
    const still = agentOf(g).x;
    run(g, 'none', 2);
    expect(agentOf(g).x).toBeCloseTo(still, 6);
  });

  it('jumps on up and lands again; ducks on down', () => {
    const g = make();
    const y0 = agentOf(g).y;
    g.step('up');
    run(g, 'none', 1);
    expect(agentOf(g).y).toBeLessThan(y0 - 0.15);
    const events = run(g, 'none', 8);
    expect(agentOf(g).y).toBeCloseTo(y0, 6);
    expect(events.some((e) => e.kind === 'floor' && e.objects[0] === g.agentIndex)).toBe(true);
    const r0 = agentOf(g).radius;
    g.step('down');
    expect(agentOf(g).radius).toBeLessThan(r0);
    expect(agentOf(g).y + agentOf(g).radius).toBeCloseTo(y0 + r0, 6); // still standing on the floor
  });

  it('stops at the left end of the world with a wall impact', () => {
    const g = make();
    const events = run(g, 'left', 6);
    expect(agentOf(g).x - agentOf(g).radius).toBeCloseTo(0, 6);
    expect(events.some((e) => e.kind === 'wall')).toBe(true);
  });

  it('spawns an object that falls from the sky and lands', () => {
    const g = make();
    const n = g.state().objects.length;
    const i = g.spawn({ shape: 'ball', color: 'blue', x: 0.75 });
    expect(g.state().objects.length).toBe(n);
    const o0 = g.state().objects[i];
    expect(o0).toMatchObject({ visible: true, color: 'blue', shape: 'ball' });
    const events = run(g, 'none', 12);
    expect(g.state().objects[i].y).toBeGreaterThan(o0.y + 0.3);
    expect(events.some((e) => e.kind === 'floor' && e.objects[0] === i)).toBe(true);
  });

  it('changes the background and blows the agent with wind', () => {
    const g = make();
    g.setBackground('night');
    expect(g.state().background).toBe('night');
    const x0 = agentOf(g).x;
    g.wind(3);
    g.step('up'); // in the air nothing brakes the push
    run(g, 'none', 3);
    expect(agentOf(g).x).toBeGreaterThan(x0 + 0.05);
  });

  it('keeps landmarks fixed in the world so they come back into view', () => {
    const g = make(6);
    const landmarks = () => g.state().objects.filter((o) => o.size === 'large').map((o) => [o.x, o.y]);
    const before = landmarks();
    run(g, 'right', 20);
    run(g, 'left', 20);
    expect(landmarks()).toEqual(before);
  });
});

describe('policies and episodes', () => {
  it('records an episode: one frame per step plus the first, deterministic', () => {
    const format = clipFormat(32, 32, 8, 3);
    const a = recordEpisode({ seed: 9, format });
    expect(a.video.count).toBe(format.frames);
    expect(a.actions.length).toBe(format.frames - 1);
    expect(a.states.length).toBe(format.frames);
    for (const e of a.events) expect(e.frame).toBeGreaterThan(0);
    const b = recordEpisode({ seed: 9, format });
    expect(Buffer.from(a.video.data).equals(Buffer.from(b.video.data))).toBe(true);
    expect(b.actions).toEqual(a.actions);
  });

  it('scripted play crosses the world, jumping over the crates', () => {
    for (const seed of [1, 2, 3]) {
      const g = make(seed);
      const policy = scriptedPolicy();
      let farthest = 0;
      for (let k = 0; k < 90; k++) {
        g.step(policy.act(g));
        farthest = Math.max(farthest, agentOf(g).x);
      }
      expect(farthest, `seed ${seed}`).toBeGreaterThan(g.worldWidth - 0.5);
    }
  });

  it('random play uses every action, in sticky runs', () => {
    const policy = randomPolicy(new Rng(1));
    const g = make();
    const actions = Array.from({ length: 400 }, () => policy.act(g));
    for (const a of ACTIONS) expect(actions).toContain(a);
    const changes = actions.filter((a, k) => k > 0 && a !== actions[k - 1]).length;
    expect(changes).toBeLessThan(400 * 0.3);
  });
});
