/**
 * `cinesim generate "<prompt>"`: text to video with a local model (the embedded default unless --model
 * says otherwise). A progress bar follows the denoising steps and the decode; the time taken and the
 * clip-seconds per wall-second are printed at the end.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Video } from '../../client/client.ts';
import type { ReferenceInput } from '../../engine/reference.ts';
import { CinesimError, ERRORS, invalidArgument } from '../../errors.ts';
import type { VideoFrames } from '../../media/frames.ts';
import { aspectName, ASPECT_RATIOS, nearestSize } from '../../util/aspect.ts';
import { checkClipOut } from '../input.ts';
import { checkModel } from '../models.ts';
import { aspectRatio, optionalNumber, parseSampler, parseSeed, parseSize } from '../options.ts';
import { Progress } from '../progress.ts';

export const DEFAULT_MODEL = 'shapes-64';

export interface GenerateFlags {
  model: string;
  seed?: string;
  steps?: string;
  guidance?: string;
  shift?: string;
  sampler?: string;
  seconds?: string;
  fps?: string;
  size?: string;
  aspect?: string;
  negative?: string;
  out: string;
  threads?: string;
  upscale?: string;
  quiet: boolean;
  server?: string;
  apiKey?: string;
  image?: string;
  lastImage?: string;
  extend?: string;
  camera?: string;
  promptAt: string[];
  anchor: string[];
  audio: boolean;
  reference: string[];
  probe: string;
}

export function registerGenerate(program: Command): void {
  withClipOptions(
    program
      .command('generate')
      .description('Generate a video from a prompt with a local model')
      .argument('<prompt>', 'what to show, in English or Chinese (see `cinesim world vocab`)'),
  )
    .option('--model <name|dir>', 'model name under models/ or a model folder', DEFAULT_MODEL)
    .option('--seed <n>', 'noise seed [integer] (default: random, printed)')
    .option('--seconds <s>', 'duration [number] (default: the model\'s training length)')
    .option('--fps <n>', 'frames per second [integer] (default: the model\'s)')
    .option('--negative <text>', 'negative prompt: what to steer away from')
    .option('--out <path>', 'clip.mp4 | clip.webp | clip.gif | sheet.png | folder/ (PNG frames, clip.mp4, metadata.json)', 'clip.mp4')
    .option('--threads <n>', 'CPU threads for inference [integer] (default: all cores)')
    .option('--upscale <n>', 'integer upscale for viewing [integer] (default: MP4s under 256 px are upscaled)')
    .option('--image <file>', 'image-to-video: this picture is the first frame (PNG/JPEG/WebP, cropped to the clip size)')
    .option('--last-image <file>', 'with --image: the clip ends on this picture (first + last frame)')
    .option('--extend <clip.mp4>', 'continue this clip (the same model\'s size and fps) by --seconds more')
    .option('--camera <move>', 'camera control: static | pan-left | pan-right | tilt-up | tilt-down | zoom-in | zoom-out')
    .option('--prompt-at <t:prompt>', 'from t seconds on, use this prompt (repeatable; long video)', collect, [])
    .option('--anchor <t:file>', 'keyframe: the video shows this picture at t seconds (repeatable; long video)', collect, [])
    .option('--reference <file>', 'reference subject: the probe reads its shape, colour and texture into the prompt (repeatable: object 1, 2, …)', collect, [])
    .option('--probe <name|dir>', 'with --reference: the probe that reads the pictures', 'probe-shapes')
    .option('--no-audio', 'no soundtrack (by default sound is synthesised from the frames and muxed)')
    .option('--quiet', 'print nothing but errors and the written files', false)
    .option('--server <url>', 'generate on a Cinesim server (`cinesim serve`) instead of locally; --out is .mp4 or folder/')
    .option('--api-key <key>', 'API key for --server (default: $CINESIM_API_KEY)')
    .addHelpText(
      'after',
      '\nClips longer than the model\'s native length are made of overlapping chunks (long video).\n' +
        '\nExamples:\n  cinesim generate "a small red ball bounces on green grass" --out clip.mp4\n' +
        '  cinesim generate "一个黄色的星星在夜空中旋转" --seed 7 --steps 12 --out frames/\n' +
        '  cinesim generate "a red ball bounces on green grass" --image first.png --last-image last.png\n' +
        '  cinesim generate "a red ball moves right on a white background" --seconds 60 --prompt-at 30:"a red ball moves left on a white background"\n' +
        '  cinesim generate "a blue square falls at night" --extend clip.mp4 --seconds 4 --camera zoom-in\n',
    )
    .action(async (prompt: string, flags: GenerateFlags, command: Command) => {
      requirePrompt(prompt, 'prompt');
      return flags.server === undefined ? generateCommand(prompt, flags) : generateRemote(prompt, flags, command.getOptionValueSource('model') === 'cli');
    });
}

/** An empty prompt is a mistake here as in the API (which rejects it): the model would draw anything at all. */
function requirePrompt(text: string, param: string): void {
  if (text.trim() === '') {
    throw new CinesimError(ERRORS.PROMPT_INVALID, `${param}: empty prompt: describe a scene, e.g. "a small red ball bounces on green grass"`, { param });
  }
}

