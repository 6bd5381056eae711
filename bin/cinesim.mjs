#!/usr/bin/env node
// The launcher does only what must happen before loading: register the TypeScript loader, then hand over.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
