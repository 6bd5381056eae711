/**
 * `cinesim batch <list>`: many clips from a list, a prompt per line (or a JSON object per line), each in
 * `--variants` versions, made on one loaded model (or, with `--server`, by a Cinesim server's workers) into a
 * folder with an overview sheet and batch.json. Every line is checked before the model runs or anything is sent;
 * a run again keeps the clips already made.
 */
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import type { BatchItem } from '../../batch/index.ts';
import { CinesimError, ERRORS, invalidArgument, rephrased } from '../../errors.ts';
import { optionalNumber, parseNumber, parseSeed } from '../options.ts';
import { checkOutPath, readTextArgument } from '../input.ts';
import { checkModel } from '../models.ts';
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
  server?: string;
  apiKey?: string;
}

/** What --out holds, for its message. */
const BATCH_FOLDER = 'the batch folder (one MP4 per clip, overview.png and batch.json go in it)';

export function registerBatch(program: Command): void {
  withClipOptions(
    program
      .command('batch')
      .description('Make many clips from a list: a prompt per line, each in a few variants, on one loaded model')
      .argument('<list>', 'a text file: one prompt per line, or {"prompt", "seed", "seconds", "negative_prompt", "image"} per line; - reads standard input'),
  )
    .option('--out <folder>', 'the batch folder: one MP4 per clip, overview.png, batch.json', 'batch/')
    .option('--model <name|dir>', 'model name under models/ or a model folder (with --server: one of the server\'s, default its default)', DEFAULT_MODEL)
    .option('--variants <n>', 'versions of each prompt, each with its own seed [integer]', '1')
    .option('--seed <n>', 'seed the clips\' seeds derive from [integer] (default: the folder\'s last, else random; printed)')
    .option('--seconds <s>', 'length of a clip whose line does not say [number] (default: the model\'s)')
    .option('--negative <text>', 'negative prompt for every clip whose line gives none')
    .option('--threads <n>', 'CPU threads for inference [integer] (default: all cores)')
    .option('--no-audio', 'no soundtrack (by default each clip gets the sound heard in its frames)')
    .option('--dry-run', 'check the list and print what would be made; make nothing', false)
    .option('--quiet', 'no progress bar or summary; only the written files', false)
    .option('--server <url>', 'make the clips on a Cinesim server (`cinesim serve`, a POST /v1/videos job each) instead of locally')
    .option('--api-key <key>', 'API key for --server (default: $CINESIM_API_KEY)')
    .addHelpText(
      'after',
      '\nExample list (ads.txt):\n  a small red ball bounces on a white background\n  a large blue square slides to the right on a white background\n' +
        '  {"prompt": "一个黄色的星星在夜空中旋转", "seed": 7}\n' +
        '  {"prompt": "a small red ball bounces on a white background", "image": "product.png"}\n' +
        'A line\'s "image" is its clip\'s first frame (image to video), a path from the list\'s folder.\n\n' +
        'Examples:\n  cinesim batch ads.txt --variants 4 --aspect 9:16 --out ads/\n  cinesim batch ads.txt --dry-run\n' +
        '  cinesim batch ads.txt --variants 4 --out ads/ --server http://127.0.0.1:8787   # on the server\'s GPU workers\n' +
        '  cinesim batch ads.txt --variants 4 --server $URL --dry-run                      # the clips and what they cost\n',
    )
    .action(async (list: string, flags: BatchFlags, command: Command) => batchCommand(list, flags, command.getOptionValueSource('model') === 'cli'));
}

/** The list as read, and what its clips' seeds derive from. */
interface ListInput {
  readonly text: string;
  readonly source: string;
  readonly seed: number;
  readonly variants: number;
  readonly dir: string;
}

type ClipOptions = ReturnType<typeof parseClipFlags>;

