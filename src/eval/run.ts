/**
 * `runEval`: a video model measured on the fixed suite. For every suite entry (in order, the first
 * `limit` when given):
 *
 *   1 generate the prompt with the entry's seed → 2 render the entry's scene with the same seed (and with
 *   another seed, for the Fréchet floor) → 3 probe all three → 4 score adherence of generated and rendered
 *   → 5 flicker of both → 6 the rendered clip through the VAE (first `vaeClips` entries, default all):
 *   reconstruction PSNR/SSIM, and what the probe still reads in it — the most a generator of these latents
 *   could score
 *
 * then the Fréchet distances over the collected probe features. Everything is deterministic given the
 * suite, the model and the settings.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  resolveSettings,
  throwIfAborted,
  VideoPipeline,
  type Device,
  type GenerateResult,
  type Logger,
  type ResolveModelOptions,
  type SamplerName,
} from '../engine/index.ts';
import type { VideoFrames } from '../media/frames.ts';
import { renderClip } from '../world/render.ts';
import type { ClipFormat } from '../world/spec.ts';
import { checkStated, readValues, scoreGroup, statedValues, summarizeAdherence, type ValueCheck } from './adherence.ts';
import { featureStats, frechetDistance } from './frechet.ts';
import { flicker, mean, psnr, ssim } from './metrics.ts';
import { Probe } from './probe.ts';
import { blurToPsnr } from './softness.ts';
import { LANGUAGES, type Language } from '../world/vocabulary.ts';
import {
  BINDING_NOTE,
  checkTargets,
  REPORT_FORMAT_VERSION,
  type AdherencePair,
  type ClipOutcome,
  type ClipResult,
  type EvalReport,
  type EvalSettings,
} from './report.ts';
import { DEFAULT_SUITE, loadSuite, type LoadedEntry, type Suite } from './suite.ts';

export const DEFAULT_EVAL_MODEL = 'shapes-64';
export const DEFAULT_PROBE = 'probe-shapes';
/**
 * Rendered clips put through the VAE: all of them by default, so the adherence the VAE lets through sits
 * beside the generated clips' on the same prompts (it costs about a fifth of generating them).
 */
export const DEFAULT_VAE_CLIPS = Number.POSITIVE_INFINITY;

export interface EvalProgress {
  /** Suite entries generated so far (the bulk of the work), and their count. */
  readonly done: number;
  readonly total: number;
  readonly id: string;
}

/** What every suite evaluation (`cinesim eval`, `cinesim eval modes`) is told: models, suite, sampling, runtime. */
export interface EvalRunOptions {
  /** Video model name or folder; default shapes-64. */
  readonly model?: string;
  /** Probe name or folder; default probe-shapes. */
  readonly probe?: string;
  /** Suite name or .json path; default shapes-v1. */
  readonly suite?: string;
  /** Sampling settings; default the model's. */
  readonly steps?: number;
  readonly guidance?: number;
  readonly shift?: number;
  readonly sampler?: SamplerName;
  readonly threads?: number;
  readonly device?: Device;
  readonly logger?: Logger;
  readonly models?: ResolveModelOptions;
  readonly signal?: AbortSignal;
}

export interface EvalOptions extends EvalRunOptions {
  /** Only the first N entries (the suite's order keeps its proportions). */
  readonly limit?: number;
  readonly vaeClips?: number;
  readonly onProgress?: (progress: EvalProgress) => void;
}

/** Entries generated, rendered and probed together (the probe runs them as one batch). */
const BATCH = 8;

/** What one entry's clips gave: adherence checks, features, flicker, VAE figures, generation time. */
interface EntryOutcome {
  readonly entry: LoadedEntry;
  readonly generated: readonly ValueCheck[];
  readonly rendered: readonly ValueCheck[];
  /** What the probe read in each clip, for the per-clip report. */
  readonly read: { readonly generated: readonly string[]; readonly rendered: readonly string[] };
  readonly features: { readonly generated: Float32Array; readonly rendered: Float32Array; readonly reference: Float32Array };
  readonly flicker: { readonly generated: number; readonly rendered: number };
  /** The round trip's reconstruction and readings, and the readings of the clip blurred to the same PSNR (softness.ts). */
  readonly vae?: { readonly psnr: number; readonly ssim: number; readonly checks: readonly ValueCheck[]; readonly blurredChecks: readonly ValueCheck[] };
  readonly generationMs: number;
}

