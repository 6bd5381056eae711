/**
 * `cinesim eval --write`: the figures stored where people and tools read them.
 * - The model's manifest.json `metrics` gets a compact summary (other manifest keys, and other keys of
 *   `metrics`, are kept as they are).
 * - docs/RESULTS.md gets the model's section, between `<!-- results:NAME -->` and `<!-- /results:NAME -->`,
 *   so a re-run replaces only that model's section.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadManifest, MANIFEST_FILE } from '../engine/index.ts';
import { SCORED_ATTRIBUTES, type AdherenceSummary, type GroupScore } from './adherence.ts';
import { formatMarkdown, TARGETS, type EvalReport } from './report.ts';

/** The repository's results page. */
export const RESULTS_FILE = fileURLToPath(new URL('../../docs/RESULTS.md', import.meta.url));

const RESULTS_HEADER = `# Cinesim results

Every model ships with numbers from \`cinesim eval\`, never with impressions. Each section below is written by
\`cinesim eval --write\` and replaced when that model is evaluated again; the command in each section reproduces it.

How the figures are measured (src/eval):
- **Suite**: a fixed list of prompts (src/eval/suites/), 3 of 4 from the training distribution and 1 of 4 built
  from attribute combinations held out of training, in English and Chinese, each with its scene and seed.
- **Adherence**: a probe trained only on rendered clips (models/probe-*) reads each clip; a stated colour, shape,
  size, texture or motion counts as followed when the probe gives it probability > 0.5, a stated camera move or
  background when it is the probe's top choice. Usable yield is the share of clips with every stated value read.
  The same scenes rendered by the simulator bound what the probe can confirm.
- **VAE**: PSNR/SSIM of rendered clips through the model's VAE (as training/cinesim_train/metrics.py).
- **Flicker**: mean |f_t − (f_{t−1} + f_{t+1})/2| / 255; 0 for a still clip, read next to the rendered clips' value.
- **Fréchet distance**: FID's formula over the probe's 256 features, next to the rendered-vs-rendered floor.

Targets: colour ≥ ${TARGETS.attributes.color! * 100}%, shape ≥ ${TARGETS.attributes.shape! * 100}%, motion ≥ ${TARGETS.attributes.motion! * 100}%, \
background ≥ ${TARGETS.attributes.background! * 100}%, usable yield ≥ ${TARGETS.usableYield * 100}%, held-out within \
${TARGETS.heldOutGap * 100} points of seen.
`;

const round = (v: number | null, digits = 4) => (v === null ? null : Number(v.toFixed(digits)));

function groupFigures(g: GroupScore): Record<string, number | null> {
  return {
    ...Object.fromEntries(SCORED_ATTRIBUTES.map((a) => [a, round(g.attributes[a].rate)])),
    usableYield: round(g.usableYield),
    clips: g.clips,
  };
}

function summaryFigures(s: AdherenceSummary): Record<string, unknown> {
  return { all: groupFigures(s.all), seen: groupFigures(s.seen), heldOut: groupFigures(s.heldOut) };
}

/** The compact summary stored in a manifest's `metrics`. */
export function manifestMetrics(report: EvalReport): Record<string, unknown> {
  const { settings: s } = report;
  return {
    suite: report.suite.name,
    clips: report.suite.clips,
    probe: report.probe.name,
    date: report.date,
    command: `${report.command} --write`,
    settings: { steps: s.steps, guidance: s.guidance, shift: s.shift, sampler: s.sampler },
    adherence: { generated: summaryFigures(report.adherence.generated), rendered: summaryFigures(report.adherence.rendered) },
    usableYieldByLanguage: Object.fromEntries(
      Object.entries(report.adherence.byLanguage).map(([lang, pair]) => [lang, round(pair.generated.all.usableYield)]),
    ),
    vae: { clips: report.vae.clips, psnr: round(report.vae.psnr, 2), ssim: round(report.vae.ssim) },
    flicker: { generated: round(report.flicker.generated), rendered: round(report.flicker.rendered) },
    frechet: { generatedVsRendered: round(report.frechet.generatedVsRendered, 3), renderedVsRendered: round(report.frechet.renderedVsRendered, 3) },
    targetsMet: report.targets.every((t) => t.met === true),
  };
}