async function generateCommand(prompt: string, flags: GenerateFlags): Promise<void> {
  // Flags are checked before the model loads, so bad input fails at once with exit code 2.
  const seed = parseSeed(flags.seed);
  const { steps, guidance, shift, sampler, seconds, fps, size, aspect } = parseClipFlags(flags);
  const threads = optionalNumber(flags.threads, '--threads', { min: 1, max: 256, integer: true });
  const upscale = optionalNumber(flags.upscale, '--upscale', { min: 1, max: 16, integer: true });
  if (flags.lastImage && !flags.image) throw invalidArgument('--last-image', '--last-image needs --image (the first frame)');
  if (flags.extend && flags.image) throw invalidArgument('--extend', 'give --extend or --image, not both');
  const changes = flags.promptAt.map((v) => parseTimed(v, '--prompt-at')).map((c) => ({ at: c.at, prompt: c.value }));
  const anchorFlags = flags.anchor.map((v) => parseTimed(v, '--anchor'));

  const { dir, manifest } = await checkModel(flags.model, 'video');
  await checkClipOut(flags.out, '--out'); // an --out we cannot write fails now, not after the clip is made
  const [engine, media] = await Promise.all([import('../../engine/index.ts'), import('../../media/index.ts')]);
  const t0 = performance.now();
  // Every input is read and checked against the model before it loads.
  const formats = manifest.formats;
  const extend = flags.extend ? await readExtendClip(flags.extend, formats, media) : undefined;
  const { width, height } = extend ?? frameSize(formats, size, aspect);
  const fpsUsed = extend?.fps ?? fps ?? formats.fps;
  const nativeSeconds = (formats.frames - 1) / formats.fps;
  const newSeconds = seconds ?? nativeSeconds;
  if (extend) checkExtensionSeconds(newSeconds, fpsUsed, manifest.vae.temporalCompression);
  else clipSecondsCheck(engine, manifest, { fps: fpsUsed, width, height }, '--seconds: a clip')(newSeconds);
  const picture = async (file: string) => media.imageAsFrames(await media.readImage(file, { width, height, fit: 'cover' }), fpsUsed);
  const firstFrame = flags.image ? await picture(flags.image) : undefined;
  const lastFrame = flags.lastImage ? await picture(flags.lastImage) : undefined;
  const anchors = await Promise.all(anchorFlags.map(async (a) => ({ at: a.at, image: await picture(a.value) })));
  const subjects = await readReferences(flags.reference, { probe: flags.probe, threads, quiet: flags.quiet }, picture, engine);

  const pipe = await engine.VideoPipeline.load(dir, { threads });
  try {
    const withReferences = (text: string) => engine.applyReferences(text, subjects);
    const promptUsed = withReferences(prompt);
    if (subjects.length > 0 && !flags.quiet) process.stderr.write(`prompt with references: ${promptUsed}\n`);
    const common = { negativePrompt: flags.negative, seed, steps, guidance, shift, sampler, width, height, fps: fpsUsed, camera: flags.camera };
    const progress = new Progress('generate', 1, process.stderr, flags.quiet);
    const onProgress = (p: { stage: string; step: number; total: number }) => progress.update(p.step, p.stage, p.total);

    // One pass of the model, or a long video of overlapping chunks (longer clips, prompt changes, anchors, extend):
    // engine/clip.ts decides. Extend continues the clip's last frames, so times in the request count from them.
    const n = extend ? engine.extendPrefixFrames(pipe.manifest) : 0;
    const prefixFrames = extend ? media.sliceVideo(extend.video, extend.video.count - n, n) : undefined;
    const prefixSeconds = prefixFrames ? (prefixFrames.count - 1) / fpsUsed : 0;
    const result = await engine.generateClip(
      pipe,
      {
        ...common,
        prompt: [{ at: 0, prompt: promptUsed }, ...changes.map((c) => ({ at: c.at + prefixSeconds, prompt: withReferences(c.prompt) }))],
        seconds: newSeconds + prefixSeconds,
        firstFrame,
        lastFrame,
        prefix: prefixFrames,
        anchors: anchors.map((a) => ({ ...a, at: a.at + prefixSeconds })),
      },
      { onProgress },
    );
    const long = result.chunks > 1 || prefixFrames !== undefined || changes.length > 0 || anchors.length > 0;
    // Extend: the original clip, then what follows its last frames (their re-decoded copies are dropped).
    const video = extend && prefixFrames ? media.concatVideos(extend.video, media.sliceVideo(result.video, prefixFrames.count)) : result.video;
    const settings: Record<string, unknown> = long
      ? { ...result.settings, chunks: result.chunks, promptSchedule: [{ at: 0, prompt }, ...changes], extend: flags.extend }
      : { ...result.settings };
    const resultSeed = result.seed;
    const genSeconds = result.timings.total / 1000;

    const audio = flags.audio ? (await (await import('../../audio/index.ts')).soundtrack(video, { seed: resultSeed })).audio : undefined;
    const written = await media.writeClip(video, flags.out, {
      audio,
      upscale: upscale === undefined ? undefined : { factor: upscale, kernel: 'nearest' },
      metadata: {
        source: 'generator',
        prompt,
        negativePrompt: flags.negative,
        seed: resultSeed,
        model: { name: pipe.manifest.name },
        settings: subjects.length > 0 ? { ...settings, references: subjects } : settings,
      },
    });
    const wall = (performance.now() - t0) / 1000;
    const clipSeconds = (video.count - 1) / video.fps;
    if (!flags.quiet) {
      process.stderr.write(
        `${video.count} frames ${video.width}x${video.height} @ ${video.fps} fps (${clipSeconds} s), seed ${resultSeed}` +
          `${long ? `, ${settings.chunks} chunks` : ''}${audio ? ', with sound' : ''}\n` +
          `generated in ${genSeconds.toFixed(2)} s (${(newSeconds / genSeconds).toFixed(2)} clip-seconds per second), ${wall.toFixed(2)} s in all\n`,
      );
    }
    for (const f of written) process.stdout.write(`${f}\n`);
  } finally {
    await pipe.dispose();
  }
}

