/**
 * Text/image-to-video generation: the model's four graphs, the flow-matching sampler and guidance put
 * together. `generate` reads as a recipe of numbered stages, each a named method:
 *
 *   1 validate → 2 encodeConditioning → 3 encodeText → 4 buildSchedule → 5 initLatents → 6 denoise → 7 decode
 *
 * Everything checkable is checked in stage 1, before any graph runs (sizes, lengths, prompt words).
 *
 * @example
 *   const pipe = await VideoPipeline.load('shapes-64');
 *   const { video, seed, timings } = await pipe.generate({ prompt: 'a red ball bounces', seconds: 2 });
 *   // video: VideoFrames 64x64, 17 frames at 8 fps; latentShape [1, 8, 5, 16, 16]
 *   await pipe.dispose();
 */
import { join } from 'node:path';
import { CinesimError, ERRORS } from '../errors.ts';
import type { VideoFrames } from '../media/frames.ts';
import { Rng } from '../util/random.ts';
import { checkPassSize } from './budget.ts';
import { throwIfAborted } from './cancel.ts';
import {
  buildConditioning,
  checkConditioning,
  keepGivenFrames,
  NO_CONDITIONING,
  type ConditioningTarget,
  type ConditioningTensors,
} from './conditioning.ts';
import { GuidedDenoiser, needsUnconditional, type GuidanceBatching } from './guidance.ts';
import { latentSize, makeLatents, type LatentShape, type Latents } from './latents.ts';
import type { Logger } from './log.ts';
import { loadManifest, requireKind, resolveModel, type ResolveModelOptions, type VideoManifest } from './manifest.ts';
import { Session, type Device } from './ort.ts';
import { latentShapeFor, resolveSettings, type GenerateRequest, type GenerateSettings } from './request.ts';
import { FlowMatchScheduler } from './schedulers/flow-match.ts';
import { PromptEncoder, UNCONDITIONAL_TOKENS, type TextEmbeddings } from './text.ts';
import { encodePrompt, Tokenizer } from './tokenizer.ts';
import { Transformer } from './transformer.ts';
import { VaeDecoder, VaeEncoder } from './vae.ts';

/** What the pipeline needs of a tokenizer: prompt → ids, `<bos>` first; unknown words throw PROMPT_UNKNOWN_WORDS. */
export interface PromptTokenizer {
  encode(text: string): number[];
}

export interface VideoPipelineOptions {
  readonly device?: Device;
  readonly threads?: number;
  readonly logger?: Logger;
  /** Default: the model's own tokenizer, built from the manifest's vocabulary. */
  readonly tokenizer?: PromptTokenizer;
  /** How the two guidance branches run; default batched (one call of batch 2). */
  readonly guidanceBatching?: GuidanceBatching;
  /** Where model names are looked up. */
  readonly models?: ResolveModelOptions;
}

/** The separately exported parts of a video model, usable on their own (long-video, eval, tests). */
export interface VideoComponents {
  readonly tokenizer: PromptTokenizer;
  readonly textEncoder: PromptEncoder;
  readonly transformer: Transformer;
  readonly vaeEncoder: VaeEncoder;
  readonly vaeDecoder: VaeDecoder;
}

export type GenerateStage = 'encode' | 'denoise' | 'decode';

export interface GenerateProgress {
  readonly stage: GenerateStage;
  /** 1-based; for 'denoise' one per model evaluation (steps for Euler, 2·steps − 1 for Heun). */
  readonly step: number;
  readonly total: number;
}

export interface StepInfo {
  /** 1-based model evaluation index and their count. */
  readonly step: number;
  readonly total: number;
  /** σ of `latents`. */
  readonly sigma: number;
  /** The sample after this evaluation, [1, C, T, h, w]. Read-only: copy it to keep it. */
  readonly latents: Latents;
}

export interface GenerateHooks {
  readonly onProgress?: (progress: GenerateProgress) => void;
  readonly onStep?: (info: StepInfo) => void;
  /** Checked between steps and decoder chunks; aborting rejects with CinesimError(CANCELLED). */
  readonly signal?: AbortSignal;
}

/** Wall time per stage, ms. */
export interface StageTimings {
  readonly encode: number;
  readonly denoise: number;
  readonly decode: number;
  readonly total: number;
}

export interface GenerateResult {
  readonly video: VideoFrames;
  readonly seed: number;
  readonly settings: GenerateSettings;
  readonly timings: StageTimings;
  readonly latentShape: LatentShape;
}

/** Stage 1's output: everything later stages need, all checked. */
interface GenerationPlan {
  readonly settings: GenerateSettings;
  readonly request: GenerateRequest;
  readonly latentShape: LatentShape; // [1, C, T, h, w]
  /** [cond] or [cond, uncond] token lists, `<bos>` first. */
  readonly prompts: readonly (readonly number[])[];
}

