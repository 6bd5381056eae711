/**
 * `runModesEval`: the generation modes users expect, measured on a fixed subset of the suite (its first
 * `limit` entries, so the seen / held-out and language mix is kept). Each measure is one function:
 *
 *   text-to-video  the subset at every size the model makes (aspect ratio; the default size is the baseline)
 *   i2v / flf      the rendered clip's first (and last) frame given → PSNR of those frames after decode, and
 *                  adherence of the clip (does the motion still follow the prompt)
 *   extend         the rendered clip's last frames continued, as `generate --extend` does → seam continuity
 *   long video     a few prompts for a minute → seam continuity at every chunk seam
 *   drift          a few prompts for five minutes → adherence of the first minute vs the last
 *   camera         the camera move given only by the structured control (withCamera), read by the probe
 *   reference      the entry's object rendered alone as the reference → the probe reads it in the clip
 *   sound sync     src/audio's own evaluation (impacts detected from frames vs the simulator's log)
 *
 * Every figure is deterministic given the suite, the model, the settings and the flags; rendered clips of
 * the same scenes bound what the probe can confirm.
 */
import {
  applyReferences,
  describeReference,
  REFERENCE_ATTRIBUTES,
  extendPrefixFrames,
  generateLongVideo,
  matchPrefixSeam,
  SEAM_MATCH_DEFAULTS,
  throwIfAborted,
  VideoPipeline,
  Probe,
  type Conditioning,
} from '../engine/index.ts';
import { concatVideos, sliceVideo, type VideoFrames } from '../media/frames.ts';
import { describePrompt, describeScene } from '../world/captions.ts';
import { isReadable } from '../world/contrast.ts';
import { renderClip } from '../world/render.ts';
import { aspectName } from '../util/aspect.ts';
import type { ClipFormat, SceneSpec } from '../world/spec.ts';
import { BACKGROUNDS, SOLID_BACKGROUNDS, type Background, type Color } from '../world/vocabulary.ts';
import { checkStated, scoreGroup, statedShare, statedValues, type StatedValue, type ValueCheck } from './adherence.ts';
import { frameSteps, mean, median, psnr, seamContinuity, type SeamContinuity } from './metrics.ts';
import {
  buildModesTargets,
  MODES_FORMAT_VERSION,
  type ModesFigures,
  type CameraFigures,
  type DriftFigures,
  type ExtendFigures,
  type KeyframeFigures,
  type LongFigures,
  type ModePart,
  type ModesReport,
  type ReferenceFigures,
  type ReferenceRates,
  type SeamFigures,
  type SizeFigures,
  type SyncResult,
  MODE_PARTS,
  MODES_DEFAULTS,
} from './modes-report.ts';
import type { EvalSettings } from './report.ts';
import { evalSettings, modelFlags, openEvalModels, samplingFlags, throughVae, type EvalNames, type EvalRunOptions } from './run.ts';
import type { LoadedEntry } from './suite.ts';

/** The first and last stretch of a drift video whose adherence is compared, at most. */
const DRIFT_EDGE_SECONDS = 60;

export interface ModesProgress {
  readonly part: string;
  readonly done: number;
  readonly total: number;
}

export interface ModesOptions extends EvalRunOptions {
  /** Suite entries measured (the first N); default 40. */
  readonly limit?: number;
  /** Which measures to run; default all. The default-size text-to-video baseline always runs. */
  readonly parts?: readonly ModePart[];
  /** Long video: the first `prompts` entries, `seconds` long each. */
  readonly long?: { readonly prompts: number; readonly seconds: number };
  /** Drift: the first `prompts` entries, `seconds` long each (the first vs the last minute). */
  readonly drift?: { readonly prompts: number; readonly seconds: number };
  /** Rendered clips src/audio's sound-sync evaluation runs on. */
  readonly syncClips?: number;
  readonly onProgress?: (progress: ModesProgress) => void;
}

/** What every measure needs. */
interface ModesContext {
  readonly pipe: VideoPipeline;
  readonly probe: Probe;
  readonly settings: EvalSettings;
  readonly entries: readonly LoadedEntry[];
  readonly signal: AbortSignal | undefined;
  readonly progress: (part: string, done: number, total: number) => void;
}