/** What every batch needs. */
interface EvalContext {
  readonly pipe: VideoPipeline;
  readonly probe: Probe;
  readonly settings: EvalSettings;
  readonly vaeClips: number;
  readonly signal: AbortSignal | undefined;
  /** After each generated clip, with its index in the run. */
  readonly generatedClip: (index: number, id: string) => void;
}

export async function runEval(options: EvalOptions = {}): Promise<EvalReport> {
  const t0 = performance.now();
  const { names, suite, pipe, probe, close } = await openEvalModels(options);
  const entries = options.limit === undefined ? suite.entries : suite.entries.slice(0, options.limit);
  try {
    const ctx: EvalContext = {
      pipe,
      probe,
      settings: evalSettings(pipe, options),
      vaeClips: options.vaeClips ?? DEFAULT_VAE_CLIPS,
      signal: options.signal,
      generatedClip: (index, id) => options.onProgress?.({ done: index + 1, total: entries.length, id }),
    };
    const outcomes: EntryOutcome[] = [];
    for (let start = 0; start < entries.length; start += BATCH) {
      const batch = entries.slice(start, start + BATCH);
      outcomes.push(...(await evaluateBatch(ctx, batch, start)));
    }
    const generationSeconds = outcomes.reduce((sum, o) => sum + o.generationMs, 0) / 1000;
    return buildReport({
      outcomes,
      settings: ctx.settings,
      loaded: { model: { name: pipe.manifest.name, dir: pipe.dir }, probe: { name: probe.manifest.name, dir: probe.dir } },
      suite: { name: suite.name, limit: options.limit ?? null },
      seconds: { total: (performance.now() - t0) / 1000, perClip: generationSeconds / Math.max(outcomes.length, 1) },
      command: reproduceCommand(names, ctx.settings, options),
    });
  } finally {
    await close();
  }
}

/** The model, probe and suite a run names, defaults filled in. */
export interface EvalNames {
  readonly model: string;
  readonly probe: string;
  readonly suite: string;
}

/** What an evaluation run reads: the suite, the video model and the probe; `close` frees the sessions. */
export interface EvalModels {
  readonly names: EvalNames;
  readonly suite: Suite;
  readonly pipe: VideoPipeline;
  readonly probe: Probe;
  close(): Promise<void>;
}

/** Loads the suite and both models (warning when the suite's held-out rules are not the model's). */
export async function openEvalModels(options: EvalRunOptions): Promise<EvalModels> {
  const names = { model: options.model ?? DEFAULT_EVAL_MODEL, probe: options.probe ?? DEFAULT_PROBE, suite: options.suite ?? DEFAULT_SUITE };
  const suite = await loadSuite(names.suite);
  const loadOptions = { threads: options.threads, device: options.device, logger: options.logger, models: options.models };
  const pipe = await VideoPipeline.load(names.model, loadOptions);
  let probe: Probe;
  try {
    probe = await Probe.load(names.probe, loadOptions);
  } catch (error) {
    await pipe.dispose();
    throw error;
  }
  warnOnHeldOutMismatch(pipe, suite.heldOutRules, options.logger);
  return { names, suite, pipe, probe, close: async () => void (await Promise.all([pipe.dispose(), probe.dispose()])) };
}

