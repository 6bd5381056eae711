/**
 * A create request → the exact settings the job will run with (`JobParams` minus inputs), checked in full
 * before anything is charged or queued: a request that would fail in the worker fails here with a 400
 * naming the field instead. The engine's own `resolveSettings` does the numeric checks and fills the
 * model's defaults (the seed included, so retries and remixes reproduce the clip); the service adds what
 * an API needs on top: sizes from the model's list (never rounded), its duration limit, prompt limits.
 */
import { CinesimError, ERRORS, rephrased } from '../../errors.ts';
import type { ConditioningMode } from '../../engine/conditioning.ts';
import { latentFrameCount } from '../../engine/latents.ts';
import { resolveSettings } from '../../engine/request.ts';
import { encodePrompt } from '../../engine/tokenizer.ts';
// The script and plan modules only: src/story's film maker would load the engine into the HTTP thread.
import { uploadablePath } from '../../story/pictures.ts';
import { planStory, type StoryPlan } from '../../story/plan.ts';
import type { FilmSettings } from '../../story/record.ts';
import { parseStory } from '../../story/script.ts';
import type { ServerConfig } from '../config.ts';
import type { ServedModel } from '../models/catalog.ts';
import type { JobParams } from '../queue/types.ts';

/** The generation fields of a create request, parsed (numbers are numbers). */
export interface GenerationFields {
  readonly prompt: string;
  readonly negative_prompt?: string;
  readonly seconds?: number;
  readonly size?: string;
  readonly fps?: number;
  readonly seed?: number;
  readonly steps?: number;
  readonly guidance?: number;
  readonly shift?: number;
  readonly sampler?: 'euler' | 'heun';
  readonly audio?: boolean;
}

export type PlannedParams = Omit<JobParams, 'inputs'>;

/** The API's names of the engine's conditioning modes. */
export const MODE_NAMES: Readonly<Record<ConditioningMode, 'text-to-video' | 'image-to-video' | 'first-last-frame' | 'extend'>> = {
  none: 'text-to-video',
  firstFrame: 'image-to-video',
  firstLast: 'first-last-frame',
  prefix: 'extend',
};

/** Frames an extension keeps from the video it continues: one latent frame's worth after the first. */
export function extensionPrefixFrames(model: ServedModel): number {
  return 1 + model.manifest.vae.temporalCompression;
}

export function planGeneration(model: ServedModel, fields: GenerationFields, mode: ConditioningMode, limits: ServerConfig['limits']): PlannedParams {
  checkText('prompt', fields.prompt, limits.maxPromptChars, true);
  if (fields.negative_prompt !== undefined) checkText('negative_prompt', fields.negative_prompt, limits.maxPromptChars, false);
  if (!model.modes.includes(mode)) {
    throw invalid('mode', `model '${model.name}' cannot do ${MODE_NAMES[mode]}; it does ${model.modes.map((m) => MODE_NAMES[m]).join(', ')}`);
  }
  const size = fields.size === undefined ? undefined : checkSize(model, fields.size);
  if (fields.seconds !== undefined && fields.seconds > limits.maxSeconds) {
    throw invalid('seconds', `seconds must be at most ${limits.maxSeconds} on this server, got ${fields.seconds}`);
  }
  if (fields.steps !== undefined && fields.steps > limits.maxSteps) {
    throw invalid('steps', `steps must be at most ${limits.maxSteps} on this server, got ${fields.steps}`);
  }
  const settings = resolveSettings(
    {
      prompt: fields.prompt,
      negativePrompt: fields.negative_prompt,
      seed: fields.seed,
      steps: fields.steps,
      guidance: fields.guidance,
      shift: fields.shift,
      sampler: fields.sampler,
      width: size?.width,
      height: size?.height,
      fps: fields.fps,
      seconds: fields.seconds ?? model.defaultSeconds,
    },
    model.manifest,
  );
  encodePrompt(model.tokenizer, settings.prompt); // unknown words fail now, with suggestions; so does a prompt of nothing
  if (settings.negativePrompt !== '') renamingParam('negative_prompt', () => model.tokenizer.encode(settings.negativePrompt));
  checkLengthForMode(model, mode, settings.frames);
  return {
    prompt: settings.prompt,
    negativePrompt: settings.negativePrompt,
    seed: settings.seed,
    steps: settings.steps,
    guidance: settings.guidance,
    shift: settings.shift,
    sampler: settings.sampler,
    width: settings.width,
    height: settings.height,
    fps: settings.fps,
    frames: settings.frames,
    seconds: settings.seconds,
    mode,
    audio: fields.audio ?? true,
  };
}

/** A story request: the script and the settings every shot shares. */
export interface StoryFields extends Omit<GenerationFields, 'prompt' | 'seconds'> {
  readonly script: string;
  /** The pictures uploaded for the script's `image` shots, by path as the script writes it. */
  readonly images?: Readonly<Record<string, unknown>>;
}

/** A story job's params, but its inputs: the film's, with the planned shots. */
export type PlannedStory = PlannedParams & { readonly story: StoryPlan };

/** Shots one story may have on a server, and characters its script may have. */
export const MAX_STORY_SHOTS = 24;
export const MAX_SCRIPT_CHARS = 20_000;

/**
 * A story request → its job's params: the script parsed and planned (src/story; every mistake named by its
 * line), then every shot checked as a video request of its own (size, length within the server's limit,
 * steps, a continued shot or one that opens on a picture as image-to-video, every picture uploaded or, in a
 * remake, `kept` from the earlier film), so a film that would fail at its fifth shot fails here. The job is the
 * film: its prompt the title, its seconds the film's (what is charged), its seed the story's.
 */