export async function runModesEval(options: ModesOptions = {}): Promise<ModesReport> {
  const t0 = performance.now();
  const limit = options.limit ?? MODES_DEFAULTS.limit;
  const long = options.long ?? MODES_DEFAULTS.long;
  const drift = options.drift ?? MODES_DEFAULTS.drift;
  const syncClips = options.syncClips ?? MODES_DEFAULTS.syncClips;
  const parts = new Set(options.parts ?? MODE_PARTS);
  const { names, suite, pipe, probe, close } = await openEvalModels(options);
  const entries = suite.entries.slice(0, limit);
  try {
    const ctx: ModesContext = {
      pipe,
      probe,
      settings: evalSettings(pipe, options),
      entries,
      signal: options.signal,
      progress: (part, done, total) => options.onProgress?.({ part, done, total }),
    };
    const when = <T>(part: ModePart, measure: () => Promise<T>) => (parts.has(part) ? measure() : Promise.resolve(null));
    // One after another: each measure uses every core.
    const { sizes, baseline } = await measureSizes(ctx, parts.has('aspect'));
    const measured = {
      firstFrame: await when('i2v', () => measureKeyframes(ctx, 'firstFrame')),
      firstLast: await when('flf', () => measureKeyframes(ctx, 'firstLast')),
      extend: await when('extend', () => measureExtend(ctx)),
      long: await when('long', () => measureLong(ctx, long)),
      drift: await when('drift', () => measureDrift(ctx, drift)),
      camera: await when('camera', () => measureCamera(ctx, baseline)),
      reference: await when('reference', () => measureReference(ctx)),
      sync: await when('sync', () => measureSync(syncClips)),
    };
    const heldOut = entries.filter((e) => e.heldOut !== null).length;
    const figures: ModesFigures = { ...measured, aspect: parts.has('aspect') ? { sizes } : null };
    return {
      formatVersion: MODES_FORMAT_VERSION,
      date: new Date().toISOString(),
      command: reproduceCommand(names, ctx.settings, { limit, long, drift, syncClips, parts: options.parts }),
      model: { name: pipe.manifest.name, dir: pipe.dir },
      probe: { name: probe.manifest.name, dir: probe.dir },
      suite: { name: suite.name, clips: entries.length, seen: entries.length - heldOut, heldOut, limit },
      settings: ctx.settings,
      seconds: (performance.now() - t0) / 1000,
      parts: MODE_PARTS.filter((p) => parts.has(p)),
      textToVideo: { generated: sizes[0].generated, rendered: sizes[0].rendered },
      ...figures,
      targets: buildModesTargets(figures),
      notes: NOTES,
    };
  } finally {
    await close();
  }
}

const NOTES = [
  'Reference subject is a text bridge: the probe reads the reference picture into shape, colour and texture, which are ' +
    'written into the prompt. Attributes transfer, not pixels.',
  'The camera control is a text bridge too: the model learned camera moves from caption words, so the flag becomes the ' +
    'canonical camera phrase (world/controls.ts).',
  'First/last-frame PSNR is mostly the VAE: the engine keeps given latents exactly, so the decoded frame differs from the ' +
    'given one by what the encoder and the causal decoder lose; the VAE-only column is that loss for the image alone.',
];

// --- text-to-video at every size (aspect ratio) ---------------------------------------------------------

/** Each entry's checks at the default size: what the camera measure compares with. */
interface Baseline {
  readonly generated: readonly (readonly ValueCheck[])[];
  readonly rendered: readonly (readonly ValueCheck[])[];
}

/** The subset generated and rendered at the default size, then (with `allSizes`) at the model's other sizes. */
async function measureSizes(ctx: ModesContext, allSizes: boolean): Promise<{ sizes: SizeFigures[]; baseline: Baseline }> {
  const { formats } = ctx.pipe.manifest;
  const [dw, dh] = formats.defaultSize;
  const others = allSizes ? formats.sizes.filter(([w, h]) => w !== dw || h !== dh) : [];
  const out: ({ width: number; height: number; aspect: string; scores: Pick<SizeFigures, 'generated' | 'rendered'> } & Baseline)[] = [];
  for (const [width, height] of [[dw, dh], ...others]) {
    const part = `t2v ${width}x${height}`;
    const format = { ...formatOf(ctx.settings), width, height };
    const generated: ValueCheck[][] = [];
    const rendered: ValueCheck[][] = [];
    for (const [k, entry] of ctx.entries.entries()) {
      throwIfAborted(ctx.signal);
      const video = await generate(ctx, { prompt: entry.prompt, seed: entry.seed, width, height });
      const [gen, ren] = await ctx.probe.readMany([video, renderClip(entry.spec, format, entry.seed).video]);
      const stated = statedValues(entry.said);
      generated.push(checkStated(stated, gen, ctx.probe.heads));
      rendered.push(checkStated(stated, ren, ctx.probe.heads));
      ctx.progress(part, k + 1, ctx.entries.length);
    }
    const scores = { generated: scoreGroup(generated), rendered: scoreGroup(rendered) };
    out.push({ width, height, aspect: aspectName(width, height), scores, generated, rendered });
  }
  const base = statedShare(out[0].scores.generated);
  const sizes = out.map(({ width, height, aspect, scores }) => ({ width, height, aspect, ...scores, gap: difference(base, statedShare(scores.generated)) }));
  return { sizes, baseline: out[0] };
}