async function batchCommand(listPath: string, flags: BatchFlags, modelGiven: boolean): Promise<void> {
  // Flags and every line are checked before any model loads or anything is sent.
  const clip = parseClipFlags(flags);
  const variants = parseNumber(flags.variants, '--variants', { min: 1, max: 100, integer: true });
  if (flags.server !== undefined && flags.threads !== undefined) throw invalidArgument('--threads', '--threads is for a local batch, not with --server');
  const threads = optionalNumber(flags.threads, '--threads', { min: 1, max: 256, integer: true });
  await checkOutPath(flags.out, { flag: '--out', folder: true, holds: BATCH_FOLDER });

  const batch = await import('../../batch/index.ts');
  // Without --seed, the folder's last batch seed: a run again (or a longer list) keeps the clips made.
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : (await batch.readBatchRecord(flags.out))?.seed ?? parseSeed(undefined);
  const list = {
    text: await readTextArgument(listPath, { what: 'the list', holds: 'a batch list is text: one prompt per line', param: 'list' }),
    source: listPath === '-' ? 'stdin' : basename(listPath),
    dir: listPath === '-' ? '.' : dirname(listPath), // a line's image path is read from the list's folder
    seed,
    variants,
  };
  return flags.server === undefined ? batchLocal(list, flags, clip, threads) : batchRemote(list, flags, clip, modelGiven);
}

