import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoPipeline } from '../../src/engine/pipeline.ts';
import { chunkPlan, generateLongVideo, promptSchedule } from '../../src/engine/long-video.ts';
import { matchPrefixSeam } from '../../src/engine/seam.ts';
import { gradientClip, TINY_MODEL } from './helpers.ts';

let pipe: VideoPipeline;
beforeAll(async () => {
  pipe = await VideoPipeline.load(TINY_MODEL);
});
afterAll(() => pipe.dispose());

const base = { width: 32, height: 32, fps: 8, steps: 2, seed: 11 };

describe('chunkPlan', () => {
  it('overlaps chunks by the context and ends exactly at the video end', () => {
    expect(chunkPlan(5, 5, 2)).toEqual([0]);
    expect(chunkPlan(11, 5, 2)).toEqual([0, 3, 6]);
    expect(chunkPlan(12, 5, 2)).toEqual([0, 3, 6, 7]);
    for (const total of [6, 17, 61, 121]) {
      const starts = chunkPlan(total, 5, 2);
      expect(starts.at(-1)! + 5).toBe(total);
      for (let i = 1; i < starts.length; i++) {
        const overlap = starts[i - 1] + 5 - starts[i];
        expect(overlap).toBeGreaterThanOrEqual(2);
        expect(overlap).toBeLessThan(5);
      }
    }
  });
});

describe('generateLongVideo', () => {
  it('makes a clip of exactly seconds·fps + 1 frames from overlapping chunks', async () => {
    const r = await generateLongVideo(pipe, { ...base, prompt: 'a red ball bounces on green grass', seconds: 6 });
    expect(r.video.count).toBe(49);
    // 13 latent frames in chunks of 5, each after the first given the default 3 latent frames of context
    expect(r.chunks.map((c) => [c.start, c.given])).toEqual([[0, 0], [2, 3], [4, 3], [6, 3], [8, 3]]);
    const two = await generateLongVideo(pipe, { ...base, prompt: 'a red ball bounces on green grass', seconds: 6, context: 2 });
    expect(two.chunks.map((c) => [c.start, c.given])).toEqual([[0, 0], [3, 2], [6, 2], [8, 3]]);
    expect(two.video.count).toBe(49);
    expect(new Set(r.chunks.map((c) => c.seed)).size).toBe(r.chunks.length);
  });

  it('is deterministic under a seed', async () => {
    const request = { ...base, prompt: 'a blue square moves left', seconds: 4 };
    const a = await generateLongVideo(pipe, request);
    const b = await generateLongVideo(pipe, request);
    expect(Buffer.from(a.video.data).equals(Buffer.from(b.video.data))).toBe(true);
  });

  it('switches prompts at the scheduled times', async () => {
    const r = await generateLongVideo(pipe, {
      ...base,
      seconds: 6,
      prompt: [
        { at: 0, prompt: 'a red ball bounces' },
        { at: 3, prompt: 'a red ball moves left' },
      ],
    });
    // each chunk's first new latent frame (0, 5, 7, 9, 11) is at 0, 2.5, 3.5, 4.5 and 5.5 s
    expect(r.chunks.map((c) => c.prompt)).toEqual(['a red ball bounces', 'a red ball bounces', 'a red ball moves left', 'a red ball moves left', 'a red ball moves left']);
  });

  it('starts from a given first frame and accepts anchors', async () => {
    const image = gradientClip(32, 32, 1);
    const r = await generateLongVideo(pipe, { ...base, prompt: 'a red ball', seconds: 4, firstFrame: image, anchors: [{ at: 3, image }] });
    expect(r.video.count).toBe(33);
  });

  it('rejects bad schedules, contexts and anchors with clear messages', async () => {
    expect(() => promptSchedule([{ at: 1, prompt: 'a red ball' }], 4)).toThrow(/first prompt must start at 0/);
    expect(() => promptSchedule([{ at: 0, prompt: 'a red ball' }, { at: 9, prompt: 'a ball' }], 4)).toThrow(/outside/);
    await expect(generateLongVideo(pipe, { ...base, prompt: 'a red ball', seconds: 4, context: 5 })).rejects.toThrow(/context must be/);
    await expect(generateLongVideo(pipe, { ...base, prompt: 'a red bal', seconds: 4 })).rejects.toThrow(/"bal"/);
    const later = [{ at: 0, prompt: 'a red ball' }, { at: 2, prompt: '1 2' }]; // every prompt of the schedule must describe something
    await expect(generateLongVideo(pipe, { ...base, prompt: later, seconds: 4 })).rejects.toMatchObject({ code: 'CINE_ERR_PROMPT_INVALID', message: expect.stringMatching(/^the prompt describes nothing/) });
    await expect(generateLongVideo(pipe, { ...base, prompt: 'a red ball', seconds: 4, anchors: [{ at: 9, image: gradientClip(32, 32, 1) }] })).rejects.toThrow(/outside/);
  });
});

describe('generateLongVideo with a prefix (extend)', () => {
  it('keeps the given opening frames as context and generates the rest', async () => {
    const prefix = gradientClip(32, 32, 5);
    const r = await generateLongVideo(pipe, { ...base, prompt: 'a red ball', seconds: 4, prefix });
    expect(r.video.count).toBe(33);
    expect(r.chunks[0]).toMatchObject({ start: 0, given: 2 });
    expect(r.chunks.at(-1)!.start + r.chunks.at(-1)!.length).toBe(9);
    await expect(generateLongVideo(pipe, { ...base, prompt: 'a red ball', seconds: 0.5, prefix })).rejects.toThrow(/prefix already fills/);
  });

  it('opens on the prefix itself, the new frames matched to it at the seam; matchSeam: false gives the decoding as it is', async () => {
    const prefix = gradientClip(32, 32, 5);
    const request = { ...base, prompt: 'a red ball', seconds: 2, prefix };
    const raw = await generateLongVideo(pipe, { ...request, matchSeam: false });
    const matched = await generateLongVideo(pipe, request);
    const bytes = (v: { data: Uint8Array }, from: number, to?: number) => Buffer.from(v.data.subarray(from, to));
    const n = prefix.data.length;
    expect(bytes(matched.video, 0, n).equals(bytes(prefix, 0))).toBe(true);
    expect(bytes(raw.video, 0, n).equals(bytes(prefix, 0))).toBe(false); // re-decoded
    expect(bytes(matched.video, 0).equals(bytes(matchPrefixSeam(prefix, raw.video), 0))).toBe(true);
  });
});
