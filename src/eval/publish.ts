/**
 * `cinesim eval --write` and `cinesim eval modes --write`: the figures stored where people and tools read them.
 * - The model's manifest.json `metrics` gets a compact summary (other manifest keys, and other keys of
 *   `metrics`, are kept as they are); the modes summary goes under `metrics.modes`.
 * - docs/RESULTS.md gets the model's section, between `<!-- results:NAME -->` and `<!-- /results:NAME -->`
 *   (`NAME:modes` for the modes), so a re-run replaces only that section.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadManifest, MANIFEST_FILE } from '../engine/index.ts';
import { SCORED_ATTRIBUTES, statedShare, type AdherenceSummary, type GroupScore } from './adherence.ts';
import { formatModesMarkdown, MODES_TARGETS, type ModesReport, type SeamFigures } from './modes-report.ts';
import { formatMarkdown, TARGETS, type EvalReport } from './report.ts';

/** The repository's results page. */
export const RESULTS_FILE = fileURLToPath(new URL('../../docs/RESULTS.md', import.meta.url));

/** The page's opening (how figures are measured), for a page written from scratch. */
export const RESULTS_HEADER = `# Cinesim results

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
- **Generation modes** (\`cinesim eval modes\`, src/eval/modes.ts), on the first N suite entries:
  - *first / last frame*: the rendered clip's frame 0 (and last frame) is given; PSNR of the generated frame against
    it after decode. Given latents are kept exactly, so this is mostly the VAE, shown beside the same image through
    the VAE alone; adherence of these clips says whether the motion still follows the prompt.
  - *seams* (extend, long video): mean |pixel change| into the first new frame over the median frame step of the same
    video away from seams (at least one grey level, so a still scene does not divide by zero); ≤ 1 is no worse than
    an ordinary step. Extend continues the rendered clip's last frames as \`generate --extend\` does.
  - *drift*: share of stated values read in 2-s windows of the first and of the last minute of 5-minute videos.
  - *aspect ratio*: the same entries and seeds at each size the model makes, against its default size.
  - *camera by flag*: entries with a camera move, described without camera words, the move given only by \`--camera\`.
  - *reference identity*: the entry's object rendered alone on a plain background is the reference; the prompt names
    only a motion and another background; the probe must read the reference's shape, colour and texture in the clip.
    \`--reference\` is a text bridge: the default models have no image-reference input, so the probe reads the
    picture into shape, colour and texture and those words go into the prompt. It transfers attributes, not pixels:
    anything the vocabulary cannot say (a face, a logo, an exact hue, a drawing style) is lost.
  - *sound sync*: src/audio's own evaluation, detected impacts against the simulator's event log within ±1 frame.

Targets: colour ≥ ${TARGETS.attributes.color! * 100}%, shape ≥ ${TARGETS.attributes.shape! * 100}%, motion ≥ ${TARGETS.attributes.motion! * 100}%, \
background ≥ ${TARGETS.attributes.background! * 100}%, usable yield ≥ ${TARGETS.usableYield * 100}%, held-out within \
${TARGETS.heldOutGap * 100} points of seen.
Generation modes: seam ratio ≤ ${MODES_TARGETS.seamRatio}, drift within ${MODES_TARGETS.drift * 100} points, reference identity \
≥ ${MODES_TARGETS.reference * 100}%, other aspect ratios within ${MODES_TARGETS.aspect * 100} points of the default, camera by flag \
≥ ${MODES_TARGETS.camera * 100}%, sound sync precision and recall ≥ ${MODES_TARGETS.sync * 100}%.
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
    vae: {
      clips: report.vae.clips,
      psnr: round(report.vae.psnr, 2),
      ssim: round(report.vae.ssim),
      ...(report.vae.adherence && { adherenceThroughVae: groupFigures(report.vae.adherence.throughVae) }),
      ...(report.vae.adherence?.blurred && { adherenceBlurredToVaePsnr: groupFigures(report.vae.adherence.blurred) }),
    },
    flicker: { generated: round(report.flicker.generated), rendered: round(report.flicker.rendered) },
    frechet: { generatedVsRendered: round(report.frechet.generatedVsRendered, 3), renderedVsRendered: round(report.frechet.renderedVsRendered, 3) },
    targetsMet: report.targets.every((t) => t.met === true),
  };
}

/** The compact summary of `cinesim eval modes` stored under the manifest's `metrics.modes`. */
export function modesMetrics(r: ModesReport): Record<string, unknown> {
  const seam = (s: SeamFigures) => ({
    seams: s.seams,
    localRatioMean: round(s.localRatio.mean, 3),
    localRatioMax: round(s.localRatio.max, 3),
    withinLocal: round(s.withinLocal),
    ratioMean: round(s.ratio.mean, 3),
    ratioMax: round(s.ratio.max, 3),
    withinNormal: round(s.withinNormal),
    phaseRatioMean: round(s.phaseRatio.mean, 3),
  });
  const adherence = (g: GroupScore) => ({ statedValues: round(statedShare(g)), usableYield: round(g.usableYield) });
  const keyframes = (k: NonNullable<ModesReport['firstFrame']>) => ({
    clips: k.clips,
    psnrFirst: round(k.psnr.first, 2),
    psnrLast: round(k.psnr.last, 2),
    vaePsnrFirst: round(k.vaePsnr.first, 2),
    vaePsnrLast: round(k.vaePsnr.last, 2),
    ...adherence(k.adherence),
  });
  return {
    suite: r.suite.name,
    clips: r.suite.clips,
    probe: r.probe.name,
    date: r.date,
    command: r.command,
    settings: { steps: r.settings.steps, guidance: r.settings.guidance, shift: r.settings.shift, sampler: r.settings.sampler },
    textToVideo: adherence(r.textToVideo.generated),
    firstFrame: r.firstFrame && keyframes(r.firstFrame),
    firstLast: r.firstLast && keyframes(r.firstLast),
    extend: r.extend && {
      clips: r.extend.clips,
      delivered: seam(r.extend.delivered),
      unmatched: seam(r.extend.unmatched),
      decoded: seam(r.extend.decoded),
      matchFade: { frames: r.extend.matchFade.frames, ratioMean: round(r.extend.matchFade.ratio.mean, 3), ratioMax: round(r.extend.matchFade.ratio.max, 3) },
    },
    long: r.long && { prompts: r.long.videos.length, seconds: r.long.seconds, ...seam(r.long.seams) },
    drift: r.drift && { prompts: r.drift.videos.length, seconds: r.drift.seconds, first: round(r.drift.first), last: round(r.drift.last), gap: round(r.drift.gap) },
    aspect: r.aspect && Object.fromEntries(r.aspect.sizes.map((s) => [`${s.width}x${s.height}`, { ...adherence(s.generated), gap: round(s.gap) }])),
    camera: r.camera && { clips: r.camera.clips, byFlag: round(r.camera.byFlag), inWords: round(r.camera.inWords), rendered: round(r.camera.rendered) },
    reference: r.reference && {
      clips: r.reference.clips,
      generated: Object.fromEntries(Object.entries(r.reference.generated).map(([k, v]) => [k, round(v)])),
      rendered: round(r.reference.rendered.all),
      read: round(r.reference.read.all),
    },
    sync: r.sync && ('skipped' in r.sync ? r.sync : { clips: r.sync.clips, precision: round(r.sync.precision), recall: round(r.sync.recall) }),
    targetsMet: r.targets.every((t) => t.met === true),
  };
}

/**
 * Merges the summary into `modelDir/manifest.json` and checks the manifest still loads. Returns its path.
 * Only the `metrics` value is rewritten: the rest of the file keeps its exact text (the Python exporter
 * writes `4.0` and `1e-06`, which a full re-serialisation would turn into `4` and `0.000001`).
 */
export async function writeManifestMetrics(modelDir: string, report: EvalReport): Promise<string> {
  return mergeManifestMetrics(modelDir, manifestMetrics(report));
}

/** Sets `entries` as keys of `modelDir/manifest.json` `metrics` (other keys kept), the rest of the file as it was. */
export async function mergeManifestMetrics(modelDir: string, entries: Record<string, unknown>): Promise<string> {
  const file = join(modelDir, MANIFEST_FILE);
  const text = await readFile(file, 'utf8');
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const metrics = { ...((manifest.metrics ?? {}) as Record<string, unknown>), ...entries };
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
  const withCommand = { ...report, command: `${report.command} --write` };
  return writeResultsSection(report.model.name, formatMarkdown(withCommand), file);
}

/** Sets the section `name` of the results page to `body` (the page is created with its header when missing). */
export async function writeResultsSection(name: string, body: string, file: string = RESULTS_FILE): Promise<string> {
  const current = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return RESULTS_HEADER;
    throw e;
  });
  await writeFile(file, replaceSection(current, name, body), 'utf8');
  return file;
}

/** `cinesim eval modes --write`: the `modes` key of the manifest's metrics and the `NAME:modes` section of the page. */
export async function writeModesResults(report: ModesReport, file: string = RESULTS_FILE): Promise<{ manifest: string; results: string }> {
  const withCommand = { ...report, command: `${report.command} --write` };
  return {
    manifest: await mergeManifestMetrics(report.model.dir, { modes: modesMetrics(withCommand) }),
    results: await writeResultsSection(`${report.model.name}:modes`, formatModesMarkdown(withCommand), file),
  };
}
