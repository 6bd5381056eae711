/**
 * The studio's list mode finishes a list rather than making it again: which of its requests a video of the user's
 * already makes (web/src/state/list-made.ts), so Generate sends only the others.
 */
import { describe, expect, it } from 'vitest';
import type { Video } from '../../src/server/schemas/videos.ts';
import { madeVideos, type ListRequest } from '../../web/src/state/list-made.ts';

const SETTINGS = { model: 'tiny-random', seconds: '2', size: '32x32', fps: 8, steps: 4, guidance: 3 };
const request = (prompt: string, seed = 1, more: Partial<ListRequest> = {}): ListRequest => ({ ...SETTINGS, prompt, seed, ...more });
let n = 0;
/** A video as GET /v1/videos lists it, with the fields a list's request is matched on. */
const video = (prompt: string, seed = 1, more: Partial<Video> = {}): Video =>
  ({ id: `video_${++n}`, status: 'completed', mode: 'text-to-video', inputs: [], expires_at: null, negative_prompt: '', prompt, seed, ...SETTINGS, ...more }) as Video;

describe('a list\'s videos made already', () => {
  it('are the videos of the same prompt, seed and settings that are queued, running or done', () => {
    const requests = [request('a red ball bounces'), request('a blue square falls'), request('a green star spins')];
    const made = madeVideos(requests, [video('a blue square falls', 1, { status: 'queued' }), video('a red ball bounces', 1, { status: 'in_progress' })]);
    expect(made.map((v) => v?.prompt)).toEqual(['a red ball bounces', 'a blue square falls', undefined]);
  });

  it('leave out a video that failed, was cancelled or expired: its line is made again', () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const videos = [video('a red ball bounces', 1, { status: 'failed' }), video('a blue square falls', 1, { status: 'cancelled' }), video('a green star spins', 1, { expires_at: past })];
    expect(madeVideos([request('a red ball bounces'), request('a blue square falls'), request('a green star spins')], videos)).toEqual([undefined, undefined, undefined]);
  });

  it('leave out a video of another seed, setting, negative prompt or mode', () => {
    const videos = [
      video('a red ball bounces', 2),
      video('a red ball bounces', 1, { steps: 8 }),
      video('a red ball bounces', 1, { negative_prompt: 'night' }),
      video('a red ball bounces', 1, { mode: 'image-to-video', inputs: [{ role: 'first', source: 'upload' }] }),
    ];
    expect(madeVideos([request('a red ball bounces')], videos)).toEqual([undefined]);
    expect(madeVideos([request('a red ball bounces', 1, { negative_prompt: 'night' })], videos)[0]?.negative_prompt).toBe('night');
  });

  it('stand for one request each: a line given twice, made once, is made once more', () => {
    const made = madeVideos([request('a red ball bounces'), request('a red ball bounces')], [video('a red ball bounces')]);
    expect(made.map((v) => v !== undefined)).toEqual([true, false]);
  });
});