/** Stages 1–6 for a few entries; `start` is the first one's index in the suite. */
async function evaluateBatch(ctx: EvalContext, batch: readonly LoadedEntry[], start: number): Promise<EntryOutcome[]> {
  const { settings, probe } = ctx;
  // 1 generate, with the entry's seed
  const generated: GenerateResult[] = [];
  for (const entry of batch) {
    throwIfAborted(ctx.signal);
    generated.push(await ctx.pipe.generate({ ...settings, prompt: entry.prompt, seed: entry.seed }, { signal: ctx.signal }));
    ctx.generatedClip(start + generated.length - 1, entry.id);
  }
  // 2 render the same scenes with the same seeds, and with other seeds (the Fréchet floor)
  const format: ClipFormat = { width: settings.width, height: settings.height, fps: settings.fps, frames: settings.frames };
  const rendered = batch.map((e) => renderClip(e.spec, format, e.seed).video);
  const reference = batch.map((e) => renderClip(e.spec, format, referenceSeed(e.seed)).video);
  // 6 (first, so the probe reads it with the rest) the rendered clips through the VAE
  const decoded: VideoFrames[] = [];
  for (const clip of rendered.slice(0, Math.max(0, ctx.vaeClips - start))) decoded.push(await throughVae(ctx.pipe, clip));
  const vaePsnr = decoded.map((d, k) => psnr(rendered[k], d));
  const blurred = decoded.map((_, k) => blurToPsnr(rendered[k], vaePsnr[k]).video);
  // 3 probe all of them, batched
  const n = batch.length;
  const readings = await probe.readMany([...generated.map((g) => g.video), ...rendered, ...reference, ...decoded, ...blurred]);
  // 4–6 per entry: adherence, flicker, VAE reconstruction
  const outcomes: EntryOutcome[] = [];
  for (const [k, entry] of batch.entries()) {
    const stated = statedValues(entry.said);
    const vae = decoded[k] && {
      psnr: vaePsnr[k],
      ssim: ssim(rendered[k], decoded[k]),
      checks: checkStated(stated, readings[3 * n + k], probe.heads),
      blurredChecks: checkStated(stated, readings[3 * n + decoded.length + k], probe.heads),
    };
    outcomes.push({
      entry,
      generated: checkStated(stated, readings[k], probe.heads),
      rendered: checkStated(stated, readings[n + k], probe.heads),
      read: { generated: readValues(readings[k], probe.heads), rendered: readValues(readings[n + k], probe.heads) },
      features: { generated: readings[k].features, rendered: readings[n + k].features, reference: readings[2 * n + k].features },
      flicker: { generated: flicker(generated[k].video), rendered: flicker(rendered[k]) },
      vae,
      generationMs: generated[k].timings.total,
    });
  }
  return outcomes;
}

/** The full sampling settings the run uses: the options over the model's defaults, its default size and length. */
export function evalSettings(pipe: VideoPipeline, options: Pick<EvalOptions, 'steps' | 'guidance' | 'shift' | 'sampler'>): EvalSettings {
  const { formats } = pipe.manifest;
  const s = resolveSettings(
    {
      prompt: '',
      seed: 0,
      steps: options.steps,
      guidance: options.guidance,
      shift: options.shift,
      sampler: options.sampler,
      width: formats.defaultSize[0],
      height: formats.defaultSize[1],
      fps: formats.fps,
      frames: formats.frames,
    },
    pipe.manifest,
  );
  return { steps: s.steps, guidance: s.guidance, shift: s.shift, sampler: s.sampler, width: s.width, height: s.height, frames: s.frames, fps: s.fps };
}

/** "Held-out" means unseen only when the model was trained without the suite's held-out rules. */
export function warnOnHeldOutMismatch(pipe: VideoPipeline, suiteRules: readonly unknown[], logger: Logger | undefined): void {
  const trained = pipe.manifest.training?.heldOut;
  if (trained !== undefined && !isDeepStrictEqual(trained, suiteRules)) {
    logger?.warn(
      `${pipe.manifest.name} was trained without ${JSON.stringify(trained)}, the suite holds out ${JSON.stringify(suiteRules)}: ` +
        'its held-out figures may include combinations the model saw',
    );
  }
}

/** A different, fixed layout seed for the rendered-vs-rendered Fréchet floor. */
function referenceSeed(seed: number): number {
  return (seed + 1) % 2 ** 31;
}

/** A clip (or an image) through the model's VAE and back, 8-bit as every delivered clip. */
export async function throughVae(pipe: VideoPipeline, video: VideoFrames): Promise<VideoFrames> {
  const { vaeEncoder, vaeDecoder } = pipe.components;
  return vaeDecoder.decode(await vaeEncoder.encode(video), { fps: video.fps });
}

/** The `cinesim eval` command line that reproduces a run, every sampling setting spelled out. */
function reproduceCommand(names: EvalNames, s: EvalSettings, options: EvalOptions): string {
  const parts = ['node bin/cinesim.mjs eval', modelFlags(names), samplingFlags(s)];
  if (options.limit !== undefined) parts.push(`--limit ${options.limit}`);
  if (options.vaeClips !== undefined && Number.isFinite(options.vaeClips)) parts.push(`--vae-clips ${options.vaeClips}`);
  return parts.join(' ');
}

/** The flags that name a run's models and suite, as a command line spells them. */
export function modelFlags(names: EvalNames): string {
  return `--model ${names.model} --probe ${names.probe} --suite ${names.suite}`;
}