const SESSION_NAMES = ['textEncoder', 'transformer', 'vaeEncoder', 'vaeDecoder'] as const;

export class VideoPipeline {
  readonly manifest: VideoManifest;
  /** The model folder. */
  readonly dir: string;
  readonly components: VideoComponents;
  private readonly sessions: readonly Session[];
  private readonly guidanceBatching: GuidanceBatching | undefined;
  private disposed = false;

  private constructor(
    dir: string,
    manifest: VideoManifest,
    components: VideoComponents,
    sessions: Session[],
    options: VideoPipelineOptions,
  ) {
    this.dir = dir;
    this.manifest = manifest;
    this.components = components;
    this.sessions = sessions;
    this.guidanceBatching = options.guidanceBatching;
  }

  /** Loads a model folder (path or name under `models/` / `CINESIM_MODELS`), creating its sessions in parallel. */
  static async load(modelDirOrName: string, options: VideoPipelineOptions = {}): Promise<VideoPipeline> {
    const dir = await resolveModel(modelDirOrName, options.models);
    const manifest = requireKind(await loadManifest(dir, { logger: options.logger }), 'video', dir);
    const tokenizer = options.tokenizer ?? new Tokenizer(manifest.tokenizer.vocabulary, manifest.tokenizer.maxTokens);
    const sessionOptions = { device: options.device, threads: options.threads, logger: options.logger };
    const created = await Promise.allSettled(
      SESSION_NAMES.map((name) => Session.create(join(dir, manifest.sessions[name]), sessionOptions)),
    );
    const sessions = created.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = created.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(sessions.map((s) => s.dispose())); // no half-loaded pipeline holding native memory
      throw failed.reason;
    }
    const [textEncoder, transformer, vaeEncoder, vaeDecoder] = sessions;
    const components: VideoComponents = {
      tokenizer,
      textEncoder: new PromptEncoder(textEncoder),
      transformer: new Transformer(transformer),
      vaeEncoder: new VaeEncoder(vaeEncoder, manifest.vae),
      vaeDecoder: new VaeDecoder(vaeDecoder, manifest.vae),
    };
    return new VideoPipeline(dir, manifest, components, sessions, options);
  }

  async generate(request: GenerateRequest, hooks: GenerateHooks = {}): Promise<GenerateResult> {
    const t0 = performance.now();

    // 1. validate: settings, sizes, prompt words; no graph has run yet
    const plan = this.validate(request);
    throwIfAborted(hooks.signal);

    // 2. encodeConditioning: given images / frames → cond_latents + cond_mask
    const cond = await this.encodeConditioning(plan);
    hooks.onProgress?.({ stage: 'encode', step: 1, total: 2 });

    // 3–6. encodeText, buildSchedule, initLatents, denoise
    const { latents, denoiseStart } = await this.sample(plan, cond, hooks, { step: 2, total: 2 });
    const t2 = performance.now();

    // 7. decode: chunk by chunk into RGB frames
    const video = await this.decode(latents, plan.settings, hooks);
    const t3 = performance.now();

    return {
      video,
      seed: plan.settings.seed,
      settings: plan.settings,
      timings: { encode: denoiseStart - t0, denoise: t2 - denoiseStart, decode: t3 - t2, total: t3 - t0 },
      latentShape: plan.latentShape,
    };
  }

  /**
   * Latents for a request whose known frames are already latents (long video chains chunks this way: the
   * tail of one chunk is the given head of the next). `cond` must have the request's latent shape. Stages
   * 1 and 3–6 of `generate`; the caller decodes.
   */
  async generateLatents(
    request: GenerateRequest,
    cond: ConditioningTensors,
    hooks: GenerateHooks = {},
  ): Promise<{ latents: Latents; settings: GenerateSettings }> {
    const plan = this.validate({ ...request, conditioning: NO_CONDITIONING });
    const [, c, t, h, w] = plan.latentShape;
    const got = cond.latents.shape;
    if (got[1] !== c || got[2] !== t || got[3] !== h || got[4] !== w) {
      throw new CinesimError(ERRORS.INTERNAL, `given latents are [${got.join(', ')}], the request's are [1, ${c}, ${t}, ${h}, ${w}]`);
    }
    const { latents } = await this.sample(plan, cond, hooks, { step: 1, total: 1 });
    return { latents, settings: plan.settings };
  }

  /** Stages 3–6: text, schedule, seeded noise and the guided denoising loop. Returns when denoising began. */
  private async sample(
    plan: GenerationPlan,
    cond: ConditioningTensors,
    hooks: GenerateHooks,
    encodeProgress: { step: number; total: number },
  ): Promise<{ latents: Latents; denoiseStart: number }> {
    if (this.disposed) throw new CinesimError(ERRORS.INTERNAL, 'this pipeline was disposed');
    const { settings, latentShape } = plan;

    // 3. encodeText: conditional (+ unconditional) prompt embeddings
    const text = await this.encodeText(plan);
    hooks.onProgress?.({ stage: 'encode', ...encodeProgress });
    const denoiseStart = performance.now();

    // 4. buildSchedule: σ from 1 to 0
    const scheduler = this.buildSchedule(settings);

    // 5. initLatents: seeded noise
    const noise = this.initLatents(settings.seed, latentShape);

    // 6. denoise: guided velocity, one scheduler step per evaluation
    const denoiser = new GuidedDenoiser(this.components.transformer, text, cond, {
      scale: settings.guidance,
      batching: this.guidanceBatching,
    });
    return { latents: await this.denoise(scheduler, denoiser, noise, cond, hooks), denoiseStart };
  }

  /** Releases the native sessions; the pipeline cannot generate afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.sessions.map((s) => s.dispose()));
  }

  // --- stages ------------------------------------------------------------------------------------------

  /** Stage 1: defaults and checks, tokenised prompts (unknown words fail here), conditioning sizes. */
  private validate(request: GenerateRequest): GenerationPlan {
    const settings = resolveSettings(request, this.manifest);
    const latentShape = latentShapeFor(settings, this.manifest);
    checkPassSize(this.manifest, { ...settings, latentFrames: latentShape[2] }); // this pass is the whole clip
    checkConditioning(request.conditioning ?? NO_CONDITIONING, this.conditioningTarget(settings, latentShape));
    const { tokenizer } = this.components;
    const cond = encodePrompt(tokenizer, settings.prompt);
    const uncond = settings.negativePrompt === '' ? UNCONDITIONAL_TOKENS : tokenizer.encode(settings.negativePrompt);
    const prompts = needsUnconditional(settings.guidance) ? [cond, uncond] : [cond];
    return { settings, request, latentShape, prompts };
  }

  /** Stage 3: one text-encoder call for the conditional and (when guided) unconditional prompt. */
  private encodeText(plan: GenerationPlan): Promise<TextEmbeddings> {
    return this.components.textEncoder.encode(plan.prompts);
  }

  /** Stage 2: the given images / frames as latents plus mask. */
  private encodeConditioning(plan: GenerationPlan): Promise<ConditioningTensors> {
    const cond = plan.request.conditioning ?? NO_CONDITIONING;
    return buildConditioning(cond, this.components.vaeEncoder, this.conditioningTarget(plan.settings, plan.latentShape));
  }

  /** Stage 4: a fresh scheduler per generation, so concurrent generations share no sampler state. */
  private buildSchedule(settings: GenerateSettings): FlowMatchScheduler {
    const scheduler = new FlowMatchScheduler({ shift: settings.shift, sampler: settings.sampler });
    scheduler.setTimesteps(settings.steps);
    return scheduler;
  }

  /** Stage 5: ε ~ N(0, 1) from the seed, in C-order [1, C, T, h, w]: the same seed gives the same noise anywhere. */
  private initLatents(seed: number, shape: LatentShape): Latents {
    return makeLatents(shape, new Rng(seed).fillNormal(new Float32Array(latentSize(shape))));
  }

  /** Stage 6: one guided velocity per scheduler evaluation, from σ = 1 (the noise) to σ = 0. */
  private async denoise(
    scheduler: FlowMatchScheduler,
    denoiser: GuidedDenoiser,
    noise: Latents,
    cond: ConditioningTensors,
    hooks: GenerateHooks,
  ): Promise<Latents> {
    const total = scheduler.timesteps.length;
    let sample = noise.data; // x at σ = 1 is the noise itself
    for (let i = 0; i < total; i++) {
      throwIfAborted(hooks.signal);
      const velocity = await denoiser.velocity(makeLatents(noise.shape, sample), scheduler.timesteps[i]);
      sample = scheduler.step(velocity, i, sample);
      const sigma = scheduler.sigmaAfter(i);
      keepGivenFrames(sample, cond, noise.data, sigma);
      hooks.onStep?.({ step: i + 1, total, sigma, latents: makeLatents(noise.shape, sample) });
      hooks.onProgress?.({ stage: 'denoise', step: i + 1, total });
    }
    return makeLatents(noise.shape, sample);
  }

  /** Stage 7: chunked causal decode to uint8 RGB. */
  private decode(latents: Latents, settings: GenerateSettings, hooks: GenerateHooks): Promise<VideoFrames> {
    return this.components.vaeDecoder.decode(latents, {
      chunk: settings.decodeChunk,
      fps: settings.fps,
      signal: hooks.signal,
      onChunk: (done, total) => hooks.onProgress?.({ stage: 'decode', step: done, total }),
    });
  }

  private conditioningTarget(settings: GenerateSettings, latentShape: LatentShape): ConditioningTarget {
    return {
      width: settings.width,
      height: settings.height,
      latentShape,
      temporalCompression: this.manifest.vae.temporalCompression,
    };
  }
}
