/**
 * The create form's state: what the next video will be. It is kept in localStorage (without the image
 * files), so the last settings are there after a reload.
 */
import type { Model, Video, VideoMode } from '../api/types.ts';
import { randomSeed } from '../lib/format.ts';

export interface Draft {
  readonly model?: string;
  readonly mode: VideoMode;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly seconds?: string;
  readonly size?: string;
  readonly fps?: number;
  readonly seed: number;
  /** Keep the seed for the next video; otherwise a new one is drawn after each. */
  readonly seedLocked: boolean;
  readonly steps?: number;
  readonly guidance?: number;
  /** The video an extension continues. */
  readonly extendId?: string;
}

export const EMPTY_DRAFT: Draft = {
  mode: 'text-to-video',
  prompt: 'a small red ball bounces on green grass',
  negativePrompt: '',
  seed: randomSeed(),
  seedLocked: false,
};

/** The draft made valid for `model`: values it cannot take fall back to its defaults. */
export function fitDraft(draft: Draft, model: Model | undefined): Draft {
  if (!model) return draft;
  return {
    ...draft,
    model: model.id,
    mode: model.modes.includes(draft.mode) ? draft.mode : 'text-to-video',
    seconds: draft.seconds && model.seconds.includes(draft.seconds) ? draft.seconds : model.default_seconds,
    size: draft.size && model.sizes.includes(draft.size) ? draft.size : model.default_size,
    fps: draft.fps && fpsChoices(model).includes(draft.fps) ? draft.fps : model.fps,
    steps: draft.steps ?? model.defaults.steps,
    guidance: draft.guidance ?? model.defaults.guidance,
  };
}

/** Frame rates offered: the model's own and its multiples (each keeps the model's durations valid). */
export function fpsChoices(model: Model): number[] {
  return [1, 2, 3].map((k) => model.fps * k);
}

/** A video's settings as a draft: "use these settings", extend. */
export function draftFromVideo(video: Video, seedLocked = true): Draft {
  return {
    model: video.model,
    mode: video.mode === 'extend' ? 'text-to-video' : video.mode,
    prompt: video.prompt ?? '',
    negativePrompt: video.negative_prompt,
    seconds: video.seconds,
    size: video.size,
    fps: video.fps,
    seed: video.seed,
    seedLocked,
    steps: video.steps,
    guidance: video.guidance,
  };
}

/** What "Copy settings" puts on the clipboard: the create request that makes this video again. */
export function settingsJson(video: Video): string {
  const { prompt, negative_prompt, model, seconds, size, fps, seed, steps, guidance, shift, sampler } = video;
  return JSON.stringify({ prompt, negative_prompt, model, seconds, size, fps, seed, steps, guidance, shift, sampler }, null, 2);
}

export function parseDraft(value: unknown): Draft {
  if (!value || typeof value !== 'object') return EMPTY_DRAFT;
  const v = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const modes: VideoMode[] = ['text-to-video', 'image-to-video', 'first-last-frame', 'extend'];
  return {
    model: str(v.model),
    mode: modes.includes(v.mode as VideoMode) ? (v.mode as VideoMode) : 'text-to-video',
    prompt: str(v.prompt) ?? EMPTY_DRAFT.prompt,
    negativePrompt: str(v.negativePrompt) ?? '',
    seconds: str(v.seconds),
    size: str(v.size),
    fps: num(v.fps),
    seed: num(v.seed) ?? randomSeed(),
    seedLocked: v.seedLocked === true,
    steps: num(v.steps),
    guidance: num(v.guidance),
    extendId: str(v.extendId),
  };
}