/**
 * --reference: each picture, at the clip's size, read by the probe into shape, colour and texture (a text
 * bridge: the model has no image-reference input, so attributes transfer, not pixels; engine/reference.ts).
 */
async function readReferences(
  files: readonly string[],
  options: { probe: string; threads: number | undefined; quiet: boolean },
  picture: (file: string) => Promise<VideoFrames>,
  engine: typeof import('../../engine/index.ts'),
): Promise<ReferenceInput[]> {
  if (files.length === 0) return [];
  const { dir } = await checkModel(options.probe, 'probe', '--probe');
  const probe = await engine.Probe.load(dir, { threads: options.threads });
  try {
    const subjects: ReferenceInput[] = [];
    for (const file of files) {
      const s = await engine.describeReference(probe, await picture(file));
      subjects.push({ shape: s.shape, color: s.color, texture: s.texture, label: basename(file) });
      if (!options.quiet) process.stderr.write(`reference ${basename(file)}: ${s.color} ${s.texture} ${s.shape} (probe confidence ${s.confidence.toFixed(2)})\n`);
    }
    return subjects;
  } finally {
    await probe.dispose();
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** "12:some text" or "12.5:file.png" → {at: 12, value}. */
function parseTimed(raw: string, flag: string): { at: number; value: string } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:(.+)$/s.exec(raw);
  if (!m) throw invalidArgument(flag, `${flag} must look like SECONDS:VALUE (for example 10:"a red ball moves left"), got "${raw}"`);
  const value = m[2].trim();
  if (flag === '--prompt-at') requirePrompt(value, flag);
  return { at: Number(m[1]), value };
}

/**
 * The clip to extend, checked against what the model makes: one of its sizes (or an integer upscale of one,
 * as `cinesim generate` writes MP4s for viewing) and its frame rate. Anything else was made elsewhere.
 */
async function readExtendClip(path: string, formats: { sizes: readonly (readonly number[])[]; fps: number }, media: typeof import('../../media/index.ts')) {
  const info = await media.probeVideo(path, { countFrames: false }).catch((error: unknown) => {
    throw unreadableClip(path, error);
  });
  if (STILL_CODECS.has(info.codec) && !(info.frames > 1)) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${path} is a picture (${info.codec}); --extend continues a video clip (to start from a picture, give --image)`, { param: '--extend' });
  }
  const size = formats.sizes.find(([w, h]) => info.width % w === 0 && info.height % h === 0 && info.width / w === info.height / h);
  if (!size) {
    const sizes = [...new Set(formats.sizes.map((s) => `${s[0]}x${s[1]}`))];
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${path} is ${info.width}x${info.height}; this model makes ${sizes.join(', ')} (was the clip made by another model?)`, { param: '--extend' });
  }
  if (Math.abs(info.fps - formats.fps) > 1e-3) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${path} is ${info.fps} fps; this model makes ${formats.fps} fps`, { param: '--extend' });
  }
  const video = await media.decodeVideo(path, { size: { width: size[0], height: size[1] } });
  if (video.count < 5) throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${path} has ${video.count} frames; extending needs at least 5`, { param: '--extend' });
  return { video, width: video.width, height: video.height, fps: video.fps };
}

