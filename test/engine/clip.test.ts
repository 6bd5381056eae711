import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateClip, onePassLimit, type ClipProgress } from '../../src/engine/clip.ts';
import { longVideoPlan } from '../../src/engine/long-video.ts';
import { VideoPipeline } from '../../src/engine/pipeline.ts';
import { psnr } from '../../src/eval/metrics.ts';
import { sliceVideo } from '../../src/media/frames.ts';
import { gradientClip, TINY_MODEL } from './helpers.ts';

let pipe: VideoPipeline;
beforeAll(async () => {
  pipe = await VideoPipeline.load(TINY_MODEL);
});
afterAll(() => pipe.dispose());

const base = { width: 32, height: 32, fps: 8, steps: 2, seed: 11, prompt: 'a red ball bounces on green grass' };
const same = (a: { data: Uint8Array }, b: { data: Uint8Array }) => Buffer.from(a.data).equals(Buffer.from(b.data));

describe('longVideoPlan', () => {
  it("takes the request's chunk and context, else the manifest's, else the trained length with 3 of context", () => {
    const { manifest } = pipe; // the tiny model: 17 frames, 5 latent frames, no longVideo entry
    expect(longVideoPlan(manifest)).toEqual({ chunk: 5, context: 3 });
    const own = { ...manifest, sampling: { ...manifest.sampling, longVideo: { chunk: 7, context: 4 } } };
    expect(longVideoPlan(own)).toEqual({ chunk: 7, context: 4 });
    expect(longVideoPlan(own, { chunk: 9 })).toEqual({ chunk: 9, context: 4 });
    expect(() => longVideoPlan(own, { context: 7 })).toThrow(/context must be an integer from 1 to 6/);
    expect(() => longVideoPlan(manifest, { chunk: 1 })).toThrow(/chunk must be an integer of at least 2/);
  });
});

describe('generateClip', () => {
  it('makes a clip that fits one pass exactly as the pipeline does', async () => {
    const progress: ClipProgress[] = [];
    const clip = await generateClip(pipe, { ...base, seconds: 2 }, { onProgress: (p) => progress.push(p) });
    const direct = await pipe.generate({ ...base, seconds: 2 });
    expect(clip.chunks).toBe(1);
    expect(same(clip.video, direct.video)).toBe(true);
    expect(new Set(progress.map((p) => p.stage))).toEqual(new Set(['encode', 'denoise', 'decode']));
  });

  it('makes a longer clip from overlapping chunks of the chosen length, reporting each chunk', async () => {
    const progress: ClipProgress[] = [];
    // 6 s at 8 fps: 49 frames, 13 latent frames; chunks of 7 with 3 of context start at 0, 4 and 6
    const long = await generateClip(pipe, { ...base, seconds: 6, chunk: 7 }, { onProgress: (p) => progress.push(p) });
    expect([long.video.count, long.chunks]).toEqual([49, 3]);
    expect(progress.filter((p) => p.stage === 'chunk').map((p) => `${p.step}/${p.total}`)).toEqual(['1/3', '2/3', '3/3']);
    expect(progress.at(-1)?.stage).toBe('decode');
    // up to the chunk's length it is still one pass
    expect((await generateClip(pipe, { ...base, seconds: 3, chunk: 7 })).chunks).toBe(1);
  });

  it('makes a clip in one pass up to the one-pass limit, which the manifest may set above the chunk', async () => {
    const { manifest } = pipe;
    expect(onePassLimit(manifest)).toBe(5); // the tiny model sets none: its long-video chunk
    expect(onePassLimit({ ...manifest, sampling: { ...manifest.sampling, onePass: 13 } })).toBe(13);
    const six = await generateClip(pipe, { ...base, seconds: 6, onePass: 13 });
    expect([six.chunks, six.video.count]).toEqual([1, 49]);
    expect(same(six.video, (await pipe.generate({ ...base, seconds: 6 })).video)).toBe(true);
  });

  it('carries the modes into long video: the first frame opens it, the last frame ends it', async () => {
    const [first, last] = [gradientClip(32, 32, 1), sliceVideo(gradientClip(32, 32, 8), 7, 1)];
    const plain = await generateClip(pipe, { ...base, seconds: 4 });
    const pinned = await generateClip(pipe, { ...base, seconds: 4, firstFrame: first, lastFrame: last });
    expect([plain.chunks, pinned.chunks, pinned.video.count]).toEqual([3, 3, 33]);
    // Given latents are kept exactly, and the causal decoder draws frame 0 from latent 0 alone: the clip
    // opens on the picture's own VAE round trip.
    const { vaeEncoder, vaeDecoder } = pipe.components;
    const roundTrip = await vaeDecoder.decode(await vaeEncoder.encode(first), { fps: 8 });
    expect(same(sliceVideo(pinned.video, 0, 1), roundTrip)).toBe(true);
    expect(same(sliceVideo(plain.video, 0, 1), roundTrip)).toBe(false);
    // The last latent frame is the last picture's (an anchor at the end): the same clip without it opens
    // alike and ends otherwise.
    const opened = await generateClip(pipe, { ...base, seconds: 4, firstFrame: first });
    const end = (v: typeof plain.video) => sliceVideo(v, v.count - 4);
    expect(same(sliceVideo(opened.video, 0, 1), roundTrip)).toBe(true);
    expect(psnr(end(pinned.video), end(opened.video))).toBeLessThan(40);
  });
});

describe('sizes that cannot run', () => {
  it('are refused before any graph runs, naming the largest size of that aspect that fits (exit code 2)', async () => {
    // 4096x4096 at 2 s: 5 latent frames of (4096 / 4 / 2)² tokens, far over one pass (budget.ts)
    const spy = vi.spyOn(pipe.components.transformer, 'velocity');
    const error = await generateClip(pipe, { ...base, width: 4096, height: 4096, seconds: 2 }).catch((e) => e);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(error).toMatchObject({ code: 'CINE_ERR_INVALID_ARGUMENT', exitCode: 2, param: 'size' });
    expect(error.message).toBe('size 4096x4096: 1310720 latent tokens per pass (5 latent frames × 512 × 512), this model runs at most 4096 (up to 224x224 at 2 s)');
    // the cap is per pass: a long clip is made in chunks of 5 latent frames, so the same size is refused alike, and 16:9 keeps its aspect
    const long = await generateClip(pipe, { ...base, width: 1280, height: 720, seconds: 30 }).catch((e) => e);
    expect(long.message).toBe('size 1280x720: 72000 latent tokens per pass (5 latent frames × 90 × 160), this model runs at most 4096 (up to 256x144 at 30 s)');
  });

  it('makes a clip whose one pass would not fit from chunks that do; the pipeline alone refuses that pass', async () => {
    // 160x160: 400 tokens a latent frame; 6 s is 13 latent frames (5200 tokens) in one pass, 2000 in a chunk of 5
    const request = { ...base, width: 160, height: 160, seconds: 6, steps: 1 };
    const clip = await generateClip(pipe, { ...request, onePass: 13 });
    expect([clip.chunks, clip.video.count, clip.video.width]).toEqual([5, 49, 160]);
    const error = await pipe.generate(request).catch((e) => e);
    expect(error).toMatchObject({ code: 'CINE_ERR_INVALID_ARGUMENT', exitCode: 2, param: 'size' });
    expect(error.message).toBe('size 160x160: 5200 latent tokens per pass (13 latent frames × 20 × 20), this model runs at most 4096 (up to 136x136 at 6 s)');
  });
});