async function batchLocal(list: ListInput, flags: BatchFlags, clip: ClipOptions, threads: number | undefined): Promise<void> {
  const { steps, guidance, shift, sampler, seconds, size, aspect } = clip;
  const batch = await import('../../batch/index.ts');
  const engine = await import('../../engine/index.ts');
  const { dir, manifest } = await checkModel(flags.model, 'video');
  const { formats } = manifest;
  const { width, height } = frameSize(formats, size, aspect);
  const fps = formats.fps;
  const checkSeconds = clipSecondsCheck(engine, manifest, { fps, width, height }, 'a clip');
  if (seconds !== undefined) clipSecondsCheck(engine, manifest, { fps, width, height }, '--seconds: a clip')(seconds);
  const tokenizer = new engine.Tokenizer(manifest.tokenizer.vocabulary, manifest.tokenizer.maxTokens);
  const items = batch.parseBatch(list.text, list.source, { tokenizer, checkSeconds }, list);
  if (flags.negative) tokenizer.encode(flags.negative);
  await checkImages(items, list, { width, height, fps });

  if (flags.dryRun || !flags.quiet) process.stderr.write(`${clipCount(items, list)}, ${manifest.name} ${width}x${height} @ ${fps} fps, seed ${list.seed}\n`);
  if (flags.dryRun) return listClips(items);

  const pipe = await engine.VideoPipeline.load(dir, { threads });
  try {
    const progress = new Progress('batch', items.length, process.stderr, flags.quiet);
    const result = await batch.makeBatch(pipe, items, {
      out: flags.out,
      seed: list.seed,
      columns: list.variants > 1 ? list.variants : undefined,
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

/** Every picture the lines give, read now: a missing or broken one is named by its line before anything runs or is sent. */
async function checkImages(items: readonly BatchItem[], list: ListInput, size: { width: number; height: number; fps: number }): Promise<void> {
  const { lineImage } = await import('../../batch/index.ts');
  for (const item of items.filter((i) => i.variant === 1 && i.image !== undefined)) {
    await lineImage(item.image!, size).catch((error: unknown) => {
      throw rephrased(error, { prefix: `${list.source}:${item.line}: `, param: 'list' });
    });
  }
}

/**
 * `--server`: the lines checked by the server's model, each clip not already in the folder sent as a POST /v1/videos
 * job, all followed on one progress bar, each video downloaded as it finishes. The model is the server's default
 * unless --model is given. A clip that fails is named by its line; the others are written, and the command exits 1.
 * Ctrl-C cancels the jobs not yet done (the server refunds them).
 */
async function batchRemote(list: ListInput, flags: BatchFlags, clip: ClipOptions, modelGiven: boolean): Promise<void> {
  const { steps, guidance, shift, sampler, size, aspect } = clip;
  const remote = await import('../../batch/remote.ts');
  const { CinesimClient, serverModel } = await import('../../client/index.ts');
  const client = new CinesimClient({ baseURL: flags.server!, apiKey: flags.apiKey ?? process.env.CINESIM_API_KEY });
  const model = await serverModel(client, modelGiven ? flags.model : undefined);
  if (size && !model.sizes.includes(`${size.width}x${size.height}`)) {
    throw invalidArgument('--size', `--size ${size.width}x${size.height}: ${model.id} on this server makes ${model.sizes.join(', ')}`);
  }
  const asPair = (s: string) => s.split('x').map(Number);
  const { width, height } = frameSize({ sizes: model.sizes.map(asPair), defaultSize: asPair(model.default_size) }, size, aspect);
  const seconds = clip.seconds === undefined ? undefined : remote.serverSeconds(model, clip.seconds, '--seconds: a clip');
  const server = { url: flags.server!, client, model };
  const items = await remote.parseBatchOnServer(list.text, list.source, server, { ...list, negativePrompt: flags.negative });
  const settings = { width, height, fps: model.fps, seconds, steps, guidance, shift, sampler, negativePrompt: flags.negative, audio: flags.audio };
  await checkImages(items, list, settings);
  const planned = await remote.planOnServer(model, items, flags.out, settings);
  // Only what will be charged: a video the server already holds for a clip's request comes back free.
  const { credits, held } = await remote.priceOnServer(server, planned);
  const kept = planned.filter((p) => p.kept).length;
  const balance = (await client.usage().catch(() => undefined))?.balance ?? null; // null: unmetered, or not told

  if (flags.dryRun || !flags.quiet) {
    const free = [kept ? `${kept} kept in ${flags.out}` : '', held ? `${held} already made on the server` : ''].filter(Boolean).join(', ');
    process.stderr.write(
      `${clipCount(items, list)}, ${model.id} ${width}x${height} @ ${model.fps} fps on ${flags.server}, seed ${list.seed}\n` +
        `${planned.length - kept} to send${free ? ` (${free})` : ''}: ${credits} credits at ${model.credits_per_second} per second` +
        `${balance === null ? '' : `; the key has ${balance}`}\n`,
    );
  }
  if (flags.dryRun) return listClips(items, new Map(planned.map((p) => [p.item.index, p.kept])));
  if (balance !== null && balance < credits) {
    throw new CinesimError(ERRORS.INSUFFICIENT_CREDITS, `the batch costs ${credits} credits and the key has ${balance} left; nothing was sent`);
  }

  const progress = new Progress('batch', items.length, process.stderr, flags.quiet);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  const result = await remote
    .sendBatch(server, planned, {
      out: flags.out,
      seed: list.seed,
      settings,
      columns: list.variants > 1 ? list.variants : undefined,
      signal: interrupt.signal,
      onProgress: (p) => progress.update(Number(p.done.toFixed(2)), `${p.running} rendering, ${p.queued} queued`),
    })
    .finally(() => process.off('SIGINT', onSigint));
  if (!flags.quiet) {
    // What this run made and was charged; a video the server already held for a clip's request came back free.
    const sent = result.clips.filter((c) => !c.reused).length;
    process.stderr.write(
      `${items.length} clips: made ${sent - result.held} on the server (${result.credits} credits)${result.held ? `, ${result.held} already made there` : ''}, kept ${result.clips.length - sent}` +
        `${result.failed.length ? `, failed ${result.failed.length}` : ''}; ${progress.elapsed().toFixed(2)} s in all\n`,
    );
  }
  for (const f of [result.files.overview, result.files.index]) process.stdout.write(`${f}\n`);
  if (result.failed.length === 0) return;
  for (const f of result.failed) process.stderr.write(`${list.source}:${f.line}, variant ${f.variant}: ${f.error}\n`);
  throw new CinesimError(
    { code: result.failed[0].code, status: 500, exitCode: 1 },
    `${result.failed.length} of ${items.length} clips failed (above); the others are in ${flags.out}, and a run again sends only the failed ones`,
  );
}

/** "6 clips (3 prompts × 2)". */
function clipCount(items: readonly BatchItem[], list: ListInput): string {
  return `${items.length} clips (${new Set(items.map((i) => i.line)).size} prompts × ${list.variants})`;
}

/** --dry-run: each clip's file, seed and prompt (and, with --server, whether the folder already has it). */
async function listClips(items: readonly BatchItem[], kept?: ReadonlyMap<number, string | undefined>): Promise<void> {
  const { clipFileName } = await import('../../batch/index.ts');
  for (const i of items) {
    const file = kept?.get(i.index) ?? clipFileName(i, items.length);
    process.stderr.write(`  ${file}  seed ${i.seed}${i.seconds ? `, ${i.seconds} s` : ''}${kept?.get(i.index) ? ' (kept)' : ''}: ${i.prompt}\n`);
  }
}
