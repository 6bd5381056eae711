/**
 * The server's own secret (signs share links), kept in the data folder so that links survive restarts
 * and every process serving one data folder agrees. Created once with owner-only permissions.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'server-secret';

export function loadServerSecret(dataDir: string): Buffer {
  const path = join(dataDir, FILE);
  try {
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  } catch {
    mkdirSync(dataDir, { recursive: true });
    try {
      // 'wx': exactly one of two processes starting together creates it; the other reads it.
      writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  }
}
