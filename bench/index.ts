/**
 * `npm run bench`: runs every benchmark module in bench/ and prints their figures side by side.
 * A module exports `run(): Promise<BenchRow[]>`; rows that compare alternatives share a `group`.
 * `npm run bench -- render` runs only modules whose file name contains "render".
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { printTable, type BenchRow } from './table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
const selected = files.filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));
if (selected.length === 0) {
  console.error(`no benchmark matches ${filter.join(', ')}; have: ${files.join(', ')}`);
  process.exit(2);
}
for (const file of selected) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run: () => Promise<BenchRow[]> };
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  printTable(await mod.run());
}
