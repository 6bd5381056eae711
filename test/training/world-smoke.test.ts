/**
 * A few-step smoke run of the world-model recipes when PyTorch is installed: a game dataset with events from
 * the real CLI → world model (own rollouts on from the first step) and world probe, 2 steps each at tiny
 * widths → ONNX export → the engine loads both folders, steps the world and reads a frame pair with the
 * probe. Proves the Python and TypeScript sides agree on the world formats; says nothing about quality.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/engine/manifest.ts';
import { Probe } from '../../src/engine/probe.ts';
import { WorldModel } from '../../src/engine/world/session.ts';
import { makeFrames } from '../../src/media/frames.ts';
import { Game } from '../../src/world/game.ts';

const PYTHON = process.env.CINESIM_PYTHON ?? '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-world-smoke-'));

/** Asynchronous, so the test worker keeps answering vitest while a recipe runs for a minute. */
async function run(cmd: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } });
  return stdout;
}

describe.skipIf(!hasTorch)('world-model recipe smoke run', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('trains 2 steps of the world model and its probe, exports, and the engine plays and reads', async () => {
    const data = join(work, 'data');
    await run('node', ['bin/cinesim.mjs', 'world', 'dataset', '--kind', 'game', '--count', '3', '--seconds', '3', '--fps', '12',
      '--event-rate', '0.2', '--out', data, '--quiet']);
    const header = JSON.parse(readFileSync(join(data, 'dataset.json'), 'utf8'));
    expect(header.eventKinds).toEqual(['none', 'spawn', 'background', 'wind']);
    const line = JSON.parse(readFileSync(join(data, 'shard-00000.jsonl'), 'utf8').split('\n')[0]);
    expect(line.backgrounds).toHaveLength(37);

    const common = [`--data=${data}`, '--max_steps=2', '--batch=4', '--log_every=1', '--threads=2'];
    const worldLog = await run(PYTHON, ['training/train_world.py', ...common, `--out=${work}/world`, '--channels=8,8,16',
      '--memory=2,4', '--rollout_from=0', '--rollout_horizon=6', '--eval_every=1000']);
    expect(worldLog).toContain('event=final');
    expect(worldLog).toContain('rollout=True');
    // A warm start from those weights, on a dataset given as several folders (as the GPU script writes it),
    // adding the flow warp and the start-frame anchor (their layers start at zero); the engine plays this one.
    const warmLog = await run(PYTHON, ['training/train_world.py', ...common, `--data=${data},${data}`, `--out=${work}/world-warm`,
      '--channels=8,8,16', '--memory=2,4', `--init=${work}/world/ckpt.pt`, '--warp=true', '--anchor=true',
      '--eval_every=1000']);
    expect(warmLog).toMatch(/event=init .*steps_before=2/);
    expect(warmLog).toMatch(/clips=6/);
    await run(PYTHON, ['training/train_world_probe.py', ...common, `--out=${work}/probe`, '--width=4', '--feature_dim=8']);
    await run(PYTHON, ['training/export_world.py', `--world=${work}/world-warm/ckpt.pt`, `--out=${work}/world-model`, '--name=smoke-world']);
    await run(PYTHON, ['training/export_world.py', `--probe=${work}/probe/ckpt.pt`, `--out=${work}/probe-model`, '--name=smoke-probe']);

    const manifest = await loadManifest(join(work, 'world-model'));
    expect(manifest).toMatchObject({ kind: 'world', context: 4, memory: [4, 2], anchor: true, frame: { width: 64, height: 64, fps: 12 } });
    expect(JSON.stringify(manifest)).toContain('moved along a predicted flow');
    const model = await WorldModel.load(join(work, 'world-model'), { threads: 1 });
    try {
      const stepper = model.stepper({ seed: 1 });
      stepper.reset(new Game({ seed: 1, width: 64, height: 64, fps: 12 }).render());
      const frame = await stepper.step('right');
      expect(frame).toHaveLength(64 * 64 * 3);
    } finally {
      await model.dispose();
    }

    const probe = await Probe.load(join(work, 'probe-model'));
    try {
      const game = new Game({ seed: 2, width: 64, height: 64, fps: 12 });
      const video = makeFrames(64, 64, 12, 2);
      video.data.set(game.render(), 0);
      game.step('left');
      video.data.set(game.render(), 64 * 64 * 3);
      const read = await probe.read(video);
      expect(Object.keys(read.heads)).toEqual(['action', 'background', 'agent_color']);
    } finally {
      await probe.dispose();
    }
  }, 240_000);
});