// --- first frame, first + last frame ---------------------------------------------------------------------

async function measureKeyframes(ctx: ModesContext, mode: 'firstFrame' | 'firstLast'): Promise<KeyframeFigures> {
  const part = mode === 'firstFrame' ? 'i2v' : 'flf';
  const format = formatOf(ctx.settings);
  const first: number[] = [];
  const last: number[] = [];
  const vaeFirst: number[] = [];
  const vaeLast: number[] = [];
  const checks: ValueCheck[][] = [];
  for (const [k, entry] of ctx.entries.entries()) {
    throwIfAborted(ctx.signal);
    const rendered = renderClip(entry.spec, format, entry.seed).video;
    const given = { first: sliceVideo(rendered, 0, 1), last: sliceVideo(rendered, rendered.count - 1, 1) };
    const conditioning: Conditioning =
      mode === 'firstFrame' ? { mode, image: given.first } : { mode, first: given.first, last: given.last };
    const video = await generate(ctx, { prompt: entry.prompt, seed: entry.seed, conditioning });
    first.push(psnr(sliceVideo(video, 0, 1), given.first));
    vaeFirst.push(psnr(await throughVae(ctx.pipe, given.first), given.first));
    if (mode === 'firstLast') {
      last.push(psnr(sliceVideo(video, video.count - 1, 1), given.last));
      vaeLast.push(psnr(await throughVae(ctx.pipe, given.last), given.last));
    }
    checks.push(checkStated(statedValues(entry.said), await ctx.probe.read(video), ctx.probe.heads));
    ctx.progress(part, k + 1, ctx.entries.length);
  }
  return {
    clips: ctx.entries.length,
    psnr: { first: orNull(mean(first)), last: orNull(mean(last)) },
    vaePsnr: { first: orNull(mean(vaeFirst)), last: orNull(mean(vaeLast)) },
    adherence: scoreGroup(checks),
  };
}


// --- extend, long video, drift ---------------------------------------------------------------------------

/**
 * `generate --extend` on the rendered clip: its last 1 + tc frames are the prefix of a native-length
 * request, and the delivered video is the clip followed by the new frames, matched to it at the seam
 * (engine/seam.ts). The seam is measured there (what a user sees: exact rendered frame → new frame), with the
 * new frames as decoded (before matching), and inside the decoded video alone (the model's continuity
 * without the VAE's change of picture). Matching must not move the jump to later frames: the largest step
 * while it fades is measured against the unmatched video's normal step near the seam.
 */
async function measureExtend(ctx: ModesContext): Promise<ExtendFigures> {
  const { pipe, settings } = ctx;
  const format = formatOf(settings);
  const prefixFrames = extendPrefixFrames(pipe.manifest);
  const tc = pipe.manifest.vae.temporalCompression;
  const delivered: SeamContinuity[] = [];
  const unmatched: SeamContinuity[] = [];
  const decoded: SeamContinuity[] = [];
  const fadeRatios: number[] = [];
  const fadeFrames = SEAM_MATCH_DEFAULTS.fade;
  for (const [k, entry] of ctx.entries.entries()) {
    throwIfAborted(ctx.signal);
    const clip = renderClip(entry.spec, format, entry.seed).video;
    const prefix = sliceVideo(clip, clip.count - prefixFrames, prefixFrames);
    const { video } = await generateLongVideo(
      pipe,
      { ...sampling(settings), prompt: entry.prompt, seed: entry.seed, seconds: (settings.frames - 1) / settings.fps, prefix, matchSeam: false },
      { signal: ctx.signal },
    );
    const matched = concatVideos(clip, sliceVideo(matchPrefixSeam(prefix, video), prefixFrames));
    const plain = seamContinuity(concatVideos(clip, sliceVideo(video, prefixFrames)), [clip.count], tc);
    delivered.push(seamContinuity(matched, [clip.count], tc));
    unmatched.push(plain);
    decoded.push(seamContinuity(video, [prefixFrames], tc));
    const steps = frameSteps(matched).slice(clip.count - 1, clip.count - 1 + fadeFrames);
    fadeRatios.push(Math.max(...steps) / plain.localNormals[0]);
    ctx.progress('extend', k + 1, ctx.entries.length);
  }
  return {
    clips: ctx.entries.length,
    prefixFrames,
    newFrames: format.frames - prefixFrames,
    delivered: seamFigures(delivered),
    unmatched: seamFigures(unmatched),
    decoded: seamFigures(decoded),
    matchFade: { frames: fadeFrames, ratio: { mean: orNull(mean(fadeRatios)), max: orNull(Math.max(...fadeRatios)) } },
  };
}

