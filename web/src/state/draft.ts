/**
 * The create form's state: what the next video will be. It is kept in localStorage (without the image
 * files), so the last settings are there after a reload.
 */
import type { StoryRequest } from '../api/client.ts';
import type { Model, Video, VideoMode } from '../api/types.ts';
import type { Lang } from '../i18n/messages.ts';
import { formatShotLine } from '../../../src/story/script.ts';
import { randomSeed } from '../lib/format.ts';
import { shotImagePaths } from './story-pictures.ts';

/**
 * The create form's modes: the server's video modes, and "list" (one text-to-video request per line,
 * the studio's counterpart of `cinesim batch`; the server sees only the videos it makes).
 */
export type CreateMode = VideoMode | 'list';

export interface Draft {
  readonly model?: string;
  readonly mode: CreateMode;
  readonly prompt: string;
  /** The story script (the story mode's text, docs/STORY.md). */
  readonly script: string;
  /** The list mode's text: one prompt per line. */
  readonly list: string;
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
  /** Videos one Generate makes: the same request with seeds seed, seed + 1, … */
  readonly variants: number;
  /**
   * The story film the script came from: a remake reuses its unchanged shots (`reuse_video_id`), made with the
   * film's own settings that the form does not show (else no shot's key would match). `pictures` are the paths its
   * shots opened on: the server takes those pictures from it unless new ones are sent.
   */
  readonly remakeOf?: {
    readonly id: string;
    readonly title: string;
    readonly shift: number;
    readonly sampler: Video['sampler'];
    readonly audio: boolean;
    readonly pictures: readonly string[];
  };
}

/** Variant counts offered. */
export const VARIANT_CHOICES = [1, 2, 4, 8] as const;

/** Prompts one list may hold (a Generate makes up to this times the variants). */
export const MAX_LIST_PROMPTS = 100;

/** One prompt of a list, with the line it is on (1-based, counting blank and comment lines). */
export interface ListPrompt {
  readonly line: number;
  readonly prompt: string;
}

/** A list's prompts in order: blank lines and `#` comments are skipped, as in a `cinesim batch` list. */
export function listPrompts(text: string): ListPrompt[] {
  return text.split(/\r?\n/).flatMap((raw, i) => {
    const prompt = raw.replace(/^\uFEFF/, '').trim();
    return prompt === '' || prompt.startsWith('#') ? [] : [{ line: i + 1, prompt }];
  });
}

/** The story mode's example script, in the interface's language (until the user writes their own). */
const EXAMPLE_SCRIPTS: Readonly<Record<Lang, string>> = {
  en: [
    'title: Ruby',
    'cast:',
    '  Ruby: a small red striped ball',
    'shots:',
    '  - 2s: Ruby bounces on green grass',
    '  - 2s continue: Ruby moves left on green grass',
    '  - Ruby falls at night',
  ].join('\n'),
  // 阿红, not 小红: "小红" is the model's own words ("small red"), and a name must not be.
  zh: ['标题：阿红', '角色：', '  阿红：一个小的红色条纹球', '镜头：', '  - 2秒：阿红在草地上弹跳', '  - 2秒 接续：阿红在草地上向左移动', '  - 阿红在夜空中下落'].join('\n'),
};

/** The script to show: an example script (untouched) follows the interface's language; the user's own stays. */
export function shownScript(script: string, lang: Lang): string {
  return Object.values(EXAMPLE_SCRIPTS).includes(script) ? EXAMPLE_SCRIPTS[lang] : script;
}

export const EMPTY_DRAFT: Draft = {
  mode: 'text-to-video',
  prompt: 'a small red ball bounces on green grass',
  script: EXAMPLE_SCRIPTS.en,
  list: '',
  negativePrompt: '',
  seed: randomSeed(),
  seedLocked: false,
  variants: 1,
};

