/**
 * A few-step smoke run of the whole training recipe when PyTorch is installed (Debian's python3-torch):
 * dataset from the real CLI → VAE, DiT + text encoder, probe (2 steps each, tiny widths) → ONNX export →
 * the TypeScript engine loads the folder and generates a clip. Proves the Python and TypeScript sides
 * still agree on the formats; says nothing about quality.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VideoPipeline } from '../../src/engine/index.ts';

const PYTHON = process.env.CINESIM_PYTHON ?? '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-smoke-'));

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: '2' } });
}

describe.skipIf(!hasTorch)('training recipe smoke run', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('trains 2 steps of each network, exports ONNX, and the engine generates with it', async () => {
    const data = join(work, 'data');
    run('node', ['bin/cinesim.mjs', 'world', 'dataset', '--count', '6', '--size', '32x32', '--seconds', '1', '--fps', '4', '--out', data, '--quiet']);
    const common = [`--data=${data}`, '--max_steps=2', '--batch=2', '--log_every=1', '--threads=2'];
    run(PYTHON, ['training/train_vae.py', ...common, `--out=${work}/vae`, '--channels=8,16', '--temporal_blocks=1', '--latent_channels=4', '--eval_clips=2']);
    run(PYTHON, ['training/train_dit.py', ...common, `--out=${work}/dit`, `--vae=${work}/vae/ckpt.pt`, '--dim=32', '--depth=1', '--heads=2', '--text_dim=16', '--text_depth=1']);
    const probeLog = run(PYTHON, ['training/train_probe.py', ...common, `--out=${work}/probe`, '--width=8', '--blur=1.25']);
    expect(probeLog).toContain('event=final');
    run(PYTHON, ['training/export_model.py', `--vae=${work}/vae/ckpt.pt`, `--dit=${work}/dit/ckpt.pt`, `--out=${work}/model`, '--name=smoke']);

    const manifest = JSON.parse(readFileSync(join(work, 'model', 'manifest.json'), 'utf8'));
    expect(manifest.kind).toBe('video');
    expect(manifest.training.transformerSteps).toBe(2);
    const pipe = await VideoPipeline.load(join(work, 'model'));
    try {
      const result = await pipe.generate({ prompt: 'a red ball bounces on green grass', seed: 1, steps: 2, width: 32, height: 32, frames: 5 });
      expect([result.video.width, result.video.height, result.video.count]).toEqual([32, 32, 5]);
    } finally {
      pipe.dispose();
    }
  }, 240_000);
});