/** Every sampling setting spelled out, so a command reproduces the run even if the model's defaults change. */
export function samplingFlags(s: EvalSettings): string {
  return `--steps ${s.steps} --guidance ${s.guidance} --shift ${s.shift} --sampler ${s.sampler}`;
}

interface ReportInputs {
  readonly outcomes: readonly EntryOutcome[];
  readonly settings: EvalSettings;
  /** The loaded models' own names (the command may have named folders) and folders. */
  readonly loaded: { readonly model: EvalReport['model']; readonly probe: EvalReport['probe'] };
  readonly suite: { readonly name: string; readonly limit: number | null };
  readonly seconds: { readonly total: number; readonly perClip: number };
  readonly command: string;
}

function buildReport(r: ReportInputs): EvalReport {
  const { outcomes } = r;
  const heldOut = outcomes.filter((o) => o.entry.heldOut !== null).length;
  const { generated, rendered } = adherenceOf(outcomes);
  const byLanguage = Object.fromEntries(LANGUAGES.map((l) => [l, adherenceOf(outcomes.filter((o) => o.entry.lang === l))])) as Record<Language, AdherencePair>;
  const vaeOutcomes = outcomes.filter((o) => o.vae);
  const vae = vaeOutcomes.map((o) => o.vae!);
  const frechet = (a: 'generated' | 'reference') =>
    outcomes.length < 2
      ? null
      : frechetDistance(featureStats(outcomes.map((o) => o.features[a])), featureStats(outcomes.map((o) => o.features.rendered)));
  const clips = outcomes.map(
    (o): ClipResult => ({
      id: o.entry.id,
      prompt: o.entry.prompt,
      lang: o.entry.lang,
      heldOut: o.entry.heldOut !== null,
      seed: o.entry.seed,
      generated: outcomeOf(o.generated, o.read.generated),
      rendered: outcomeOf(o.rendered, o.read.rendered),
      flicker: o.flicker,
      ...(o.vae && { vae: { psnr: o.vae.psnr, ssim: o.vae.ssim, usable: o.vae.checks.every((c) => c.correct) } }),
    }),
  );
  return {
    formatVersion: REPORT_FORMAT_VERSION,
    date: new Date().toISOString(),
    command: r.command,
    model: r.loaded.model,
    probe: r.loaded.probe,
    suite: { name: r.suite.name, clips: outcomes.length, seen: outcomes.length - heldOut, heldOut, limit: r.suite.limit },
    settings: r.settings,
    seconds: r.seconds,
    adherence: { generated, rendered, byLanguage },
    vae: {
      clips: vae.length,
      psnr: orNull(mean(vae.map((v) => v.psnr))),
      ssim: orNull(mean(vae.map((v) => v.ssim))),
      adherence:
        vaeOutcomes.length === 0
          ? null
          : {
              rendered: scoreGroup(vaeOutcomes.map((o) => o.rendered)),
              throughVae: scoreGroup(vaeOutcomes.map((o) => o.vae!.checks)),
              blurred: scoreGroup(vaeOutcomes.map((o) => o.vae!.blurredChecks)),
              generated: scoreGroup(vaeOutcomes.map((o) => o.generated)),
            },
    },
    flicker: {
      generated: orNull(mean(outcomes.map((o) => o.flicker.generated))),
      rendered: orNull(mean(outcomes.map((o) => o.flicker.rendered))),
    },
    frechet: { clips: outcomes.length, generatedVsRendered: frechet('generated'), renderedVsRendered: frechet('reference') },
    targets: checkTargets(generated),
    notes: [
      BINDING_NOTE,
      'Adherence scores only what a prompt states; values it leaves to their defaults (medium, plain, static) are not scored.',
    ],
    clips,
  };
}

function adherenceOf(outcomes: readonly EntryOutcome[]): AdherencePair {
  const of = (kind: 'generated' | 'rendered') =>
    summarizeAdherence(outcomes.map((o) => ({ heldOut: o.entry.heldOut !== null, checks: o[kind] })));
  return { generated: of('generated'), rendered: of('rendered') };
}

function outcomeOf(checks: readonly ValueCheck[], read: readonly string[]): ClipOutcome {
  const missed = checks.filter((c) => !c.correct).map((c) => `${c.attribute}=${c.value}`);
  return { usable: missed.length === 0, missed, read };
}

function orNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}