/** Long videos of the first `prompts` entries; a seam where each chunk after the first starts its new frames. */
async function measureLong(ctx: ModesContext, plan: { prompts: number; seconds: number }): Promise<LongFigures> {
  const videos = [];
  for (const [k, entry] of ctx.entries.slice(0, plan.prompts).entries()) {
    const t = performance.now();
    const long = await longVideo(ctx, entry, plan.seconds);
    videos.push({ id: entry.id, prompt: entry.prompt, chunks: long.chunks, seams: long.continuity, seconds: (performance.now() - t) / 1000 });
    ctx.progress('long', k + 1, plan.prompts);
  }
  return {
    seconds: plan.seconds,
    videos: videos.map((v) => ({ id: v.id, prompt: v.prompt, chunks: v.chunks, seams: seamFigures([v.seams]) })),
    seams: seamFigures(videos.map((v) => v.seams)),
    generationSeconds: orNull(mean(videos.map((v) => v.seconds))),
  };
}

/**
 * Five-minute videos of the first `prompts` entries: probe adherence of native-length windows (2 s) in
 * the first and in the last minute (half the video when shorter), pooled over windows.
 */
async function measureDrift(ctx: ModesContext, plan: { prompts: number; seconds: number }): Promise<DriftFigures> {
  const { settings } = ctx;
  const window = settings.frames;
  const edgeFrames = Math.round(Math.min(DRIFT_EDGE_SECONDS, plan.seconds / 2) * settings.fps);
  const videos = [];
  const pooled = { first: [] as ValueCheck[][], last: [] as ValueCheck[][] };
  for (const [k, entry] of ctx.entries.slice(0, plan.prompts).entries()) {
    const long = await longVideo(ctx, entry, plan.seconds);
    const stated = statedValues(entry.said);
    const edge = async (from: number) => readWindows(ctx, long.video, windowStarts(from, from + edgeFrames, window), stated);
    const first = await edge(0);
    const last = await edge(long.video.count - 1 - edgeFrames);
    pooled.first.push(...first);
    pooled.last.push(...last);
    const [f, l] = [statedShare(scoreGroup(first)), statedShare(scoreGroup(last))];
    videos.push({ id: entry.id, prompt: entry.prompt, windows: first.length, first: f, last: l, gap: difference(f, l), seams: seamFigures([long.continuity]) });
    ctx.progress('drift', k + 1, plan.prompts);
  }
  const first = statedShare(scoreGroup(pooled.first));
  const last = statedShare(scoreGroup(pooled.last));
  return { seconds: plan.seconds, edgeSeconds: edgeFrames / settings.fps, windowFrames: window, videos, first, last, gap: difference(first, last) };
}

/** A long video of the entry's prompt, and the continuity at each frame where a chunk after the first starts its new frames. */
async function longVideo(ctx: ModesContext, entry: LoadedEntry, seconds: number): Promise<{ video: VideoFrames; continuity: SeamContinuity; chunks: number }> {
  throwIfAborted(ctx.signal);
  const result = await generateLongVideo(ctx.pipe, { ...sampling(ctx.settings), prompt: entry.prompt, seed: entry.seed, seconds }, { signal: ctx.signal });
  const tc = ctx.pipe.manifest.vae.temporalCompression;
  // Latent frame j ≥ 1 decodes to frames tc·(j − 1) + 1 … tc·j, so new latents from j start at frame tc·(j − 1) + 1.
  const seams = result.chunks.slice(1).map((c) => tc * (c.start + c.given - 1) + 1);
  return { video: result.video, continuity: seamContinuity(result.video, seams, tc), chunks: result.chunks.length };
}

