/**
 * `cinesim eval`: a video model measured on the fixed prompt suite (src/eval): per-attribute prompt
 * adherence read by the probe, generated vs rendered and seen vs held-out; usable yield; VAE PSNR/SSIM;
 * flicker; Fréchet distance over probe features. Prints a table, writes the JSON report, and with --write
 * stores the figures in the model's manifest and docs/RESULTS.md.
 *
 * `cinesim eval suite` checks the committed suite against its generator; `--write` regenerates it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { invalidArgument } from '../../errors.ts';
import type { LoadedEntry, Suite } from '../../eval/suite.ts';
import { parseNumber } from '../options.ts';
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

export function registerEval(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description('Measure a video model on the fixed prompt suite: adherence, usable yield, VAE PSNR/SSIM, flicker, Fréchet')
    .option('--model <name|dir>', 'video model name under models/ or a model folder', 'shapes-64')
    .option('--probe <name|dir>', 'probe model that reads the clips', 'probe-shapes')
    .option('--suite <name|file>', 'suite name under src/eval/suites/ or a suite .json file', 'shapes-v1')
    .option('--limit <n>', 'only the first N suite entries [integer]; the order keeps the seen/held-out mix (default: all)')
    .option('--steps <n>', 'denoising steps [integer] (default: the model\'s)')
    .option('--guidance <g>', 'classifier-free guidance scale [number] (default: the model\'s)')
    .option('--shift <s>', 'timestep shift [number] (default: the model\'s)')
    .option('--sampler <name>', 'euler | heun (default: the model\'s)')
    .option('--vae-clips <n>', 'rendered clips whose VAE reconstruction is measured [integer] (default: 64)')
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
}

async function evalCommandAction(flags: EvalFlags): Promise<void> {
  // Flags are checked before anything loads, so bad input fails at once with exit code 2.
  const num = (v: string | undefined, flag: string, range: Parameters<typeof parseNumber>[2]) =>
    v === undefined ? undefined : parseNumber(v, flag, range);
  const limit = num(flags.limit, '--limit', { min: 1, integer: true });
  const steps = num(flags.steps, '--steps', { min: 1, max: 1000, integer: true });
  const guidance = num(flags.guidance, '--guidance', { min: 0, max: 50 });
  const shift = num(flags.shift, '--shift', { min: 0.01, max: 100 });
  const vaeClips = num(flags.vaeClips, '--vae-clips', { min: 0, integer: true });
  const threads = num(flags.threads, '--threads', { min: 1, max: 256, integer: true });
  if (flags.sampler !== undefined && flags.sampler !== 'euler' && flags.sampler !== 'heun') {
    throw invalidArgument('--sampler', `--sampler must be euler or heun, got "${flags.sampler}"`);
  }

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
    steps,
    guidance,
    shift,
    sampler: flags.sampler as 'euler' | 'heun' | undefined,
    vaeClips,
    threads,
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
