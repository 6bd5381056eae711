/**
 * `cinesim world …`: the Shapes World simulator. `render` draws the ground-truth clip of a prompt (the
 * simulator, not the generator), `dataset` writes training shards, `vocab` lists the words prompts use.
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../errors.ts';
import { checkClipOut, checkOutPath } from '../input.ts';
import { framesFor, optionalNumber, parseNumber, parseSeed, parseSize } from '../options.ts';
import { Progress } from '../progress.ts';

export function registerWorld(program: Command): void {
  const world = program.command('world').description('Shapes World: render ground-truth clips, write datasets, list the vocabulary');

  world
    .command('render')
    .description('Render the ground-truth clip of a prompt with the simulator (not the generator)')
    .argument('<prompt>', 'scene in English or Chinese, e.g. "a small red ball bounces on green grass"')
    .option('--seed <n>', 'layout seed [integer] (default: random, printed)')
    .option('--size <WxH>', 'frame size [WxH]', '256x256')
    .option('--seconds <s>', 'duration [number]', '4')
    .option('--fps <n>', 'frames per second [integer]', '24')
    .option('--out <path>', 'clip.mp4 | clip.webp | clip.gif | sheet.png | folder/', 'clip.mp4')
    .option('--upscale <n>', 'integer upscale for viewing [integer] (default: MP4s under 256 px are upscaled)')
    .option('--smooth', 'smooth (bilinear) instead of nearest upscale', false)
    .option('--quiet', 'print nothing but errors', false)
    .addHelpText('after', '\nExamples:\n  cinesim world render "a small red ball bounces on green grass" --out x.mp4\n  cinesim world render "一个蓝色的星星在夜空中旋转" --size 128x128 --out frames/\n')
    .action(async (prompt: string, opts: RenderFlags) => renderCommand(prompt, opts));

  world
    .command('dataset')
    .description('Write training shards (raw uint8 frames + JSONL labels; format in docs/FORMATS.md)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--kind <kind>', 't2v (captioned clips) | game (recorded play with actions)', 't2v')
    .option('--count <n>', 'number of clips [integer]', '1000')
    .option('--start <n>', 'first global clip index [integer] (split a dataset across processes)', '0')
    .option('--size <WxH>', 'frame size [WxH]', '64x64')
    .option('--seconds <s>', 'clip duration [number]', '2')
    .option('--fps <n>', 'frames per second [integer]', '8')
    .option('--seed <n>', 'dataset seed [integer]', '1')
    .option('--shard-size <n>', 'clips per shard [integer]', '1000')
    .option('--captions <n>', 'caption phrasings per language and clip [integer]', '3')
    .option('--event-rate <p>', 'game: chance per step of a random promptable event (spawn, background, wind) [number]', '0.02')
    .option('--quiet', 'no progress bar', false)
    .action(async (opts: DatasetFlags) => datasetCommand(opts));

  world
    .command('vocab')
    .description('List the words prompts may use, by category')
    .option('--lang <lang>', 'en | zh', 'en')
    .action(async (opts: { lang: string }) => {
      const { describeVocabulary } = await import('../../world/parser.ts');
      if (opts.lang !== 'en' && opts.lang !== 'zh') throw invalidArgument('--lang', `--lang must be en or zh, got "${opts.lang}"`);
      process.stdout.write(describeVocabulary(opts.lang) + '\n');
    });
}

interface RenderFlags {
  seed?: string;
  size: string;
  seconds: string;
  fps: string;
  out: string;
  upscale?: string;
  smooth: boolean;
  quiet: boolean;
}

async function renderCommand(prompt: string, flags: RenderFlags): Promise<void> {
  // Check every flag before any work, so bad input fails fast with exit code 2.
  const size = parseSize(flags.size);
  const seconds = parseNumber(flags.seconds, '--seconds', { min: 0.125, max: 600 });
  const fps = parseNumber(flags.fps, '--fps', { min: 1, max: 60, integer: true });
  const frames = framesFor(seconds, fps);
  const seed = parseSeed(flags.seed);
  const upscale = optionalNumber(flags.upscale, '--upscale', { min: 1, max: 16, integer: true });
  await checkClipOut(flags.out, '--out');

  const [{ parsePrompt }, { completeScene }, { renderClip }, { writeClip }, { Rng }, { describeScene }] = await Promise.all([
    import('../../world/parser.ts'),
    import('../../world/sampler.ts'),
    import('../../world/render.ts'),
    import('../../media/write.ts'),
    import('../../util/random.ts'),
    import('../../world/captions.ts'),
  ]);
  const spec = parsePrompt(prompt);
  const scene = completeScene(spec, Rng.derive(seed, 'complete'));
  const format = { width: size.width, height: size.height, fps, frames };
  const t0 = performance.now();
  const { video, simulation } = renderClip(scene, format, seed);
  const renderSeconds = (performance.now() - t0) / 1000;
  const written = await writeClip(video, flags.out, {
    upscale: upscale === undefined ? undefined : { factor: upscale, kernel: flags.smooth ? 'smooth' : 'nearest' },
    metadata: {
      prompt,
      seed,
      source: 'simulator',
      settings: { size: `${size.width}x${size.height}`, seconds, fps, frames },
      extra: { scene, events: simulation.events.length },
    },
  });
  if (!flags.quiet) {
    process.stderr.write(
      `rendered ${describeScene(scene, 'en')}\n` +
        `${frames} frames ${size.width}x${size.height} @ ${fps} fps, seed ${seed}, ${simulation.events.length} impacts, ` +
        `${renderSeconds.toFixed(2)} s\n`,
    );
    for (const f of written) process.stdout.write(`${f}\n`);
  }
}

interface DatasetFlags {
  out: string;
  kind: string;
  count: string;
  start: string;
  size: string;
  seconds: string;
  fps: string;
  seed: string;
  shardSize: string;
  captions: string;
  eventRate: string;
  quiet: boolean;
}

async function datasetCommand(flags: DatasetFlags): Promise<void> {
  if (flags.kind !== 't2v' && flags.kind !== 'game') throw invalidArgument('--kind', `--kind must be t2v or game, got "${flags.kind}"`);
  const size = parseSize(flags.size);
  const fps = parseNumber(flags.fps, '--fps', { min: 1, max: 60, integer: true });
  const seconds = parseNumber(flags.seconds, '--seconds', { min: 0.125, max: 120 });
  const frames = framesFor(seconds, fps);
  const count = parseNumber(flags.count, '--count', { min: 1, max: 10_000_000, integer: true });
  const start = parseNumber(flags.start, '--start', { min: 0, integer: true });
  const seed = parseNumber(flags.seed, '--seed', { min: 0, max: 2 ** 32 - 1, integer: true });
  const shardSize = parseNumber(flags.shardSize, '--shard-size', { min: 1, integer: true });
  const captions = parseNumber(flags.captions, '--captions', { min: 1, max: 16, integer: true });
  const eventRate = parseNumber(flags.eventRate, '--event-rate', { min: 0, max: 1 });
  await checkOutPath(flags.out, { flag: '--out', folder: true, holds: 'the dataset folder (dataset.json and its shards go in it)' });

  const { writeDataset } = await import('../../world/dataset.ts');
  const progress = new Progress(`dataset ${flags.kind}`, count, process.stderr, flags.quiet);
  const summary = await writeDataset({
    kind: flags.kind,
    out: flags.out,
    format: { width: size.width, height: size.height, fps, frames },
    seed,
    count,
    start,
    shardSize,
    captions,
    eventRate,
    onProgress: (done, total) => progress.update(done, '', total),
  });
  if (!flags.quiet) {
    process.stderr.write(
      `wrote ${summary.clips} clips in ${summary.shards.length} shards to ${summary.out} ` +
        `(${(summary.bytes / 2 ** 20).toFixed(1)} MiB, ${(summary.clips / summary.seconds).toFixed(0)} clips/s)\n`,
    );
  }
}