export function planStoryGeneration(
  model: ServedModel,
  fields: StoryFields,
  limits: ServerConfig['limits'],
  kept: ReadonlySet<string> = new Set(),
): PlannedStory {
  checkText('script', fields.script, MAX_SCRIPT_CHARS, true);
  const script = parseStory(fields.script, 'script');
  if (script.shots.length > MAX_STORY_SHOTS) {
    throw invalid('script', `the script has ${script.shots.length} shots; this server makes at most ${MAX_STORY_SHOTS} per story`);
  }
  const fps = fields.fps ?? model.manifest.formats.fps;
  const size = fields.size === undefined ? undefined : checkSize(model, fields.size);
  // The engine's own checks of a request: a length at this size and frame rate, a seed (else a random one).
  const resolve = (request: { seconds?: number; seed?: number }) => resolveSettings({ prompt: '', ...request, fps, width: size?.width, height: size?.height }, model.manifest);
  const plan = planStory(
    script,
    { tokenizer: model.tokenizer, defaultSeconds: model.defaultSeconds, checkSeconds: (seconds) => void resolve({ seconds }) },
    // The script's own seed line wins, as in `cinesim story`: a studio sends a seed with every request.
    { seed: resolve({ seed: script.seed ?? fields.seed }).seed, fps },
  );
  const shots = plan.shots.map((shot) => {
    const mode: ConditioningMode = shot.transition === 'continue' || shot.image !== undefined ? 'firstFrame' : 'none';
    try {
      return planGeneration(model, { ...fields, prompt: shot.prompt, seconds: shot.seconds, seed: shot.seed }, mode, limits);
    } catch (error) {
      throw rephrased(error, { prefix: `script:${shot.line}: `, param: 'script' });
    }
  });
  checkStoryImages(plan, Object.keys(fields.images ?? {}), kept);
  const [first] = shots;
  return {
    ...first,
    prompt: plan.title,
    seed: plan.seed,
    seconds: plan.seconds,
    frames: Math.round(plan.seconds * first.fps) + 1,
    mode: 'none',
    story: plan,
  };
}

/** What a story job's shots share, as src/story keys them: the worker makes the film with it, and a remake is priced by it. */
export function filmSettingsOf(p: PlannedParams): FilmSettings {
  return { width: p.width, height: p.height, fps: p.fps, steps: p.steps, guidance: p.guidance, shift: p.shift, sampler: p.sampler, negativePrompt: p.negativePrompt, audio: p.audio };
}

/**
 * Every picture an `image` shot names is uploaded (`images[<path>]`, the path as the script writes it; a JSON body
 * has none) or, in a remake, one the earlier film opened a shot on (`kept`, by path); and every upload is a
 * picture a shot names.
 */
function checkStoryImages(plan: StoryPlan, uploaded: readonly string[], kept: ReadonlySet<string>): void {
  for (const shot of plan.shots) {
    if (shot.image !== undefined && !uploadablePath(shot.image)) {
      throw invalid('script', `script:${shot.line}: ${shot.image}: a picture sent over the API cannot have [ or ] in its path; rename the file`);
    }
    if (shot.image === undefined || uploaded.includes(shot.image) || kept.has(shot.image)) continue;
    throw invalid('script', `script:${shot.line}: ${shot.image} was not uploaded; send it as images[${shot.image}] (multipart/form-data)`);
  }
  const named = new Set(plan.shots.map((shot) => shot.image));
  const extra = uploaded.find((path) => !named.has(path));
  if (extra !== undefined) throw invalid(`images[${extra}]`, `images[${extra}]: no shot of the script opens on ${extra}`);
}

/** A story's pictures by the shot that opens on each (shots may share one): what src/story keys shots by and makes them from. */
export function picturesByShot<T>(plan: Pick<StoryPlan, 'shots'>, pictureOf: (path: string) => T): Map<number, T> {
  return new Map(plan.shots.flatMap((shot) => (shot.image === undefined ? [] : [[shot.index, pictureOf(shot.image)] as const])));
}

function checkText(param: string, text: string, maxChars: number, required: boolean): void {
  if (required && text.trim() === '') throw new CinesimError(ERRORS.PROMPT_INVALID, `${param} must not be empty`, { param });
  if (text.length > maxChars) {
    throw new CinesimError(ERRORS.PROMPT_INVALID, `${param} is ${text.length} characters; this server takes at most ${maxChars}`, { param });
  }
}

function checkSize(model: ServedModel, value: string): { width: number; height: number } {
  const allowed = model.sizes.map((s) => `${s.width}x${s.height}`);
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(value.trim());
  const found = match && model.sizes.find((s) => s.width === Number(match[1]) && s.height === Number(match[2]));
  if (!found) throw invalid('size', `size must be one of ${allowed.join(', ')} for model '${model.name}', got '${value}'`);
  return found;
}

function checkLengthForMode(model: ServedModel, mode: ConditioningMode, frames: number): void {
  const tc = model.manifest.vae.temporalCompression;
  const latentFrames = latentFrameCount(frames, tc);
  if (mode === 'firstLast' && latentFrames < 2) {
    throw invalid('seconds', `first + last frame needs a clip of at least ${(1 + tc) / model.manifest.formats.fps} s`);
  }
  if (mode === 'prefix' && latentFrames <= latentFrameCount(extensionPrefixFrames(model), tc)) {
    throw invalid('seconds', `an extension keeps ${extensionPrefixFrames(model)} frames of the earlier video; make the clip longer than that`);
  }
}

function renamingParam(param: string, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    throw rephrased(error, { prefix: `${param}: `, param });
  }
}

function invalid(param: string, message: string): CinesimError {
  return new CinesimError(ERRORS.INVALID_ARGUMENT, message, { param });
}