/**
 * ffprobe's failure said in one line as other unreadable inputs are (`notes.txt: not a readable video: Invalid
 * data found when processing input`), from the last line of its message (`probing x: ffprobe exited …:\n  x: why`).
 */
function unreadableClip(path: string, error: unknown): unknown {
  if (!(error instanceof CinesimError) || error.code !== ERRORS.INPUT_UNREADABLE.code || !error.message.includes('\n')) return error;
  const last = error.message.trim().split('\n').at(-1)!.trim();
  const why = last.startsWith(`${path}: `) ? last.slice(path.length + 2) : last;
  return new CinesimError(ERRORS.INPUT_UNREADABLE, `${path}: not a readable video: ${why}`, { param: '--extend', cause: error });
}

/** Codecs of pictures (ffmpeg reads a PNG as a one-frame "video" at 25 fps). */
const STILL_CODECS = new Set(['png', 'mjpeg', 'webp', 'bmp', 'tiff', 'gif']);

/** An extension adds whole latent frames: tc new frames each (the prefix's last frame is shared). */
function checkExtensionSeconds(seconds: number, fps: number, tc: number): void {
  const frames = seconds * fps;
  if (Math.abs(frames / tc - Math.round(frames / tc)) < 1e-6 && Math.round(frames / tc) >= 1) return;
  const step = tc / fps;
  const below = Math.floor(frames / tc) * step, above = Math.ceil(frames / tc) * step;
  const nearest = [below, above].filter((v) => v > 0).map((v) => `${+v.toFixed(3)} s`);
  throw invalidArgument('--seconds', `--seconds ${seconds} with --extend: an extension adds ${tc} frames at a time (at ${fps} fps, multiples of ${+step.toFixed(3)} s): nearest ${nearest.join(' or ')}`);
}

