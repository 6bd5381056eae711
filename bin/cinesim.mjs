#!/usr/bin/env node
// The launcher does only what must happen before loading: register the TypeScript loader, then hand over.
import { register } from 'tsx/esm/api';

register();
// A reader that goes away (`cinesim world vocab | head`) ends the command quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
