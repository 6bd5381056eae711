/**
 * `cinesim keys …`: API keys and credits, written straight to the data folder's database (safe beside a
 * running server: SQLite in WAL mode serialises the writes). A new key is printed once; only its hash
 * is stored.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { optionalNumber, parseNumber } from '../options.ts';

interface DataFlags {
  data?: string;
  json: boolean;
}

interface CreateFlags extends DataFlags {
  name: string;
  credits?: string;
  rateLimit?: string;
  concurrency?: string;
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Create, list and revoke API keys; grant credits');
  const dataOption = ['--data <dir>', 'data folder of the server (default: $CINESIM_DATA or ./cinesim-data)'] as const;

  keys
    .command('create')
    .description('Create an API key (printed once; store it)')
    .option('--name <name>', 'a label for listings', 'default')
    .option('--credits <n>', 'initial credits [number] (default: unmetered)')
    .option('--rate-limit <n>', 'requests per minute [integer] (default: unlimited)')
    .option('--concurrency <n>', 'jobs running at once [integer] (default: unlimited)')
    .option(...dataOption)
    .option('--json', 'print the key and its settings as JSON', false)
    .addHelpText('after', '\nExample:\n  export CINESIM_API_KEY=$(cinesim keys create --credits 100 --rate-limit 600 | head -1)\n')
    .action(async (flags: CreateFlags) => {
      const num = (v: string | undefined, flag: string, integer: boolean) => optionalNumber(v, flag, { min: integer ? 1 : 0, integer });
      const credits = num(flags.credits, '--credits', false);
      const rateLimit = num(flags.rateLimit, '--rate-limit', true);
      const concurrency = num(flags.concurrency, '--concurrency', true);
      await withKeyStore(flags, ({ keys }) => {
        const created = keys.create({ name: flags.name, credits, rateLimit, concurrency });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ key: created.key, webhook_secret: created.webhookSecret, ...created.info })}\n`);
          return;
        }
        process.stdout.write(`${created.key}\n`);
        process.stderr.write(
          `API key ${created.info.id} (${created.info.name}): shown once, store it now.\n` +
            `  credits: ${created.info.balance ?? 'unmetered'}, rate limit: ${rateLimit ?? 'unlimited'}/min, concurrency: ${concurrency ?? 'unlimited'}\n` +
            `  webhook signing secret: ${created.webhookSecret}\n`,
        );
      });
    });

  keys
    .command('list')
    .description('List API keys (ids, names, credits, limits; never the keys)')
    .option(...dataOption)
    .option('--json', 'print JSON', false)
    .action(async (flags: DataFlags) =>
      withKeyStore(flags, ({ keys }) => {
        const list = keys.list();
        if (flags.json) return void process.stdout.write(`${JSON.stringify(list)}\n`);
        for (const k of list) {
          const state = k.revokedAt === null ? '' : ' (revoked)';
          process.stdout.write(
            `${k.id}  ${k.hint}  ${k.name}${state}  credits ${k.balance ?? 'unmetered'}  rate ${k.rateLimit ?? '-'}/min  concurrency ${k.concurrency ?? '-'}\n`,
          );
        }
      }),
    );

  keys
    .command('revoke')
    .description('Revoke an API key (its videos stay)')
    .argument('<id>', 'key id (key_…), as `cinesim keys list` shows')
    .option(...dataOption)
    .action(async (id: string, flags: DataFlags) =>
      withKeyStore(flags, ({ keys }) => {
        keys.revoke(id);
        process.stderr.write(`revoked ${id}\n`);
      }),
    );

  keys
    .command('credit')
    .description('Grant credits to a metered key')
    .argument('<id>', 'key id (key_…)')
    .argument('<credits>', 'credits to add [number]')
    .option(...dataOption)
    .action(async (id: string, credits: string, flags: DataFlags) =>
      withKeyStore(flags, ({ ledger }) => {
        const balance = ledger.grant(id, parseNumber(credits, 'credits', { min: 0.001 }));
        process.stdout.write(`${balance ?? 'unmetered'}\n`);
      }),
    );
}

async function withKeyStore(
  flags: DataFlags,
  fn: (stores: { keys: import('../../server/accounts/keys.ts').KeyStore; ledger: import('../../server/accounts/ledger.ts').CreditLedger }) => void,
): Promise<void> {
  const [{ DATABASE_FILE, openDatabase }, { KeyStore }, { CreditLedger }] = await Promise.all([
    import('../../server/db/database.ts'),
    import('../../server/accounts/keys.ts'),
    import('../../server/accounts/ledger.ts'),
  ]);
  const dataDir = resolve(flags.data ?? process.env.CINESIM_DATA ?? './cinesim-data');
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  try {
    const ledger = new CreditLedger(db);
    fn({ keys: new KeyStore(db, ledger), ledger });
  } finally {
    db.close();
  }
}