/** `--server`: the same request, run by a Cinesim server; the progress bar follows the job. */
async function generateRemote(prompt: string, flags: GenerateFlags, modelGiven: boolean): Promise<void> {
  for (const [flag, value] of [['--threads', flags.threads], ['--upscale', flags.upscale]] as const) {
    if (value !== undefined) throw invalidArgument(flag, `${flag} applies to local generation, not with --server`);
  }
  if (flags.reference.length > 0) throw invalidArgument('--reference', '--reference is not supported with --server yet');
  const { seconds, fps } = parseClipFlags(flags);
  await checkClipOut(flags.out, '--out'); // before the job is sent and paid for
  const { video, written, elapsed } = await runOnServer('generate', flags, modelGiven, { prompt, seconds, fps }, flags.out);
  if (!flags.quiet) {
    process.stderr.write(
      `${video.id}: ${video.frames} frames ${video.size} @ ${video.fps} fps (${video.seconds} s), seed ${video.seed}, ` +
        `${video.steps} ${video.sampler} steps, guidance ${video.guidance}, ${video.cost} credits; ${elapsed.toFixed(2)} s in all\n`,
    );
  }
  for (const f of written) process.stdout.write(`${f}\n`);
}

/** The flags every `--server` command shares. */
export type ServerFlags = Pick<GenerateFlags, 'server' | 'apiKey' | 'quiet' | 'model' | 'negative' | 'seed' | 'audio'> & ClipFlags;

/**
 * A video (`prompt`) or a story's film (`script`) made by a Cinesim server, into `out` (client/remote-generate.ts):
 * the request's shared fields from the flags, a progress bar that follows the job, and Ctrl-C cancelling it on the
 * server (and so refunding it).
 */
export async function runOnServer(
  label: string,
  flags: ServerFlags,
  modelGiven: boolean,
  what: { prompt: string; seconds?: number; fps?: number } | { script: string; reuse_video_id?: string; images?: Record<string, Blob> },
  out: string,
): Promise<{ video: Video; written: string[]; elapsed: number }> {
  const { steps, guidance, shift, sampler, size, aspect } = parseClipFlags(flags);
  const { generateOnServer } = await import('../../client/remote-generate.ts');
  const progress = new Progress(label, 100, process.stderr, flags.quiet);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  const { video, written } = await generateOnServer({
    server: flags.server!,
    apiKey: flags.apiKey ?? process.env.CINESIM_API_KEY,
    request: {
      ...what,
      negative_prompt: flags.negative,
      model: modelGiven ? flags.model : undefined, // otherwise the server's default
      seed: flags.seed === undefined ? undefined : parseSeed(flags.seed),
      steps,
      guidance,
      shift,
      sampler,
      size: size && `${size.width}x${size.height}`,
      audio: flags.audio ? undefined : false, // the server's default is sound, as here
    },
    pickSize: aspect && ((sizes) => sizeForAspect(sizes, aspect)),
    out,
    onUpdate: (v) => progress.update(v.progress, v.status.replace('_', ' '), 100),
    signal: interrupt.signal,
  }).finally(() => process.off('SIGINT', onSigint));
  return { video, written, elapsed: progress.elapsed() };
}

export type ClipFlags = Pick<GenerateFlags, 'steps' | 'guidance' | 'shift' | 'sampler' | 'seconds' | 'fps' | 'size' | 'aspect'>;

/** The sampling and frame options that generate, story and batch share (parsed by `parseClipFlags`). */
export function withClipOptions(command: Command): Command {
  return command
    .option('--steps <n>', 'denoising steps [integer] (default: the model\'s)')
    .option('--guidance <g>', 'classifier-free guidance scale [number] (default: the model\'s; 1 = off)')
    .option('--shift <s>', 'timestep shift [number] (default: the model\'s)')
    .option('--sampler <name>', 'euler | heun (default: the model\'s)')
    .option('--size <WxH>', 'frame size [WxH] (default: the model\'s default size)')
    .option('--aspect <ratio>', `the model's size of this aspect ratio (${Object.keys(ASPECT_RATIOS).join(' | ')}); a model makes some of them, and one it lacks is refused with those it has`);
}

/** The longest clip (or story shot) the CLI makes: an hour. */
export const MAX_CLIP_SECONDS = 3600;

/**
 * The check of a length a list, a script or `--seconds` gives (`what`: "a shot", "--seconds: a clip"): at most
 * MAX_CLIP_SECONDS, at least the model's shortest clip at this size and frame rate, and one the model makes (the
 * engine's message names the nearest that would do).
 */
