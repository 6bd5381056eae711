/**
 * API keys. A key is 32 random bytes (`csk_<base64url>`), shown once at creation; the database keeps only
 * its SHA-256. A slow password hash is not needed: the key has 256 bits of entropy, so its hash cannot be
 * brute-forced, and looking keys up by hash keeps authentication to one indexed read per request.
 *
 * Each key also owns a webhook signing secret (`whsec_…`, Standard Webhooks), shown with the key.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CinesimError, ERRORS } from '../../errors.ts';
import { cachedPrepare, type Db } from '../db/database.ts';
import { newId } from '../ids.ts';
import type { CreditLedger } from './ledger.ts';

const KEY_PREFIX = 'csk_';

/** Who a request acts as. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  /** Requests per minute; null = unlimited. */
  readonly rateLimit: number | null;
  /** Jobs running at once; null = unlimited. */
  readonly concurrency: number | null;
  readonly webhookSecret: string;
}

export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly hint: string;
  /** Credits; null = unmetered. */
  readonly balance: number | null;
  readonly rateLimit: number | null;
  readonly concurrency: number | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface CreateKeyOptions {
  readonly name?: string;
  /** Initial credits; absent = unmetered. */
  readonly credits?: number;
  readonly rateLimit?: number;
  readonly concurrency?: number;
}

export interface CreatedKey {
  /** The secret key: shown once, never stored. */
  readonly key: string;
  readonly webhookSecret: string;
  readonly info: ApiKeyInfo;
}

interface KeyRow {
  id: string;
  name: string;
  hash: string;
  hint: string;
  webhook_secret: string;
  balance: number | null;
  rate_limit: number | null;
  concurrency: number | null;
  created_at: number;
  revoked_at: number | null;
}

/** The key every request uses when the server runs without auth (`--no-auth`). */
export const LOCAL_KEY_ID = 'key_local';

export class KeyStore {
  private readonly sql: Db['prepare'];

  constructor(
    private readonly db: Db,
    private readonly ledger: CreditLedger,
  ) {
    this.sql = cachedPrepare(db);
  }

  private row(column: 'id' | 'hash', value: string): KeyRow | undefined {
    return this.sql<[string], KeyRow>(`SELECT * FROM api_keys WHERE ${column} = ?`).get(value);
  }

  create(options: CreateKeyOptions = {}): CreatedKey {
    checkLimit('rate_limit', options.rateLimit);
    checkLimit('concurrency', options.concurrency);
    if (options.credits !== undefined && !(Number.isFinite(options.credits) && options.credits >= 0)) {
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `credits must be a number >= 0, got ${options.credits}`, { param: 'credits' });
    }
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const id = newId('key');
    const webhookSecret = newWebhookSecret();
    this.db.transaction(() => {
      this.sql(
        `INSERT INTO api_keys (id, name, hash, hint, webhook_secret, balance, rate_limit, concurrency, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, options.name ?? 'default', hashKey(key), `${KEY_PREFIX}…${key.slice(-4)}`, webhookSecret,
        options.credits === undefined ? null : 0, options.rateLimit ?? null, options.concurrency ?? null, Date.now());
      if (options.credits !== undefined && options.credits > 0) this.ledger.grant(id, options.credits);
    }).immediate();
    return { key, webhookSecret, info: this.info(id)! };
  }

  /** The principal of a presented key, or undefined when it is unknown or revoked. */
  verify(presented: string): Principal | undefined {
    if (!presented.startsWith(KEY_PREFIX) || presented.length > 128) return undefined;
    const hash = hashKey(presented);
    const row = this.row('hash', hash);
    // The lookup already matched on the hash; the constant-time compare keeps the check itself free of
    // timing differences should the lookup ever become a prefix or range scan.
    if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex')) || row.revoked_at !== null) return undefined;
    return principalOf(row);
  }

  /** The built-in key of an auth-less server: unmetered, unlimited; created on first use. */
  local(): Principal {
    this.sql(
      `INSERT OR IGNORE INTO api_keys (id, name, hash, hint, webhook_secret, balance, created_at)
       VALUES (?, 'local', ?, '(no auth)', ?, NULL, ?)`,
    ).run(LOCAL_KEY_ID, hashKey(randomBytes(32).toString('hex')), newWebhookSecret(), Date.now());
    return principalOf(this.row('id', LOCAL_KEY_ID)!);
  }

  principal(id: string): Principal | undefined {
    const row = this.row('id', id);
    return row && principalOf(row);
  }

  info(id: string): ApiKeyInfo | undefined {
    const row = this.row('id', id);
    return row && infoOf(row);
  }

  list(): ApiKeyInfo[] {
    return this.sql<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at').all().map(infoOf);
  }

  /** Revokes a key (idempotent); its jobs and ledger stay. */
  revoke(id: string): ApiKeyInfo {
    if (!this.info(id)) throw new CinesimError(ERRORS.NOT_FOUND, `no API key with id ${id}`, { param: 'id' });
    this.sql('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(Date.now(), id);
    return this.info(id)!;
  }
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

function checkLimit(param: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${param} must be a whole number >= 1, got ${value}`, { param });
  }
}

function principalOf(row: KeyRow): Principal {
  return { keyId: row.id, name: row.name, rateLimit: row.rate_limit, concurrency: row.concurrency, webhookSecret: row.webhook_secret };
}

function infoOf(row: KeyRow): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    balance: row.balance === null ? null : row.balance / 1000,
    rateLimit: row.rate_limit,
    concurrency: row.concurrency,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