/**
 * Merges the summary into `modelDir/manifest.json` and checks the manifest still loads. Returns its path.
 * Only the `metrics` value is rewritten: the rest of the file keeps its exact text (the Python exporter
 * writes `4.0` and `1e-06`, which a full re-serialisation would turn into `4` and `0.000001`).
 */
export async function writeManifestMetrics(modelDir: string, report: EvalReport): Promise<string> {
  const file = join(modelDir, MANIFEST_FILE);
  const text = await readFile(file, 'utf8');
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const metrics = { ...((manifest.metrics ?? {}) as Record<string, unknown>), ...manifestMetrics(report) };
  const updated = setTopLevelValue(text, 'metrics', metrics);
  if (!isDeepStrictEqual(JSON.parse(updated), { ...manifest, metrics })) {
    throw new Error(`${file}: could not update 'metrics' in place; the file was left as it was`);
  }
  await writeFile(file, updated, 'utf8');
  await loadManifest(modelDir);
  return file;
}

/**
 * `text` (a JSON object, 2-space indented) with the value of its top-level `key` replaced by `value`, or
 * the key appended when absent. Finds the value's extent by scanning strings and nesting depth.
 */
export function setTopLevelValue(text: string, key: string, value: unknown): string {
  const json = JSON.stringify(value, null, 2).replace(/\n/g, '\n  '); // nested one level
  let depth = 0;
  let stringStart = -1; // ≥ 0 while inside a string
  let lastKey: string | undefined; // the last string seen at depth 1 since the last comma
  let valueStart = -1; // just after `"key":` once found
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (stringStart >= 0) {
      if (c === '\\') i++;
      else if (c === '"') {
        if (depth === 1) lastKey = JSON.parse(text.slice(stringStart, i + 1)) as string;
        stringStart = -1;
      }
    } else if (c === '"') stringStart = i;
    else if (c === '{' || c === '[') depth++;
    else if (depth === 1 && valueStart >= 0 && (c === ',' || c === '}')) {
      const trailing = /\s*$/.exec(text.slice(valueStart, i))![0]; // keep the newline before a closing brace
      return `${text.slice(0, valueStart)} ${json}${trailing}${text.slice(i)}`;
    } else if (depth === 1 && c === ':' && lastKey === key) valueStart = i + 1;
    else if (depth === 1 && c === ',') lastKey = undefined;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        const body = text.slice(0, i).trimEnd();
        return `${body}${body.endsWith('{') ? '' : ','}\n  ${JSON.stringify(key)}: ${json}\n${text.slice(i)}`;
      }
    }
  }
  throw new Error('expected a JSON object');
}

/** `markdown` with the section named `name` set to `body`: replaced in place when present, else appended. */
export function replaceSection(markdown: string, name: string, body: string): string {
  const open = `<!-- results:${name} -->`;
  const close = `<!-- /results:${name} -->`;
  const section = `${open}\n${body.trimEnd()}\n${close}`;
  const start = markdown.indexOf(open);
  const end = markdown.indexOf(close);
  if (start >= 0 && end > start) return markdown.slice(0, start) + section + markdown.slice(end + close.length);
  return `${markdown.trimEnd()}\n\n${section}\n`;
}

/** Writes the report's section into the results page (created with its header when missing). Returns its path. */
export async function writeResults(report: EvalReport, file: string = RESULTS_FILE): Promise<string> {
  const current = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return RESULTS_HEADER;
    throw e;
  });
  const withCommand = { ...report, command: `${report.command} --write` };
  await writeFile(file, replaceSection(current, report.model.name, formatMarkdown(withCommand)), 'utf8');
  return file;
}
