/**
 * `cinesim batch <list>`: many clips from a list, a prompt per line (or a JSON object per line), each in
 * `--variants` versions, made on one loaded model into a folder with an overview sheet and batch.json. Every
 * line is checked before the model runs; a run again keeps the clips already made.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { optionalNumber, parseNumber, parseSeed } from '../options.ts';
import { checkOutFolder, readTextArgument } from '../input.ts';
import { Progress } from '../progress.ts';
import { clipSecondsCheck, DEFAULT_MODEL, frameSize, parseClipFlags, withClipOptions, type ClipFlags } from './generate.ts';

interface BatchFlags extends ClipFlags {
  out: string;
  model: string;
  variants: string;
  seed?: string;
  negative?: string;
  threads?: string;
  audio: boolean;
  dryRun: boolean;
  quiet: boolean;
}

export function registerBatch(program: Command): void {
  withClipOptions(
    program
      .command('batch')
      .description('Make many clips from a list: a prompt per line, each in a few variants, on one loaded model')
      .argument('<list>', 'a text file: one prompt per line, or {"prompt", "seed", "seconds", "negative_prompt"} per line; - reads standard input'),
  )
    .option('--out <folder>', 'the batch folder: one MP4 per clip, overview.png, batch.json', 'batch/')
    .option('--model <name|dir>', 'model name under models/ or a model folder', DEFAULT_MODEL)
    .option('--variants <n>', 'versions of each prompt, each with its own seed [integer]', '1')
    .option('--seed <n>', 'seed the clips\' seeds derive from [integer] (default: the folder\'s last, else random; printed)')
    .option('--seconds <s>', 'length of a clip whose line does not say [number] (default: the model\'s)')
    .option('--negative <text>', 'negative prompt for every clip whose line gives none')
    .option('--threads <n>', 'CPU threads for inference [integer] (default: all cores)')
    .option('--no-audio', 'no soundtrack (by default each clip gets the sound heard in its frames)')
    .option('--dry-run', 'check the list and print what would be made; make nothing', false)
    .option('--quiet', 'no progress bar or summary; only the written files', false)
    .addHelpText(
      'after',
      '\nExample list (ads.txt):\n  a small red ball bounces on a white background\n  a large blue square slides to the right on a white background\n' +
        '  {"prompt": "一个黄色的星星在夜空中旋转", "seed": 7}\n\n' +
        'Examples:\n  cinesim batch ads.txt --variants 4 --aspect 9:16 --out ads/\n  cinesim batch ads.txt --dry-run\n',
    )
    .action(async (list: string, flags: BatchFlags) => batchCommand(list, flags));
}

async function batchCommand(listPath: string, flags: BatchFlags): Promise<void> {
  // Flags and every line are checked before any model loads.
  const { steps, guidance, shift, sampler, seconds, size, aspect } = parseClipFlags(flags);
  const variants = parseNumber(flags.variants, '--variants', { min: 1, max: 100, integer: true });
  const threads = optionalNumber(flags.threads, '--threads', { min: 1, max: 256, integer: true });
  await checkOutFolder(flags.out, 'the batch folder');

  const batch = await import('../../batch/index.ts');
  // Without --seed, the folder's last batch seed: a run again (or a longer list) keeps the clips made.
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : (await batch.readBatchRecord(flags.out))?.seed ?? parseSeed(undefined);
  const engine = await import('../../engine/index.ts');
  const manifest = engine.requireKind(await engine.loadManifest(await engine.resolveModel(flags.model)), 'video', flags.model);
  const { formats } = manifest;
  const { width, height } = frameSize(formats, size, aspect);
  const fps = formats.fps;
  const checkSeconds = clipSecondsCheck(engine, manifest, { fps, width, height }, 'a clip');
  if (seconds !== undefined) checkSeconds(seconds);
  const tokenizer = new engine.Tokenizer(manifest.tokenizer.vocabulary, manifest.tokenizer.maxTokens);
  const source = listPath === '-' ? 'stdin' : basename(listPath);
  const items = batch.parseBatch(await readTextArgument(listPath, 'the list', 'list'), source, { tokenizer, checkSeconds }, { seed, variants });
  if (flags.negative) tokenizer.encode(flags.negative);

  if (flags.dryRun || !flags.quiet) {
    const lines = new Set(items.map((i) => i.line)).size;
    process.stderr.write(`${items.length} clips (${lines} prompts × ${variants}), ${manifest.name} ${width}x${height} @ ${fps} fps, seed ${seed}\n`);
    if (flags.dryRun) for (const i of items) process.stderr.write(`  ${batch.clipFileName(i, items.length)}  seed ${i.seed}${i.seconds ? `, ${i.seconds} s` : ''}: ${i.prompt}\n`);
  }
  if (flags.dryRun) return;

  const pipe = await engine.VideoPipeline.load(flags.model, { threads });
  try {
    const progress = new Progress('batch', items.length, process.stderr, flags.quiet);
    const result = await batch.makeBatch(pipe, items, {
      out: flags.out,
      seed,
      columns: variants > 1 ? variants : undefined,
      settings: { width, height, fps, seconds, steps, guidance, shift, sampler, negativePrompt: flags.negative, audio: flags.audio },
      onProgress: (p) => progress.update(p.clip - 1 + (p.stage === 'reuse' ? 1 : p.stage === 'decode' ? p.step / p.total : 0), `clip ${p.clip}/${p.clips} ${p.stage}`),
    });
    if (!flags.quiet) {
      const made = result.clips.filter((c) => !c.reused).length;
      process.stderr.write(`${result.clips.length} clips: made ${made}, kept ${result.clips.length - made}; ${progress.elapsed().toFixed(2)} s in all\n`);
    }
    for (const f of [result.files.overview, result.files.index]) process.stdout.write(`${f}\n`);
  } finally {
    await pipe.dispose();
  }
}

