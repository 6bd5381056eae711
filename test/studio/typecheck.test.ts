/**
 * The studio's sources type-check under their own settings (web/tsconfig.json: DOM, JSX), which the
 * project's `tsc --noEmit` does not cover.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT } from '../server/helpers.ts';

it('type-checks web/ (strict, with the server’s own API types)', async () => {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(ROOT, 'web', 'tsconfig.json'), '--pretty', 'false']).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(result).toBe('');
}, 60_000);
