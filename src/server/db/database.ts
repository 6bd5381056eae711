/**
 * The embedded SQLite database (better-sqlite3) that holds everything durable: keys and the credit ledger,
 * jobs and their history, stored files, webhook deliveries. WAL mode lets readers (status polls) run while
 * a writer commits, and lets `cinesim keys` work beside a running server.
 *
 * Schema changes are numbered migrations applied in order inside one transaction each; `user_version`
 * records how far a file has come, so an old data folder upgrades itself at start.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** The database file inside a data folder. */
export const DATABASE_FILE = 'cinesim.db';

const MIGRATIONS: readonly string[] = [
  // 1: the first schema
  `
  CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    hash           TEXT NOT NULL UNIQUE,      -- sha256 hex of the secret key; the key itself is never stored
    hint           TEXT NOT NULL,             -- 'csk_…abcd', for listings
    webhook_secret TEXT NOT NULL,             -- 'whsec_<base64>', signs this key's callbacks
    balance        INTEGER,                   -- millicredits; NULL = unmetered
    rate_limit     INTEGER,                   -- requests per minute; NULL = unlimited
    concurrency    INTEGER,                   -- jobs running at once; NULL = unlimited
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER,
    CHECK (balance IS NULL OR balance >= 0)   -- the last guard: a balance can never go negative
  );

  CREATE TABLE ledger (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id     TEXT NOT NULL,
    job_id     TEXT,
    kind       TEXT NOT NULL CHECK (kind IN ('grant', 'charge', 'refund')),
    amount     INTEGER NOT NULL,              -- millicredits: + grant / refund, - charge
    seconds    REAL,
    created_at INTEGER NOT NULL
  );
  -- One charge and at most one refund per job, whatever races happen.
  CREATE UNIQUE INDEX ledger_once_per_job ON ledger (job_id, kind) WHERE job_id IS NOT NULL;
  CREATE INDEX ledger_by_key ON ledger (key_id);

  CREATE TABLE jobs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    key_id           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'in_progress', 'completed', 'failed', 'cancelled')),
    progress         INTEGER NOT NULL DEFAULT 0,
    model            TEXT NOT NULL,
    params           TEXT NOT NULL,           -- JSON JobParams: everything needed to run (and re-run) the job
    cost             INTEGER NOT NULL,        -- millicredits charged at creation
    idempotency_key  TEXT,
    request_hash     TEXT,
    remixed_from     TEXT,
    callback_url     TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    run_after        INTEGER NOT NULL,        -- ms epoch; retries wait
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    error_code       TEXT,
    error_message    TEXT,
    result           TEXT,                    -- JSON JobResult
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    completed_at     INTEGER,
    expires_at       INTEGER
  );
  CREATE UNIQUE INDEX jobs_idempotency ON jobs (key_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
  CREATE INDEX jobs_by_key ON jobs (key_id, seq);
  CREATE INDEX jobs_by_status ON jobs (status, run_after, seq);

  -- Every transition, for audit and for tests ("completed exactly once").
  CREATE TABLE job_events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id  TEXT NOT NULL,
    event   TEXT NOT NULL,
    attempt INTEGER,
    worker  TEXT,
    detail  TEXT,
    at      INTEGER NOT NULL
  );
  CREATE INDEX job_events_by_job ON job_events (job_id);

  -- Stored files of a job (outputs and normalised inputs), by content hash.
  CREATE TABLE job_files (
    job_id       TEXT NOT NULL,
    role         TEXT NOT NULL,
    hash         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    PRIMARY KEY (job_id, role)
  );
  CREATE INDEX job_files_by_hash ON job_files (hash);

  CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,         -- the webhook-id header; stays the same across retries
    key_id          TEXT NOT NULL,
    job_id          TEXT NOT NULL,
    url             TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
  );
  CREATE INDEX webhook_due ON webhook_deliveries (status, next_attempt_at);
  `,
];

/**
 * `db.prepare`, memoised by SQL text: compiling a statement costs more than running a simple one, and
 * the same few statements run on every request.
 */
export function cachedPrepare(db: Db): Db['prepare'] {
  const cache = new Map<string, unknown>();
  return ((sql: string) => {
    let statement = cache.get(sql);
    if (statement === undefined) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  }) as Db['prepare'];
}

/** Opens (creating when needed) the database file and brings its schema up to date. */
export function openDatabase(file: string): Db {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // with WAL: durable across process crashes (kill -9), fast commits
  db.pragma('busy_timeout = 5000'); // a second process (cinesim keys) waits instead of failing
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
