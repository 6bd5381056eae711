/**
 * The credit ledger: every grant, charge and refund is a row; a key's balance is kept beside it in
 * `api_keys.balance` and changed only in the same transaction as its row. Amounts are integer millicredits,
 * so sums are exact; the API shows credits (millicredits / 1000).
 *
 * Why a balance can never go negative nor a job be charged twice, even under concurrent requests:
 * - a charge is one guarded UPDATE (`balance >= amount`) inside the caller's transaction (the job insert),
 *   which SQLite serialises (BEGIN IMMEDIATE takes the write lock first, also across processes);
 * - a CHECK constraint on the column refuses a negative value should any code path forget the guard;
 * - a unique index allows one charge and one refund per job, so a refund racing a second refund
 *   (cancel vs. failure) inserts once and credits once.
 */
import { CinesimError, ERRORS } from '../../errors.ts';
import { cachedPrepare, type Db } from '../db/database.ts';

export const toMilli = (credits: number): number => Math.round(credits * 1000);
export const fromMilli = (milli: number): number => milli / 1000;

export interface Usage {
  /** Credits; null = unmetered. */
  readonly balance: number | null;
  readonly granted: number;
  readonly charged: number;
  readonly refunded: number;
  /** Seconds of output charged and not refunded. */
  readonly seconds: number;
}

export class CreditLedger {
  private readonly sql: Db['prepare'];

  constructor(private readonly db: Db) {
    this.sql = cachedPrepare(db);
  }

  /** Adds credits to a metered key (an unmetered key stays unmetered); returns the new balance. */
  grant(keyId: string, credits: number): number | null {
    const amount = toMilli(credits);
    if (!(amount > 0)) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `credits to grant must be > 0, got ${credits}`, { param: 'credits' });
    return this.db.transaction(() => {
      const changed = this.sql('UPDATE api_keys SET balance = balance + ? WHERE id = ?').run(amount, keyId).changes;
      if (changed === 0) throw new CinesimError(ERRORS.NOT_FOUND, `no API key with id ${keyId}`, { param: 'key' });
      this.insert(keyId, null, 'grant', amount, null);
      return this.balance(keyId);
    }).immediate();
  }

  /**
   * Charges a job's cost. Call inside the transaction that creates the job, so both happen or neither.
   * Throws INSUFFICIENT_CREDITS when the balance does not cover it.
   */
  charge(keyId: string, jobId: string, amount: number, seconds: number): void {
    const changed = this.sql('UPDATE api_keys SET balance = balance - @amount WHERE id = @keyId AND (balance IS NULL OR balance >= @amount)')
      .run({ keyId, amount }).changes;
    if (changed === 0) {
      const balance = this.balance(keyId);
      throw new CinesimError(
        ERRORS.INSUFFICIENT_CREDITS,
        `this video costs ${fromMilli(amount)} credits and the key has ${balance ?? 0} left`,
        { details: { cost: fromMilli(amount), balance } },
      );
    }
    this.insert(keyId, jobId, 'charge', -amount, seconds);
  }

  /** Gives a job's charge back, once; returns false when there was no charge or it was already refunded. */
  refund(jobId: string): boolean {
    return this.db.transaction(() => {
      const charge = this.sql<[string], { key_id: string; amount: number; seconds: number | null }>(
          "SELECT key_id, amount, seconds FROM ledger WHERE job_id = ? AND kind = 'charge'",
        ).get(jobId);
      if (!charge) return false;
      const inserted = this.insert(charge.key_id, jobId, 'refund', -charge.amount, charge.seconds, true);
      if (inserted) this.sql('UPDATE api_keys SET balance = balance + ? WHERE id = ?').run(-charge.amount, charge.key_id);
      return inserted;
    })();
  }

  /** Credits left; null = unmetered. */
  balance(keyId: string): number | null {
    const row = this.sql<[string], { balance: number | null }>('SELECT balance FROM api_keys WHERE id = ?').get(keyId);
    return row?.balance == null ? null : fromMilli(row.balance);
  }

  usage(keyId: string): Usage {
    const sums = this.sql<[string], { granted: number | null; charged: number | null; refunded: number | null; seconds: number | null }>(
        `SELECT SUM(CASE WHEN kind = 'grant' THEN amount END) AS granted,
                -SUM(CASE WHEN kind = 'charge' THEN amount END) AS charged,
                SUM(CASE WHEN kind = 'refund' THEN amount END) AS refunded,
                SUM(CASE WHEN kind = 'charge' THEN seconds WHEN kind = 'refund' THEN -seconds END) AS seconds
         FROM ledger WHERE key_id = ?`,
      ).get(keyId)!;
    return {
      balance: this.balance(keyId),
      granted: fromMilli(sums.granted ?? 0),
      charged: fromMilli(sums.charged ?? 0),
      refunded: fromMilli(sums.refunded ?? 0),
      seconds: sums.seconds ?? 0,
    };
  }

  private insert(keyId: string, jobId: string | null, kind: 'grant' | 'charge' | 'refund', amount: number, seconds: number | null, orIgnore = false): boolean {
    return (
      this.sql(`INSERT ${orIgnore ? 'OR IGNORE ' : ''}INTO ledger (key_id, job_id, kind, amount, seconds, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(keyId, jobId, kind, amount, seconds, Date.now()).changes === 1
    );
  }
}