export function clipSecondsCheck(
  engine: Pick<typeof import('../../engine/index.ts'), 'resolveSettings'>,
  manifest: Parameters<typeof import('../../engine/index.ts')['resolveSettings']>[1],
  frame: { fps: number; width: number; height: number },
  what: string,
): (seconds: number) => void {
  let shortest: number | undefined;
  return (seconds) => {
    if (seconds > MAX_CLIP_SECONDS) throw invalidArgument('seconds', `${what} lasts at most ${MAX_CLIP_SECONDS} s, got ${seconds} s`);
    shortest ??= shortestClip(engine, manifest, frame);
    if (shortest !== undefined && seconds < shortest) {
      const frames = Math.round(shortest * frame.fps) + 1;
      throw invalidArgument('seconds', `${what} lasts at least ${+shortest.toFixed(3)} s (the model's shortest: ${frames} frames at ${frame.fps} fps), got ${seconds} s`);
    }
    engine.resolveSettings({ prompt: '', seconds, ...frame }, manifest);
  };
}

/** Seconds of the shortest clip the model makes at this frame rate (1 + k·tc frames it accepts, k ≥ 1); undefined when none is found. */
function shortestClip(
  engine: Pick<typeof import('../../engine/index.ts'), 'resolveSettings'>,
  manifest: Parameters<typeof import('../../engine/index.ts')['resolveSettings']>[1],
  frame: { fps: number; width: number; height: number },
): number | undefined {
  const tc = manifest.vae.temporalCompression;
  for (let k = 1; k <= 64; k++) {
    try {
      engine.resolveSettings({ prompt: '', frames: 1 + k * tc, ...frame }, manifest);
      return (k * tc) / frame.fps;
    } catch {
      // not a length this model makes (its time patch); the next
    }
  }
  return undefined;
}

/** The clip's flags that local and server generation (and stories) share: sampling, length, size; checked and parsed. */
export function parseClipFlags(flags: ClipFlags) {
  if (flags.size && flags.aspect) throw invalidArgument('--aspect', 'give --size or --aspect, not both');
  return {
    steps: optionalNumber(flags.steps, '--steps', { min: 1, max: 1000, integer: true }),
    guidance: optionalNumber(flags.guidance, '--guidance', { min: 0, max: 50 }),
    shift: optionalNumber(flags.shift, '--shift', { min: 0.01, max: 100 }),
    sampler: parseSampler(flags.sampler),
    // Which lengths the model makes is its check (clipSecondsCheck, or the server's): it names the nearest.
    seconds: optionalNumber(flags.seconds, '--seconds', { above: 0, max: MAX_CLIP_SECONDS }),
    fps: optionalNumber(flags.fps, '--fps', { min: 1, max: 60, integer: true }),
    size: flags.size ? parseSize(flags.size) : undefined,
    aspect: flags.aspect ? aspectRatio(flags.aspect) : undefined,
  };
}

/** The frame size asked for: `--size`, else the model's size of the `--aspect` ratio, else its default size. */
export function frameSize(
  formats: { sizes: readonly (readonly number[])[]; defaultSize: readonly number[] },
  size: { width: number; height: number } | undefined,
  aspect: [number, number] | undefined,
): { width: number; height: number } {
  return size ?? (aspect ? sizeForAspect(formats.sizes, aspect) : { width: formats.defaultSize[0], height: formats.defaultSize[1] });
}

/** The model's size with the asked aspect ratio (by name: 112x64 is 16:9); a clear error when it has none. */
export function sizeForAspect(sizes: readonly (readonly number[])[], ratio: readonly [number, number]): { width: number; height: number } {
  const [width, height] = nearestSize(sizes, ratio);
  const asked = aspectName(ratio[0], ratio[1]);
  if (aspectName(width, height) !== asked) {
    const has = sizes.map(([w, h]) => `${aspectName(w, h)} (${w}x${h})`).join(', ');
    throw invalidArgument('--aspect', `the model has no ${asked} size; it makes ${has}`);
  }
  return { width, height };
}
