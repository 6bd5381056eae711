/**
 * `cinesim eval`: a video model measured on the fixed prompt suite (src/eval): per-attribute prompt
 * adherence read by the probe, generated vs rendered and seen vs held-out; usable yield; VAE PSNR/SSIM;
 * flicker; Fréchet distance over probe features. Prints a table, writes the JSON report, and with --write
 * stores the figures in the model's manifest and docs/RESULTS.md.
 *
 * `cinesim eval suite` checks the committed suite against its generator; `--write` regenerates it.
 * `cinesim eval modes` measures the generation modes (first/last frame, extend, long video, drift, aspect
 * ratio, camera control, reference subject, sound sync) and with --write stores them beside the rest.
 * `cinesim eval world` measures a world model against the simulator (src/eval/world.ts).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { invalidArgument } from '../../errors.ts';
import { MODE_PARTS, MODES_DEFAULTS, type ModePart } from '../../eval/modes-report.ts';
import type { LoadedEntry, Suite } from '../../eval/suite.ts';
import { checkOutPath } from '../input.ts';
import { checkModel } from '../models.ts';
import { optionalNumber, parseNumber, parseSampler } from '../options.ts';
import { Progress } from '../progress.ts';

interface EvalFlags {
  model: string;
  probe: string;
  suite: string;
  limit?: string;
  steps?: string;
  guidance?: string;
  shift?: string;
  sampler?: string;
  vaeClips?: string;
  threads?: string;
  out: string;
  write: boolean;
  quiet: boolean;
}

interface SuiteFlags {
  write: boolean;
}

interface WorldEvalFlags {
  model: string;
  probe: string;
  episodes?: string;
  frames?: string;
  steps?: string;
  contextNoise?: string;
  threads?: string;
  seed?: string;
  quick: boolean;
  out: string;
  write: boolean;
  quiet: boolean;
}

interface ModesFlags {
  model: string;
  probe: string;
  suite: string;
  limit: string;
  steps?: string;
  guidance?: string;
  shift?: string;
  sampler?: string;
  parts?: string;
  longPrompts: string;
  longSeconds: string;
  driftPrompts: string;
  driftSeconds: string;
  syncClips: string;
  threads?: string;
  out: string;
  write: boolean;
  quiet: boolean;
}

export function registerEval(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description('Measure a video model on the fixed prompt suite: adherence, usable yield, VAE PSNR/SSIM, flicker, Fréchet (`eval world`: a world model)')
    .option('--model <name|dir>', 'video model name under models/ or a model folder', 'shapes-64')
    .option('--probe <name|dir>', 'probe model that reads the clips', 'probe-shapes')
    .option('--suite <name|file>', 'suite name under src/eval/suites/ or a suite .json file', 'shapes-v1')
    .option('--limit <n>', 'only the first N suite entries [integer]; the order keeps the seen/held-out mix (default: all)')
    .option('--steps <n>', 'denoising steps [integer] (default: the model\'s)')
    .option('--guidance <g>', 'classifier-free guidance scale [number] (default: the model\'s)')
    .option('--shift <s>', 'timestep shift [number] (default: the model\'s)')
    .option('--sampler <name>', 'euler | heun (default: the model\'s)')
    .option('--vae-clips <n>', 'rendered clips put through the VAE (reconstruction, and adherence read after it and after a blur of the same PSNR) [integer] (default: all)')
    .option('--threads <n>', 'CPU threads for inference [integer] (default: all cores)')
    .option('--out <file>', 'where to write the JSON report', 'out/eval-report.json')
    .option('--write', 'store the figures in the model\'s manifest.json `metrics` and in docs/RESULTS.md', false)
    .option('--quiet', 'no progress bar or table; only the written files', false)
    .addHelpText(
      'after',
      '\nExamples:\n  cinesim eval --write                        # the default model on the whole suite (~240 clips)\n' +
        '  cinesim eval --limit 60 --steps 16 --out out/steps16.json\n  cinesim eval suite                          # check the committed suite\n',
    )
    .action(async (flags: EvalFlags) => evalCommandAction(flags));

  evalCommand
    .command('suite')
    .description('Check the committed prompt suite against its generator; --write regenerates it')
    .option('--write', 'rewrite src/eval/suites/shapes-v1.json from its fixed seed', false)
    // Commander hands flags after a subcommand to the parent when the parent knows them too (positional
    // options are a program-wide setting), so `eval suite --write` may arrive as eval's --write.
    .action(async (flags: SuiteFlags, command: Command) => suiteCommand({ write: flags.write || command.parent?.opts().write === true }));

  evalCommand
    .command('modes')
    .description('Measure the generation modes: first/last-frame PSNR, extend and long-video seams, drift, aspect ratio, camera control, reference identity, sound sync')
    .option('--model <name|dir>', 'video model name under models/ or a model folder', 'shapes-64')
    .option('--probe <name|dir>', 'probe model that reads the clips', 'probe-shapes')
    .option('--suite <name|file>', 'suite name under src/eval/suites/ or a suite .json file', 'shapes-v1')
    .option('--limit <n>', 'the first N suite entries [integer]', String(MODES_DEFAULTS.limit))
    .option('--steps <n>', 'denoising steps [integer] (default: the model\'s)')
    .option('--guidance <g>', 'classifier-free guidance scale [number] (default: the model\'s)')
    .option('--shift <s>', 'timestep shift [number] (default: the model\'s)')
    .option('--sampler <name>', 'euler | heun (default: the model\'s)')
    .option('--parts <list>', `comma-separated measures: ${MODE_PARTS.join(',')} (default: all)`)
    .option('--long-prompts <n>', 'long video: the first N entries [integer]', String(MODES_DEFAULTS.long.prompts))
    .option('--long-seconds <s>', 'long video: seconds each [number]', String(MODES_DEFAULTS.long.seconds))
    .option('--drift-prompts <n>', 'drift: the first N entries [integer]', String(MODES_DEFAULTS.drift.prompts))
    .option('--drift-seconds <s>', 'drift: seconds each; the first and last minute are compared [number]', String(MODES_DEFAULTS.drift.seconds))
    .option('--sync-clips <n>', 'sound sync: rendered clips src/audio evaluates [integer]', String(MODES_DEFAULTS.syncClips))
    .option('--threads <n>', 'CPU threads for inference [integer] (default: all cores)')
    .option('--out <file>', 'where to write the JSON report', 'out/eval-modes.json')
    .option('--write', 'store the figures in the manifest\'s `metrics.modes` and docs/RESULTS.md', false)
    .option('--quiet', 'no progress bar or tables; only the written files', false)
    .addHelpText(
      'after',
      '\nA full run on the default model takes about half an hour on 2 cores (each 5-minute drift video ~7 min).\n' +
        '\nExamples:\n  cinesim eval modes --write\n  cinesim eval modes --limit 8 --parts i2v,flf,reference --out out/modes-quick.json\n',
    )
    .action(async (flags: ModesFlags, command: Command) => modesCommand(withParentFlags(flags, command)));

  evalCommand
    .command('world')
    .description('Measure a world model against the simulator: one-step and rollout PSNR/SSIM, controllability, action accuracy, memory, collapse, speed')
    .option('--model <name|dir>', 'world model name under models/ or a model folder', 'world-64')
    .option('--probe <name|dir>', 'world probe (action, background and agent colour heads)', 'probe-world')
    .option('--episodes <n>', 'episodes played side by side [integer] (default: 8; --quick: 2)')
    .option('--frames <n>', 'frames of play per episode; collapse compares the last and first tenth, up to 100 frames [integer] (default: 1000; --quick: 40)')
    .option('--steps <n>', 'sampling steps per frame [integer] (default: the model\'s)')
    .option('--context-noise <s>', 'noise level on context frames, 0 to 0.9 [number] (default: the model\'s)')
    .option('--threads <n>', 'CPU threads for inference [integer] (default: all cores)')
    .option('--seed <n>', 'first episode seed [integer] (default: 900000, apart from the training seeds)')
    .option('--quick', 'a small run (tests, smoke checks)', false)
    .option('--out <file>', 'where to write the JSON report', 'out/eval-world.json')
    .option('--write', 'store the figures in the manifest\'s `metrics` and the model\'s section of docs/RESULTS.md', false)
    .option('--quiet', 'no progress bar or table; only the written files', false)
    .addHelpText('after', '\nExamples:\n  cinesim eval world --threads 2 --write      # world-64, about 10 minutes on 2 cores\n  cinesim eval world --quick --model test/fixtures/tiny-world --probe test/fixtures/tiny-world-probe\n')
    .action(async (flags: WorldEvalFlags, command: Command) => worldEvalCommand(withParentFlags(flags, command)));
}

async function worldEvalCommand(flags: WorldEvalFlags): Promise<void> {
  // Flags are checked before anything loads, so bad input fails at once with exit code 2.
  const count = (v: string | undefined, flag: string, min: number) => optionalNumber(v, flag, { min, max: 100_000, integer: true });
  const options = {
    model: flags.model,
    probe: flags.probe,
    episodes: count(flags.episodes, '--episodes', 1),
    frames: count(flags.frames, '--frames', 16),
    steps: optionalNumber(flags.steps, '--steps', { min: 1, max: 64, integer: true }),
    contextSigma: optionalNumber(flags.contextNoise, '--context-noise', { min: 0, max: 0.9 }),
    threads: optionalNumber(flags.threads, '--threads', { min: 1, max: 256, integer: true }),
    seed: optionalNumber(flags.seed, '--seed', { min: 0, max: 2 ** 31, integer: true }),
    quick: flags.quick,
  };
  await checkEvalInputs(flags, 'world');
  const [{ runWorldEval }, { formatWorldReport, writeWorldResults }, { consoleLogger }] = await Promise.all([
    import('../../eval/world.ts'),
    import('../../eval/world-report.ts'),
    import('../../engine/log.ts'),
  ]);
  const progress = new Progress('world', 0, process.stderr, flags.quiet);
  const report = await runWorldEval({ ...options, logger: consoleLogger, onProgress: (p) => progress.update(p.done, p.part, p.total) });
  if (!flags.quiet) process.stdout.write(`\n${formatWorldReport(report)}\n`);
  const out = resolve(flags.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  const written = [out];
  if (flags.write) written.push(...Object.values(await writeWorldResults(report)));
  for (const f of written) process.stderr.write(`wrote ${f}\n`);
}

/** The model (of the kind measured), the probe and where the report goes, checked before a long run begins. */
async function checkEvalInputs(flags: { model: string; probe: string; out: string }, kind: 'video' | 'world'): Promise<void> {
  await checkModel(flags.model, kind);
  await checkModel(flags.probe, 'probe', '--probe');
  await checkOutPath(flags.out, { flag: '--out', folder: false });
}

