/**
 * `cinesim serve`: the HTTP API (src/server) with its job queue, storage, keys and credits, on one data
 * folder. Prints the URL on stdout; logs go to stderr. SIGINT/SIGTERM shut down gracefully: the running
 * job gets a grace time to finish, otherwise it is requeued and finishes after the next start.
 */
import { Option, type Command } from 'commander';
import { parseNumber } from '../options.ts';

interface ServeFlags {
  port: string;
  host: string;
  data?: string;
  workers: string;
  threads?: string;
  auth: boolean;
  allowPrivateUrls: boolean;
  model?: string[];
  defaultModel?: string;
  world: string;
  creditsPerSecond: string;
  publicUrl?: string;
  retentionHours?: string;
  quiet: boolean;
  debugStepDelayMs?: string;
  leaseMs?: string;
  shutdownGraceMs?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the Cinesim API server (OpenAI-style /v1/videos, job queue, API keys and credits)')
    .option('--port <n>', 'TCP port [integer] (0 = any free port)', '8787')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'data folder: database, files, secrets (default: $CINESIM_DATA or ./cinesim-data)')
    .option('--workers <n>', 'generation workers, each running one job at a time [integer]', '1')
    .option('--threads <n>', 'CPU threads per worker [integer] (default: the cores but one, shared)')
    .option('--no-auth', 'no API keys: every request is the local user (loopback --host only)')
    .option('--allow-private-urls', 'let input and callback URLs reach loopback and private addresses', false)
    .option('--model <name|dir...>', 'models to serve (default: every video model under models/ and $CINESIM_MODELS)')
    .option('--default-model <name>', 'model used when a request names none (default: shapes-64 when served)')
    .option('--world <name|dir>', 'world model the studio\'s Play page runs in the browser', 'world-64')
    .option('--credits-per-second <n>', 'price of one second of output [number]', '1')
    .option('--public-url <url>', 'base URL in share links (default: from the request)')
    .option('--retention-hours <h>', 'delete completed videos after this many hours [number] (default: keep)')
    .option('--quiet', 'log only warnings and errors', false)
    .addOption(new Option('--debug-step-delay-ms <ms>', 'test only: sleep this long in every denoising step').hideHelp())
    .addOption(new Option('--lease-ms <ms>', 'job lease without heartbeat before it is requeued').hideHelp())
    .addOption(new Option('--shutdown-grace-ms <ms>', 'how long a running job may take to finish on shutdown').hideHelp())
    .addHelpText('after', '\nExamples:\n  cinesim keys create --credits 100\n  cinesim serve --port 8787\n  cinesim serve --no-auth --model test/fixtures/tiny-model\n')
    .action(async (flags: ServeFlags) => serveCommand(flags));
}

async function serveCommand(flags: ServeFlags): Promise<void> {
  const int = (value: string, flag: string, min: number) => parseNumber(value, flag, { min, integer: true });
  const { startServer } = await import('../../server/server.ts');
  const { ensureStudioBuilt } = await import('../../server/studio/build.ts');
  const server = await startServer(
    {
      dataDir: flags.data,
      host: flags.host,
      port: int(flags.port, '--port', 0),
      workers: int(flags.workers, '--workers', 1),
      threadsPerWorker: flags.threads === undefined ? undefined : int(flags.threads, '--threads', 1),
      auth: flags.auth,
      allowPrivateUrls: flags.allowPrivateUrls,
      models: flags.model,
      defaultModel: flags.defaultModel,
      world: flags.world,
      creditsPerSecond: parseNumber(flags.creditsPerSecond, '--credits-per-second', { min: 0 }),
      publicUrl: flags.publicUrl,
      retentionSeconds: flags.retentionHours === undefined ? null : Math.round(parseNumber(flags.retentionHours, '--retention-hours', { min: 0.001 }) * 3600),
      logLevel: flags.quiet ? 'warn' : 'info',
      queue: {
        leaseMs: flags.leaseMs === undefined ? undefined : int(flags.leaseMs, '--lease-ms', 100),
        shutdownGraceMs: flags.shutdownGraceMs === undefined ? undefined : int(flags.shutdownGraceMs, '--shutdown-grace-ms', 0),
      },
      debug: flags.debugStepDelayMs === undefined ? undefined : { stepDelayMs: int(flags.debugStepDelayMs, '--debug-step-delay-ms', 0) },
    },
    { handleSignals: true },
  );
  // The studio is built (when missing or stale) beside the API, which is already up: `/` says it is coming. Not
  // before: a server that cannot start (a bad port, a bad model) should not start a build on its way out.
  const log = (line: string) => process.stderr.write(`cinesim: ${line}\n`);
  void ensureStudioBuilt({ log }).then((studio) => studio.error && log(`the web studio is unavailable: ${studio.error}`));
  const { config, catalog } = server.app;
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(
    `Cinesim API listening on ${server.url} (docs ${server.url}/docs)\n` +
      `  studio: open ${server.url}/ in a browser\n` +
      `  models: ${catalog.names().join(', ')} (default ${catalog.defaultName}); data: ${config.dataDir}\n` +
      `  ${config.auth ? 'API keys required (create one with `cinesim keys create`)' : 'no auth: every request is the local user'}\n`,
  );
  // Stay up until a signal closes the server (startServer exits the process then).
  await new Promise<never>(() => undefined);
}