/** The draft made valid for `model`: values it cannot take fall back to its defaults. */
export function fitDraft(draft: Draft, model: Model | undefined): Draft {
  if (!model) return draft;
  return {
    ...draft,
    model: model.id,
    // A story is made of text-to-video and image-to-video shots, and a list of text-to-video clips, which every model does.
    mode: draft.mode === 'story' || draft.mode === 'list' || model.modes.includes(draft.mode) ? draft.mode : 'text-to-video',
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

/** A video's settings as a draft: "use these settings", extend. The list is the user's own text, not a video's setting: the caller keeps it. */
export function draftFromVideo(video: Video, seedLocked = true): Omit<Draft, 'list'> {
  return {
    model: video.model,
    mode: video.mode === 'extend' ? 'text-to-video' : video.mode,
    prompt: video.story ? EMPTY_DRAFT.prompt : video.prompt ?? '',
    script: video.story ? scriptOf(video.story, video.seed) : EMPTY_DRAFT.script,
    negativePrompt: video.negative_prompt,
    seconds: video.seconds,
    size: video.size,
    fps: video.fps,
    seed: video.seed,
    seedLocked,
    steps: video.steps,
    guidance: video.guidance,
    variants: 1,
    remakeOf:
      video.story && video.status === 'completed'
        ? { id: video.id, title: video.story.title, shift: video.shift, sampler: video.sampler, audio: video.audio, pictures: shotImagePaths(video.story.shots) }
        : undefined,
  };
}

/**
 * A story video's script again: its title, seed and shots as the model was asked them (each character's
 * description in place of its name, so the cast is not needed), each with its own seed, so that a shot
 * added in between leaves the others as they were (and a remake keeps them).
 */
export function scriptOf(story: NonNullable<Video['story']>, seed: number, seeds: ReadonlyMap<number, number> = new Map()): string {
  const shot = (s: (typeof story.shots)[number]) => formatShotLine({ ...s, seed: seeds.get(s.index) ?? s.seed, text: s.prompt });
  return [`title: ${story.title}`, `seed: ${seed}`, 'shots:', ...story.shots.map(shot)].join('\n');
}

/**
 * A story film made again with shot `index` drawn anew (a new seed): a remake of the film (`reuse_video_id`), so
 * the other shots are kept and only that one, and the shots that continue it, are made and charged.
 */
export function redoShotRequest(video: Video, index: number, seed: number): StoryRequest {
  const { model, size, fps, steps, guidance, shift, sampler, audio, negative_prompt } = video;
  const script = scriptOf(video.story!, video.seed, new Map([[index, seed]]));
  return { script, model, size, fps, steps, guidance, shift, sampler, audio, negative_prompt: negative_prompt || undefined, reuse_video_id: video.id };
}

/** What "Copy settings" puts on the clipboard: the create request that makes this video again (a story's: its POST /v1/stories request). */
export function settingsJson(video: Video): string {
  const { prompt, negative_prompt, model, seconds, size, fps, seed, steps, guidance, shift, sampler } = video;
  if (video.story) return JSON.stringify({ script: scriptOf(video.story, seed), negative_prompt, model, size, fps, steps, guidance, shift, sampler }, null, 2);
  return JSON.stringify({ prompt, negative_prompt, model, seconds, size, fps, seed, steps, guidance, shift, sampler }, null, 2);
}

export function parseDraft(value: unknown): Draft {
  if (!value || typeof value !== 'object') return EMPTY_DRAFT;
  const v = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const modes: CreateMode[] = ['text-to-video', 'image-to-video', 'first-last-frame', 'extend', 'story', 'list'];
  return {
    model: str(v.model),
    mode: modes.includes(v.mode as CreateMode) ? (v.mode as CreateMode) : 'text-to-video',
    prompt: str(v.prompt) ?? EMPTY_DRAFT.prompt,
    script: str(v.script) ?? EMPTY_DRAFT.script,
    list: str(v.list) ?? '',
    negativePrompt: str(v.negativePrompt) ?? '',
    seconds: str(v.seconds),
    size: str(v.size),
    fps: num(v.fps),
    seed: num(v.seed) ?? randomSeed(),
    seedLocked: v.seedLocked === true,
    steps: num(v.steps),
    guidance: num(v.guidance),
    extendId: str(v.extendId),
    variants: (VARIANT_CHOICES as readonly number[]).includes(v.variants as number) ? (v.variants as number) : 1,
    remakeOf: parseRemake(v.remakeOf),
  };
}

function parseRemake(value: unknown): Draft['remakeOf'] {
  const v = value as { id?: unknown; title?: unknown; shift?: unknown; sampler?: unknown; audio?: unknown; pictures?: unknown } | undefined;
  if (typeof v?.id !== 'string' || typeof v.title !== 'string' || typeof v.shift !== 'number' || (v.sampler !== 'euler' && v.sampler !== 'heun') || typeof v.audio !== 'boolean') return undefined;
  // A draft saved before the studio knew a film's pictures asks for them all, as it did then.
  const pictures = Array.isArray(v.pictures) ? v.pictures.filter((p): p is string => typeof p === 'string') : [];
  return { id: v.id, title: v.title, shift: v.shift, sampler: v.sampler, audio: v.audio, pictures };
}