/**
 * Flags after `eval modes` that `eval` knows too arrive as eval's (see `suite` above): those the user
 * typed override the subcommand's defaults.
 */
function withParentFlags<T extends object>(flags: T, command: Command): T {
  const parent = command.parent;
  if (!parent) return flags;
  const typed = Object.entries(parent.opts()).filter(([key]) => parent.getOptionValueSource(key) === 'cli');
  return { ...flags, ...Object.fromEntries(typed) };
}

/** The sampling flags both commands share, checked. */
function samplingFlags(flags: Pick<EvalFlags, 'steps' | 'guidance' | 'shift' | 'sampler' | 'threads'>) {
  return {
    steps: optionalNumber(flags.steps, '--steps', { min: 1, max: 1000, integer: true }),
    guidance: optionalNumber(flags.guidance, '--guidance', { min: 0, max: 50 }),
    shift: optionalNumber(flags.shift, '--shift', { min: 0.01, max: 100 }),
    sampler: parseSampler(flags.sampler),
    threads: optionalNumber(flags.threads, '--threads', { min: 1, max: 256, integer: true }),
  };
}

async function modesCommand(flags: ModesFlags): Promise<void> {
  // Flags are checked before anything loads, so bad input fails at once with exit code 2.
  const count = (v: string, flag: string, min = 1) => parseNumber(v, flag, { min, integer: true });
  const limit = count(flags.limit, '--limit');
  const sampling = samplingFlags(flags);
  const long = { prompts: count(flags.longPrompts, '--long-prompts', 0), seconds: parseNumber(flags.longSeconds, '--long-seconds', { min: 1, max: 3600 }) };
  const drift = { prompts: count(flags.driftPrompts, '--drift-prompts', 0), seconds: parseNumber(flags.driftSeconds, '--drift-seconds', { min: 4, max: 3600 }) };
  const syncClips = count(flags.syncClips, '--sync-clips');
  const parts = flags.parts?.split(',').map((p) => p.trim());
  const unknown = parts?.filter((p) => !(MODE_PARTS as readonly string[]).includes(p)) ?? [];
  if (unknown.length > 0) throw invalidArgument('--parts', `--parts takes ${MODE_PARTS.join(', ')}; unknown: ${unknown.join(', ')}`);
  await checkEvalInputs(flags, 'video');

  const [{ runModesEval, formatModesReport, writeModesResults }, { consoleLogger }] = await Promise.all([
    import('../../eval/index.ts'),
    import('../../engine/log.ts'),
  ]);
  const progress = new Progress('modes', 0, process.stderr, flags.quiet);
  const report = await runModesEval({
    model: flags.model,
    probe: flags.probe,
    suite: flags.suite,
    limit,
    ...sampling,
    parts: parts as ModePart[] | undefined,
    long,
    drift,
    syncClips,
    logger: consoleLogger,
    onProgress: (p) => progress.update(p.done, p.part, p.total),
  });
  if (!flags.quiet) process.stdout.write(`\n${formatModesReport(report)}\n`);
  const out = resolve(flags.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  const written = [out];
  if (flags.write) written.push(...Object.values(await writeModesResults(report)));
  for (const f of written) process.stderr.write(`wrote ${f}\n`);
}

async function evalCommandAction(flags: EvalFlags): Promise<void> {
  // Flags are checked before anything loads, so bad input fails at once with exit code 2.
  const limit = optionalNumber(flags.limit, '--limit', { min: 1, integer: true });
  const sampling = samplingFlags(flags);
  const vaeClips = optionalNumber(flags.vaeClips, '--vae-clips', { min: 0, integer: true });
  await checkEvalInputs(flags, 'video');

  const [{ runEval, formatReport, writeManifestMetrics, writeResults }, { consoleLogger }] = await Promise.all([
    import('../../eval/index.ts'),
    import('../../engine/log.ts'),
  ]);
  const progress = new Progress('eval', 0, process.stderr, flags.quiet);
  const report = await runEval({
    model: flags.model,
    probe: flags.probe,
    suite: flags.suite,
    limit,
    ...sampling,
    vaeClips,
    logger: consoleLogger,
    onProgress: (p) => progress.update(p.done, p.id, p.total),
  });
  if (!flags.quiet) process.stdout.write(`\n${formatReport(report)}\n`);

  const out = resolve(flags.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  const written = [out];
  if (flags.write) written.push(await writeManifestMetrics(report.model.dir, report), await writeResults(report));
  for (const f of written) process.stderr.write(`wrote ${f}\n`);
}

async function suiteCommand(flags: SuiteFlags): Promise<void> {
  const { buildSuite, formatSuite, loadSuite, suitePath, writeSuite, SHAPES_V1 } = await import('../../eval/suite.ts');
  const built = buildSuite(SHAPES_V1);
  if (flags.write) {
    const path = await writeSuite(built);
    const suite = await loadSuite(path); // what was written must load and pass its own checks
    process.stdout.write(`${describeSuite(suite)}\nwrote ${path}\n`);
    return;
  }
  const suite = await loadSuite(SHAPES_V1.name);
  const committed = await readFile(suitePath(SHAPES_V1.name), 'utf8');
  const upToDate = committed === formatSuite(built);
  process.stdout.write(
    `${describeSuite(suite)}\n` +
      (upToDate
        ? 'the committed file is what its generator writes\n'
        : 'the committed file differs from what its generator writes now (the sampler or captions changed); it is still ' +
          'valid and is what eval uses. Regenerate only for a new suite version.\n'),
  );
}

function describeSuite(suite: Suite): string {
  const count = (pred: (e: LoadedEntry) => boolean) => suite.entries.filter(pred).length;
  const objects = [1, 2, 3].map((n) => `${count((e) => e.spec.objects.length === n)}×${n}`).join(', ');
  return (
    `suite ${suite.name} (${suite.path}): ${suite.entries.length} prompts, ${count((e) => e.heldOut !== null)} held-out, ` +
    `${count((e) => e.lang === 'zh')} Chinese; objects ${objects}; every prompt parses to its scene`
  );
}
