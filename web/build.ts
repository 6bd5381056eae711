/**
 * Builds the studio (web/dist) when it is missing or older than its sources; does nothing otherwise.
 * `cinesim serve` does the same on start; this entry is for set-up scripts and CI:
 *
 *   node bin/run-ts.mjs web/build.ts
 */
import { ensureStudioBuilt } from '../src/server/studio/build.ts';

const result = await ensureStudioBuilt({ log: (line) => console.error(`studio: ${line}`) });
if (result.error) {
  console.error(`studio: ${result.error}`);
  process.exitCode = 1;
} else {
  console.error(result.built ? 'studio: built web/dist' : 'studio: web/dist is up to date');
}