/** Window starts every `window − 1` frames (windows share their edge frame) that fit in [from, to]. */
function windowStarts(from: number, to: number, window: number): number[] {
  const starts: number[] = [];
  for (let s = from; s + window - 1 <= to; s += window - 1) starts.push(s);
  return starts;
}

async function readWindows(ctx: ModesContext, video: VideoFrames, starts: readonly number[], stated: readonly StatedValue[]): Promise<ValueCheck[][]> {
  const readings = await ctx.probe.readMany(starts.map((s) => sliceVideo(video, s, ctx.settings.frames)));
  return readings.map((r) => checkStated(stated, r, ctx.probe.heads));
}

// --- camera by flag ------------------------------------------------------------------------------------

/**
 * Entries with a camera move: the scene described without camera words, the move given only by the
 * structured control. `baseline` (the default-size text-to-video run) gives the same entries with the
 * move in words, and the rendered ceiling.
 */
async function measureCamera(ctx: ModesContext, baseline: Baseline): Promise<CameraFigures> {
  const moving = ctx.entries.flatMap((entry, i) => (entry.spec.camera === 'static' ? [] : [{ entry, i }]));
  const byFlag: boolean[] = [];
  for (const [k, { entry }] of moving.entries()) {
    throwIfAborted(ctx.signal);
    const prompt = describeScene({ ...entry.spec, camera: 'static' }, entry.lang); // a static camera is left unsaid
    const video = await generate(ctx, { prompt, seed: entry.seed, camera: entry.spec.camera });
    const [check] = checkStated([{ attribute: 'camera', value: entry.spec.camera }], await ctx.probe.read(video), ctx.probe.heads);
    byFlag.push(check.correct);
    ctx.progress('camera', k + 1, moving.length);
  }
  const cameraRead = (checks: readonly (readonly ValueCheck[])[]) =>
    share(moving.map(({ i }) => checks[i].find((c) => c.attribute === 'camera')?.correct ?? false));
  return { clips: moving.length, byFlag: share(byFlag), inWords: cameraRead(baseline.generated), rendered: cameraRead(baseline.rendered) };
}

// --- reference identity --------------------------------------------------------------------------------

/**
 * For each entry, its first object rendered alone and still on a plain background is the reference. The
 * prompt names only a motion and a background (the entry's, or another when that is the reference's own),
 * so everything about the object's look has to come from the reference. The probe then reads the
 * generated clip: are the reference's shape, colour and texture there? The same scene rendered bounds it.
 */
async function measureReference(ctx: ModesContext): Promise<ReferenceFigures> {
  const format = formatOf(ctx.settings);
  const hits = { read: [] as boolean[][], generated: [] as boolean[][], rendered: [] as boolean[][] }; // per entry: shape, color, texture
  const confidence: number[] = [];
  for (const [k, entry] of ctx.entries.entries()) {
    throwIfAborted(ctx.signal);
    const object = entry.spec.objects[0];
    const plain = plainBackground(object.color);
    const still: SceneSpec = { background: plain, objects: [{ ...object, motion: 'static' }], camera: 'static' };
    const subject = await describeReference(ctx.probe, sliceVideo(renderClip(still, format, entry.seed).video, 0, 1));
    confidence.push(subject.confidence);

    const background = entry.spec.background !== plain ? entry.spec.background : otherBackground(object.color, plain);
    const asked = describePrompt({ background, objects: [{ motion: object.motion }] }, entry.lang); // "an object bounces on …"
    const video = await generate(ctx, { prompt: applyReferences(asked, [subject]), seed: entry.seed });
    const scene: SceneSpec = { background, objects: [object], camera: 'static' };
    const [gen, ren] = await ctx.probe.readMany([video, renderClip(scene, format, entry.seed).video]);
    const truth = REFERENCE_ATTRIBUTES.map((attribute): StatedValue => ({ attribute, value: object[attribute] }));
    hits.read.push(REFERENCE_ATTRIBUTES.map((a) => subject[a] === object[a]));
    hits.generated.push(checkStated(truth, gen, ctx.probe.heads).map((c) => c.correct));
    hits.rendered.push(checkStated(truth, ren, ctx.probe.heads).map((c) => c.correct));
    ctx.progress('reference', k + 1, ctx.entries.length);
  }
  const rates = (perEntry: readonly boolean[][]): ReferenceRates => ({
    shape: share(perEntry.map((h) => h[0])),
    color: share(perEntry.map((h) => h[1])),
    texture: share(perEntry.map((h) => h[2])),
    all: share(perEntry.map((h) => h.every(Boolean))),
  });
  return {
    clips: ctx.entries.length,
    read: rates(hits.read),
    generated: rates(hits.generated),
    rendered: rates(hits.rendered),
    confidence: orNull(mean(confidence)),
  };
}

