import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLatents, type Latents } from '../../src/engine/latents.ts';
import { loadManifest, requireKind, type VideoManifest } from '../../src/engine/manifest.ts';
import { Session } from '../../src/engine/ort.ts';
import { VaeDecoder, VaeEncoder } from '../../src/engine/vae.ts';
import { Rng } from '../../src/util/random.ts';
import { gradientClip, TINY_MODEL } from './helpers.ts';

let manifest: VideoManifest;
let sessions: Session[];
let decoder: VaeDecoder;
let encoder: VaeEncoder;
beforeAll(async () => {
  manifest = requireKind(await loadManifest(TINY_MODEL), 'video', TINY_MODEL);
  sessions = await Promise.all(['vae_decoder.onnx', 'vae_encoder.onnx'].map((f) => Session.create(join(TINY_MODEL, f), { threads: 1 })));
  decoder = new VaeDecoder(sessions[0], manifest.vae);
  encoder = new VaeEncoder(sessions[1], manifest.vae);
});
afterAll(() => Promise.all(sessions.map((s) => s.dispose())));

function randomLatents(t: number, h = 8, w = 8, seed = 3): Latents {
  const shape = [1, 4, t, h, w] as const; // [1, C, T, h, w]
  return makeLatents(shape, new Rng(seed).fillNormal(new Float32Array(4 * t * h * w)));
}

/** All decoded frames as one planar float array [3, F, H, W]. */
async function decodeFloat(latents: Latents, chunk: number): Promise<{ data: Float32Array; frames: number }> {
  const parts = [];
  for await (const part of decoder.decodeChunks(latents, { chunk })) parts.push(part);
  const frames = parts.reduce((n, p) => n + p.count, 0);
  const { width, height } = parts[0];
  const plane = width * height;
  const data = new Float32Array(3 * frames * plane);
  for (const p of parts) {
    for (let ch = 0; ch < 3; ch++) {
      data.set(p.data.subarray(ch * p.count * plane, (ch + 1) * p.count * plane), (ch * frames + p.start) * plane);
    }
  }
  return { data, frames };
}

describe('VaeDecoder', () => {
  it('decodes chunk by chunk to the same frames as all at once', async () => {
    const latents = randomLatents(5); // 17 frames
    const whole = await decodeFloat(latents, 5);
    expect(whole.frames).toBe(17);
    for (const chunk of [1, 2]) {
      const chunked = await decodeFloat(latents, chunk);
      expect(chunked.frames).toBe(17);
      let maxDiff = 0;
      for (let i = 0; i < whole.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole.data[i] - chunked.data[i]));
      expect(maxDiff).toBeLessThan(1e-4);
    }
    const a = await decoder.decode(latents, { chunk: 1, fps: 8 });
    const b = await decoder.decode(latents, { chunk: 5, fps: 8 });
    let maxByte = 0;
    for (let i = 0; i < a.data.length; i++) maxByte = Math.max(maxByte, Math.abs(a.data[i] - b.data[i]));
    expect(maxByte).toBeLessThanOrEqual(1); // a value on a rounding boundary may tip by one
  });

  it('returns 1 + 4k RGB frames at the pixel size and reports each chunk', async () => {
    const chunks: [number, number][] = [];
    const video = await decoder.decode(randomLatents(3, 8, 12), { fps: 12, onChunk: (d, t) => chunks.push([d, t]) });
    expect([video.width, video.height, video.count, video.fps]).toEqual([48, 32, 9, 12]);
    expect(video.data.length).toBe(9 * 32 * 48 * 3);
    expect(chunks).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('stops between chunks when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(decoder.decode(randomLatents(2), { fps: 8, signal: controller.signal })).rejects.toMatchObject({
      code: 'CINE_ERR_CANCELLED',
    });
  });
});

describe('VaeEncoder', () => {
  it('encodes an image as one latent frame and 1 + 4k frames as 1 + k', async () => {
    const image = await encoder.encode(gradientClip(32, 32, 1));
    expect(image.shape).toEqual([1, 4, 1, 8, 8]);
    const clip = await encoder.encode(gradientClip(48, 32, 9));
    expect(clip.shape).toEqual([1, 4, 3, 8, 12]);
    expect(clip.data.every(Number.isFinite)).toBe(true);
  });

  it('rejects other frame counts and sizes with the valid alternatives', async () => {
    await expect(encoder.encode(gradientClip(32, 32, 4))).rejects.toThrow(/got 4: use 1 or 5/);
    await expect(encoder.encode(gradientClip(30, 32, 1))).rejects.toThrow(/30x32 is not a multiple of the VAE's spatial factor 4/);
  });
});

describe('VaeEncoder causality', () => {
  it('latent frame 0 depends on frame 0 only (what the image path relies on)', async () => {
    const a = gradientClip(32, 32, 9);
    const b = gradientClip(32, 32, 9);
    b.data.fill(200, 32 * 32 * 3); // every frame after the first changed
    const [la, lb] = [await encoder.encode(a), await encoder.encode(b)];
    const plane = 8 * 8;
    for (let c = 0; c < 4; c++) {
      const at = c * 3 * plane; // [0, c, 0, 0, 0] in [1, 4, 3, 8, 8]
      expect(lb.data.subarray(at, at + plane)).toEqual(la.data.subarray(at, at + plane));
    }
    const image = await encoder.encode(gradientClip(32, 32, 1));
    let maxDiff = 0;
    for (let c = 0; c < 4; c++) {
      for (let p = 0; p < plane; p++) maxDiff = Math.max(maxDiff, Math.abs(image.data[c * plane + p] - la.data[c * 3 * plane + p]));
    }
    expect(maxDiff).toBeLessThan(1e-5);
    expect(la.data.subarray(plane, 2 * plane)).not.toEqual(lb.data.subarray(plane, 2 * plane)); // [0, 0, 1]: later frames do differ
  });
});
