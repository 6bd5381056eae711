import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float32Tensor, int64Tensor, Session } from '../../src/engine/ort.ts';
import { recordingLogger, TINY_MODEL } from './helpers.ts';

const logger = recordingLogger();
let session: Session;
beforeAll(async () => {
  session = await Session.create(join(TINY_MODEL, 'transformer.onnx'), { threads: 1, logger });
});
afterAll(() => session.dispose());

describe('Session', () => {
  it('exposes the graph inputs and outputs', () => {
    expect(session.name).toBe('transformer.onnx');
    expect(session.inputNames).toEqual(['latents', 'timestep', 'text', 'text_mask', 'cond_latents', 'cond_mask']);
    expect(session.outputNames).toEqual(['velocity']);
  });

  it('lists every missing input in one error', async () => {
    const error = await session.run({ latents: float32Tensor(new Float32Array(4), [1, 4, 1, 1, 1]) }).catch((e) => e);
    expect(error.code).toBe('CINE_ERR_MODEL_INVALID');
    expect(error.message).toContain('missing input(s) timestep, text, text_mask, cond_latents, cond_mask');
  });

  const feeds = () => {
    const latents = new Float32Array(4 * 1 * 2 * 2); // [1, 4, 1, 2, 2]
    return {
      latents: float32Tensor(latents, [1, 4, 1, 2, 2]),
      timestep: float32Tensor(Float32Array.of(0.5), [1]),
      text: float32Tensor(new Float32Array(16), [1, 1, 16]),
      text_mask: float32Tensor(Float32Array.of(1), [1, 1]),
      cond_latents: float32Tensor(latents, [1, 4, 1, 2, 2]),
      cond_mask: float32Tensor(new Float32Array(4), [1, 1, 1, 2, 2]),
    };
  };

  it('drops extra inputs with one warning per name', async () => {
    const extra = { ...feeds(), debug: float32Tensor(Float32Array.of(1), [1]) };
    const first = await session.run(extra);
    await session.run(extra);
    expect(first.velocity.dims).toEqual([1, 4, 1, 2, 2]);
    expect(logger.warnings.filter((w) => w.includes("'debug'"))).toHaveLength(1);
  });

  it('names dtype and shape when a feed disagrees with the graph', async () => {
    const bad = { ...feeds(), latents: float32Tensor(new Float32Array(8 * 4), [1, 8, 1, 2, 2]) };
    const error = await session.run(bad).catch((e) => e);
    expect(error.code).toBe('CINE_ERR_MODEL_INVALID');
    expect(error.message).toContain('latents: got float32 [1, 8, 1, 2, 2], graph declares float32 [B, 4, T, h, w]');
  });

  it('logs every input then rethrows when ORT fails', async () => {
    // shapes that pass the declared checks but cannot be combined: cond_latents with another T
    const bad = { ...feeds(), cond_latents: float32Tensor(new Float32Array(4 * 2 * 2 * 2), [1, 4, 2, 2, 2]) };
    const error = await session.run(bad).catch((e) => e);
    expect(error.code).toBe('CINE_ERR_INTERNAL');
    const log = logger.errors.at(-1)!;
    expect(log).toContain('transformer.onnx failed');
    expect(log).toContain('cond_latents: float32 [1, 4, 2, 2, 2] (graph: float32 [B, 4, T, h, w])');
    expect(log).toContain('timestep: float32 [1]');
  });
});

describe('tensor helpers', () => {
  it('check sizes', () => {
    expect(() => float32Tensor(new Float32Array(3), [2, 2])).toThrow(/needs 4 values, got 3/);
    expect(int64Tensor([1, 2, 3], [1, 3]).data).toEqual(BigInt64Array.of(1n, 2n, 3n));
  });
});

describe('devices', () => {
  it('asks for CUDA and explains when it is not installed', async () => {
    const created = await Session.create(join(TINY_MODEL, 'text_encoder.onnx'), { device: 'cuda', logger }).catch((e) => e);
    if (created instanceof Session) {
      await created.dispose(); // a machine with onnxruntime's CUDA libraries
      return;
    }
    expect(created.code).toBe('CINE_ERR_INVALID_ARGUMENT');
    expect(created.param).toBe('device');
    expect(created.message).toContain('cuda execution provider is not available');
  });

  it('rejects a bad thread count', async () => {
    await expect(Session.create(join(TINY_MODEL, 'text_encoder.onnx'), { threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
  });
});
