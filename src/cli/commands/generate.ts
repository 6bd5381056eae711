/**
 * `cinesim generate "<prompt>"`: text to video with a local model (the embedded default unless --model
 * says otherwise). A progress bar follows the denoising steps and the decode; the time taken and the
 * clip-seconds per wall-second are printed at the end.
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../errors.ts';
import { aspectRatio, parseNumber, parseSeed, parseSize } from '../options.ts';
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
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Generate a video from a prompt with a local model')
    .argument('<prompt>', 'what to show, in English or Chinese (see `cinesim world vocab`)')
    .option('--model <name|dir>', 'model name under models/ or a model folder', DEFAULT_MODEL)
    .option('--seed <n>', 'noise seed [integer] (default: random, printed)')
    .option('--steps <n>', 'denoising steps [integer] (default: the model\'s)')
    .option('--guidance <g>', 'classifier-free guidance scale [number] (default: the model\'s; 1 = off)')
    .option('--shift <s>', 'timestep shift [number] (default: the model\'s)')
    .option('--sampler <name>', 'euler | heun (default: the model\'s)')
    .option('--seconds <s>', 'duration [number] (default: the model\'s training length)')
    .option('--fps <n>', 'frames per second [integer] (default: the model\'s)')
    .option('--size <WxH>', 'frame size [WxH] (default: the model\'s default size)')
    .option('--aspect <ratio>', 'pick the model size with this aspect ratio: 1:1 | 16:9 | 9:16')
    .option('--negative <text>', 'negative prompt: what to steer away from')
    .option('--out <path>', 'clip.mp4 | clip.webp | clip.gif | sheet.png | folder/ (PNG frames, clip.mp4, metadata.json)', 'clip.mp4')
    .option('--threads <n>', 'CPU threads for inference [integer] (default: all cores)')
    .option('--upscale <n>', 'integer upscale for viewing [integer] (default: MP4s under 256 px are upscaled)')
    .option('--quiet', 'print nothing but errors and the written files', false)
    .option('--server <url>', 'generate on a Cinesim server (`cinesim serve`) instead of locally; --out is .mp4 or folder/')
    .option('--api-key <key>', 'API key for --server (default: $CINESIM_API_KEY)')
    .addHelpText('after', '\nExamples:\n  cinesim generate "a small red ball bounces on green grass" --out clip.mp4\n  cinesim generate "一个黄色的星星在夜空中旋转" --seed 7 --steps 12 --out frames/\n')
    .action(async (prompt: string, flags: GenerateFlags, command: Command) =>
      flags.server === undefined ? generateCommand(prompt, flags) : generateRemote(prompt, flags, command.getOptionValueSource('model') === 'cli'));
}

async function generateCommand(prompt: string, flags: GenerateFlags): Promise<void> {
  // Flags are checked before the model loads, so bad input fails at once with exit code 2.
  const num = (v: string | undefined, flag: string, range: Parameters<typeof parseNumber>[2]) =>
    v === undefined ? undefined : parseNumber(v, flag, range);
  const seed = parseSeed(flags.seed);
  const steps = num(flags.steps, '--steps', { min: 1, max: 1000, integer: true });
  const guidance = num(flags.guidance, '--guidance', { min: 0, max: 50 });
  const shift = num(flags.shift, '--shift', { min: 0.01, max: 100 });
  const seconds = num(flags.seconds, '--seconds', { min: 0.125, max: 3600 });
  const fps = num(flags.fps, '--fps', { min: 1, max: 60, integer: true });
  const threads = num(flags.threads, '--threads', { min: 1, max: 256, integer: true });
  const upscale = num(flags.upscale, '--upscale', { min: 1, max: 16, integer: true });
  if (flags.sampler !== undefined && flags.sampler !== 'euler' && flags.sampler !== 'heun') {
    throw invalidArgument('--sampler', `--sampler must be euler or heun, got "${flags.sampler}"`);
  }
  if (flags.size && flags.aspect) throw invalidArgument('--aspect', 'give --size or --aspect, not both');
  const size = flags.size ? parseSize(flags.size) : undefined;
  const aspect = flags.aspect ? aspectRatio(flags.aspect) : undefined;

  const [{ VideoPipeline }, { writeClip }] = await Promise.all([import('../../engine/index.ts'), import('../../media/write.ts')]);
  const t0 = performance.now();
  const pipe = await VideoPipeline.load(flags.model, { threads });
  try {
    const formats = pipe.manifest.formats;
    const { width, height } = size ?? (aspect ? sizeForAspect(formats.sizes, aspect) : { width: formats.defaultSize[0], height: formats.defaultSize[1] });
    const fpsUsed = fps ?? formats.fps;
    const secondsUsed = seconds ?? (formats.frames - 1) / formats.fps;
    const progress = new Progress('generate', 1, process.stderr, flags.quiet);
    const result = await pipe.generate(
      { prompt, negativePrompt: flags.negative, seed, steps, guidance, shift, sampler: flags.sampler as 'euler' | 'heun' | undefined, width, height, seconds: secondsUsed, fps: fpsUsed },
      { onProgress: (p) => progress.update(p.step, p.stage, p.total) },
    );
    const s = result.settings;
    const written = await writeClip(result.video, flags.out, {
      upscale: upscale === undefined ? undefined : { factor: upscale, kernel: 'nearest' },
      metadata: {
        source: 'generator',
        prompt,
        negativePrompt: flags.negative,
        seed: result.seed,
        model: { name: pipe.manifest.name },
        settings: { ...s },
      },
    });
    const wall = (performance.now() - t0) / 1000;
    const gen = result.timings.total / 1000;
    if (!flags.quiet) {
      process.stderr.write(
        `${s.frames} frames ${s.width}x${s.height} @ ${s.fps} fps (${s.seconds} s), seed ${result.seed}, ` +
          `${s.steps} ${s.sampler} steps, guidance ${s.guidance}\n` +
          `generated in ${gen.toFixed(2)} s (${(s.seconds / gen).toFixed(2)} clip-seconds per second), ${wall.toFixed(2)} s in all\n`,
      );
    }
    for (const f of written) process.stdout.write(`${f}\n`);
  } finally {
    pipe.dispose();
  }
}

/** `--server`: the same request, run by a Cinesim server; the progress bar follows the job. */
async function generateRemote(prompt: string, flags: GenerateFlags, modelGiven: boolean): Promise<void> {
  for (const [flag, value] of [['--threads', flags.threads], ['--upscale', flags.upscale]] as const) {
    if (value !== undefined) throw invalidArgument(flag, `${flag} applies to local generation, not with --server`);
  }
  if (flags.size && flags.aspect) throw invalidArgument('--aspect', 'give --size or --aspect, not both');
  const num = (v: string | undefined, flag: string, range: Parameters<typeof parseNumber>[2]) =>
    v === undefined ? undefined : parseNumber(v, flag, range);
  const aspect = flags.aspect ? aspectRatio(flags.aspect) : undefined;
  const size = flags.size ? parseSize(flags.size) : undefined;
  const { generateOnServer } = await import('../../client/remote-generate.ts');
  const progress = new Progress('generate', 100, process.stderr, flags.quiet);
  const t0 = performance.now();
  const interrupt = new AbortController(); // Ctrl-C cancels (and so refunds) the job on the server
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  const { video, written } = await generateOnServer({
    server: flags.server!,
    apiKey: flags.apiKey ?? process.env.CINESIM_API_KEY,
    request: {
      prompt,
      negative_prompt: flags.negative,
      model: modelGiven ? flags.model : undefined, // otherwise the server's default
      seed: flags.seed === undefined ? undefined : parseSeed(flags.seed),
      steps: num(flags.steps, '--steps', { min: 1, max: 1000, integer: true }),
      guidance: num(flags.guidance, '--guidance', { min: 0, max: 50 }),
      shift: num(flags.shift, '--shift', { min: 0.01, max: 100 }),
      sampler: flags.sampler as 'euler' | 'heun' | undefined,
      seconds: num(flags.seconds, '--seconds', { min: 0.125, max: 3600 }),
      fps: num(flags.fps, '--fps', { min: 1, max: 60, integer: true }),
      size: size && `${size.width}x${size.height}`,
    },
    pickSize: aspect && ((sizes) => sizeForAspect(sizes, aspect)),
    out: flags.out,
    onUpdate: (v) => progress.update(v.progress, v.status.replace('_', ' '), 100),
    signal: interrupt.signal,
  }).finally(() => process.off('SIGINT', onSigint));
  if (!flags.quiet) {
    process.stderr.write(
      `${video.id}: ${video.frames} frames ${video.size} @ ${video.fps} fps (${video.seconds} s), seed ${video.seed}, ` +
        `${video.steps} ${video.sampler} steps, guidance ${video.guidance}, ${video.cost} credits; ${((performance.now() - t0) / 1000).toFixed(2)} s in all\n`,
    );
  }
  for (const f of written) process.stdout.write(`${f}\n`);
}

/** The model's trained size whose aspect ratio is closest to the one asked for. */
export function sizeForAspect(sizes: readonly (readonly number[])[], [aw, ah]: [number, number]): { width: number; height: number } {
  const target = Math.log(aw / ah);
  let best = sizes[0];
  for (const s of sizes) if (Math.abs(Math.log(s[0] / s[1]) - target) < Math.abs(Math.log(best[0] / best[1]) - target)) best = s;
  return { width: best[0], height: best[1] };
}