/** The first solid background the colour reads on (white, black, gray), as a reference photo's plain backdrop. */
function plainBackground(color: Color): Background {
  return BACKGROUNDS.find((b) => SOLID_BACKGROUNDS.has(b) && isReadable(color, b)) ?? 'white';
}

/** The first background other than `not` that the colour reads on. */
function otherBackground(color: Color, not: Background): Background {
  return BACKGROUNDS.find((b) => b !== not && isReadable(color, b)) ?? not;
}

// --- sound sync ----------------------------------------------------------------------------------------

/** src/audio's evaluation, when that module offers it (another part of Cinesim, measured where it lives). */
async function measureSync(clips: number): Promise<SyncResult> {
  let audio: Partial<typeof import('../audio/index.ts')>;
  try {
    audio = await import('../audio/index.ts');
  } catch (cause) {
    return { skipped: `src/audio could not be loaded: ${(cause as Error).message}` };
  }
  if (typeof audio.evaluateSync !== 'function') return { skipped: 'src/audio has no evaluateSync yet' };
  const toleranceFrames = 1;
  const { overall } = await audio.evaluateSync({ clips, seed: 1, toleranceFrames });
  return {
    clips: overall.clips,
    toleranceFrames,
    precision: overall.visible.precision,
    recall: overall.visible.recall,
    strict: { precision: overall.strict.precision, recall: overall.strict.recall },
  };
}

// --- shared --------------------------------------------------------------------------------------------

/** One clip at the run's settings (size, length and sampling), overridden by `request`. */
async function generate(ctx: ModesContext, request: Parameters<VideoPipeline['generate']>[0]): Promise<VideoFrames> {
  const { video } = await ctx.pipe.generate({ ...ctx.settings, ...request }, { signal: ctx.signal });
  return video;
}

/** The sampling settings alone (long-video requests take their length in seconds). */
function sampling(s: EvalSettings) {
  return { steps: s.steps, guidance: s.guidance, shift: s.shift, sampler: s.sampler, width: s.width, height: s.height, fps: s.fps };
}

function formatOf(s: EvalSettings): ClipFormat {
  return { width: s.width, height: s.height, fps: s.fps, frames: s.frames };
}

function seamFigures(videos: readonly SeamContinuity[]): SeamFigures {
  const ratios = videos.flatMap((v) => v.ratios);
  const phaseRatios = videos.flatMap((v) => v.phaseRatios);
  const localRatios = videos.flatMap((v) => v.localRatios);
  return {
    seams: ratios.length,
    ratio: spread(ratios),
    withinNormal: share(ratios.map((r) => r <= 1)),
    step: orNull(mean(videos.flatMap((v) => v.steps))),
    normalStep: orNull(mean(videos.map((v) => v.normal))),
    phaseRatio: { mean: orNull(mean(phaseRatios)), median: orNull(median(phaseRatios)) },
    phaseStep: orNull(mean(videos.flatMap((v) => (Number.isNaN(v.phaseNormal) ? [] : [v.phaseNormal])))),
    localRatio: spread(localRatios),
    withinLocal: share(localRatios.map((r) => r <= 1)),
  };
}

/** Mean, median and max of seam ratios; null for none. */
function spread(values: readonly number[]): SeamFigures['ratio'] {
  return { mean: orNull(mean(values)), median: orNull(median(values)), max: values.length === 0 ? null : Math.max(...values) };
}

function share(hits: readonly boolean[]): number | null {
  return hits.length === 0 ? null : hits.filter(Boolean).length / hits.length;
}

function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

function orNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** The `cinesim eval modes` command line that reproduces a run. */
function reproduceCommand(
  names: EvalNames,
  s: EvalSettings,
  o: { limit: number; long: ModesOptions['long'] & {}; drift: ModesOptions['drift'] & {}; syncClips: number; parts?: readonly ModePart[] },
): string {
  return [
    'node bin/cinesim.mjs eval modes',
    `${modelFlags(names)} --limit ${o.limit}`,
    samplingFlags(s),
    `--long-prompts ${o.long.prompts} --long-seconds ${o.long.seconds} --drift-prompts ${o.drift.prompts} --drift-seconds ${o.drift.seconds}`,
    `--sync-clips ${o.syncClips}`,
    ...(o.parts ? [`--parts ${o.parts.join(',')}`] : []),
  ].join(' ');
}
