/**
 * The eval report: what `runEval` measures (the JSON `cinesim eval --out` writes), the quality targets it
 * is held to, and its two human forms: a plain-text table for the terminal and a Markdown section for
 * docs/RESULTS.md.
 */
import type { GenerateSettings } from '../engine/index.ts';
import { LANGUAGES, type Language } from '../world/vocabulary.ts';
import { SCORED_ATTRIBUTES, type AdherenceSummary, type GroupScore, type ScoredAttribute } from './adherence.ts';

export const REPORT_FORMAT_VERSION = 1;

/** The sampling settings every clip of a run shares (the engine's own settings, a subset). */
export type EvalSettings = Pick<GenerateSettings, 'steps' | 'guidance' | 'shift' | 'sampler' | 'width' | 'height' | 'frames' | 'fps'>;

/** How a clip fared: `missed` are the stated values the probe did not read, `read` all it did ("attribute=value"). */
export interface ClipOutcome {
  readonly usable: boolean;
  readonly missed: readonly string[];
  readonly read: readonly string[];
}

/** One suite entry's outcome. */
export interface ClipResult {
  readonly id: string;
  readonly prompt: string;
  readonly lang: Language;
  readonly heldOut: boolean;
  readonly seed: number;
  readonly generated: ClipOutcome;
  readonly rendered: ClipOutcome;
  readonly flicker: { readonly generated: number; readonly rendered: number };
  /** The rendered clip through the VAE, for the clips it was measured on: reconstruction, and whether every stated value is still read. */
  readonly vae?: { readonly psnr: number; readonly ssim: number; readonly usable: boolean };
}

export interface AdherencePair {
  readonly generated: AdherenceSummary;
  readonly rendered: AdherenceSummary;
}

export interface TargetCheck {
  readonly name: string;
  /** Human form of the bound, e.g. "≥ 95%". */
  readonly target: string;
  /** A rate (shown as %), a difference of rates (shown as points) or a plain ratio. */
  readonly unit: 'rate' | 'points' | 'ratio';
  readonly value: number | null;
  readonly met: boolean | null;
}

export interface EvalReport {
  readonly formatVersion: typeof REPORT_FORMAT_VERSION;
  /** ISO 8601 time the run finished. */
  readonly date: string;
  /** The command that reproduces these figures. */
  readonly command: string;
  readonly model: { readonly name: string; readonly dir: string };
  readonly probe: { readonly name: string; readonly dir: string };
  readonly suite: { readonly name: string; readonly clips: number; readonly seen: number; readonly heldOut: number; readonly limit: number | null };
  readonly settings: EvalSettings;
  /** Wall seconds: the whole run, and generation per clip. */
  readonly seconds: { readonly total: number; readonly perClip: number };
  /** Generated clips, and rendered clips of the same specs and seeds (the probe's ceiling); all, and per prompt language. */
  readonly adherence: AdherencePair & { readonly byLanguage: Readonly<Record<Language, AdherencePair>> };
  /**
   * Rendered suite clips through the model's VAE: reconstruction (0..1 scale, as
   * training/cinesim_train/metrics.py), and adherence on those clips rendered, through the VAE and generated.
   * What the probe reads through the VAE bounds what any transformer generating these latents can score.
   * `blurred`: the rendered clips blurred to the round trip's PSNR (softness.ts), what the probe reads of a
   * clip that lost only sharpness; absent in reports written before 2026-11-23.
   */
  readonly vae: {
    readonly clips: number;
    readonly psnr: number | null;
    readonly ssim: number | null;
    readonly adherence: {
      readonly rendered: GroupScore;
      readonly blurred?: GroupScore;
      readonly throughVae: GroupScore;
      readonly generated: GroupScore;
    } | null;
  };
  /** Mean flicker (metrics.ts) of the generated clips and of the rendered clips of the same specs. */
  readonly flicker: { readonly generated: number | null; readonly rendered: number | null };
  /**
   * Fréchet distance over probe features: generated vs rendered clips of the suite, and, as the floor a
   * perfect generator would reach at this number of clips, rendered vs rendered with other seeds.
   */
  readonly frechet: { readonly clips: number; readonly generatedVsRendered: number | null; readonly renderedVsRendered: number | null };
  readonly targets: readonly TargetCheck[];
  readonly notes: readonly string[];
  readonly clips: readonly ClipResult[];
}

// --- targets -------------------------------------------------------------------------------------------

/** The issue's bar for a shipped model, on generated clips of the whole suite. */
export const TARGETS = {
  attributes: { color: 0.95, shape: 0.9, motion: 0.85, background: 0.95 } as Partial<Record<ScoredAttribute, number>>,
  usableYield: 0.75,
  /** Held-out usable yield within this many points (as a fraction) of seen. */
  heldOutGap: 0.05,
} as const;

/** A rate that must reach `min`. */
export function atLeast(name: string, value: number | null, min: number): TargetCheck {
  return { name, target: `≥ ${percent(min, 0)}`, unit: 'rate', value, met: value === null ? null : value >= min };
}

export function checkTargets(generated: AdherenceSummary): TargetCheck[] {
  const gap = generated.gap.usableYield;
  return [
    ...Object.entries(TARGETS.attributes).map(([a, min]) => atLeast(a, generated.all.attributes[a as ScoredAttribute].rate, min)),
    atLeast('usable yield', generated.all.usableYield, TARGETS.usableYield),
    {
      name: 'held-out gap (usable yield, seen − held-out)',
      target: `≤ ${(TARGETS.heldOutGap * 100).toFixed(0)} points`,
      unit: 'points',
      value: gap,
      met: gap === null ? null : gap <= TARGETS.heldOutGap,
    },
  ];
}

export const BINDING_NOTE =
  'Binding is not measured: the probes say which values are present in a clip, not which object has them, ' +
  'so a clip that swaps two objects\' colours scores as right.';

// --- formatting ----------------------------------------------------------------------------------------

export function percent(rate: number | null, digits = 1): string {
  return rate === null || Number.isNaN(rate) ? '—' : `${(rate * 100).toFixed(digits)}%`;
}

/** A seen − held-out difference in points, signed. */
export function points(diff: number | null): string {
  return diff === null || Number.isNaN(diff) ? '—' : `${diff >= 0 ? '+' : ''}${(diff * 100).toFixed(1)}`;
}

export function targetValue(t: TargetCheck): string {
  if (t.unit === 'points') return `${points(t.value)} points`;
  return t.unit === 'ratio' ? fixed(t.value, 2) : percent(t.value);
}

/** ✓ / ✗ / ? for the terminal, met / not met / — for Markdown. */
export function metMark(t: TargetCheck, style: 'terminal' | 'markdown'): string {
  if (style === 'terminal') return t.met === null ? '?' : t.met ? '✓' : '✗';
  return t.met === null ? '—' : t.met ? 'met' : 'not met';
}

export function fixed(value: number | null, digits: number): string {
  return value === null || Number.isNaN(value) ? '—' : value.toFixed(digits);
}

/** One row of adherence figures: all / seen / held-out / gap, for generated then rendered. */
interface AdherenceRow {
  readonly label: string;
  readonly pairs: string;
  readonly cells: readonly string[];
}

function adherenceRows(report: EvalReport): AdherenceRow[] {
  const { generated, rendered } = report.adherence;
  const cellsOf = (s: AdherenceSummary, pick: (g: GroupScore) => number | null, gap: number | null) => [
    percent(pick(s.all)),
    percent(pick(s.seen)),
    percent(pick(s.heldOut)),
    points(gap),
  ];
  const rows: AdherenceRow[] = SCORED_ATTRIBUTES.map((a) => ({
    label: a,
    pairs: String(generated.all.attributes[a].total),
    cells: [
      ...cellsOf(generated, (g) => g.attributes[a].rate, generated.gap.attributes[a]),
      ...cellsOf(rendered, (g) => g.attributes[a].rate, rendered.gap.attributes[a]),
    ],
  }));
  const usableRow = (label: string, pair: AdherencePair): AdherenceRow => ({
    label,
    pairs: String(pair.generated.all.clips),
    cells: [
      ...cellsOf(pair.generated, (g) => g.usableYield, pair.generated.gap.usableYield),
      ...cellsOf(pair.rendered, (g) => g.usableYield, pair.rendered.gap.usableYield),
    ],
  });
  rows.push(usableRow('usable yield', report.adherence));
  for (const lang of LANGUAGES) rows.push(usableRow(`  ${lang} prompts`, report.adherence.byLanguage[lang]));
  return rows;
}

export function describeRun(report: Pick<EvalReport, 'settings' | 'suite' | 'model' | 'probe'>): string {
  const s = report.settings;
  const suite = report.suite;
  return (
    `${report.model.name} on suite ${suite.name} (${suite.clips} clips: ${suite.seen} seen, ${suite.heldOut} held-out` +
    `${suite.limit === null ? '' : `; --limit ${suite.limit}`}), probe ${report.probe.name}; ` +
    `${s.steps} ${s.sampler} steps, guidance ${s.guidance}, shift ${s.shift}; ${s.width}x${s.height}, ${s.frames} frames at ${s.fps} fps`
  );
}

/** The terminal table. */
export function formatReport(report: EvalReport): string {
  const pad = (text: string, width: number) => text.padStart(width);
  const header =
    `${'attribute'.padEnd(14)}${pad('n', 5)}  ${'generated'.padEnd(30)}  rendered (probe ceiling)\n` +
    `${''.padEnd(19)}  ${['all', 'seen', 'held', 'gap'].map((h) => pad(h, 7)).join('')}  ${['all', 'seen', 'held', 'gap'].map((h) => pad(h, 7)).join('')}`;
  const rows = adherenceRows(report).map(
    (r) =>
      `${r.label.padEnd(14)}${pad(r.pairs, 5)}  ${r.cells.slice(0, 4).map((c) => pad(c, 7)).join('')}  ${r.cells.slice(4).map((c) => pad(c, 7)).join('')}`,
  );
  const targets = report.targets.map((t) => `  ${metMark(t, 'terminal')} ${t.name} ${t.target}: ${targetValue(t)}`);
  return [
    `cinesim eval: ${describeRun(report)}`,
    `generation ${report.seconds.perClip.toFixed(2)} s per clip, ${report.seconds.total.toFixed(0)} s in all`,
    '',
    'Prompt adherence: share of stated values the probe reads (gap = seen − held-out, points)',
    header,
    ...rows,
    '',
    `VAE reconstruction (${report.vae.clips} rendered clips): PSNR ${fixed(report.vae.psnr, 2)} dB, SSIM ${fixed(report.vae.ssim, 4)}`,
    ...(report.vae.adherence
      ? [vaeCeilingHeader(report, 'blurred alike'), ...vaeCeilingRows(report)].map((r) => `  ${r[0].padEnd(14)}${r.slice(1).map((c) => pad(c, 14)).join('')}`)
      : []),
    `flicker: generated ${fixed(report.flicker.generated, 4)}, rendered ${fixed(report.flicker.rendered, 4)}`,
    `Fréchet distance over probe features (${report.frechet.clips} clips): generated vs rendered ` +
      `${fixed(report.frechet.generatedVsRendered, 2)}, rendered vs rendered with other seeds ${fixed(report.frechet.renderedVsRendered, 2)}`,
    '',
    'targets (generated, whole suite):',
    ...targets,
    '',
    ...report.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

/** How every docs/RESULTS.md section opens: its title, when and what was measured, the command that reproduces it. */
export function resultsHead(title: string, date: string, measured: string, command: string): string[] {
  return [`## ${title}`, '', `Measured ${date.slice(0, 10)}: ${measured}`, '', 'Reproduce with:', '', '```', command, '```'];
}

/** The columns of the VAE table: rendered, blurred to the VAE's PSNR (when measured), through the VAE, generated. */
function vaeCeilingHeader(report: EvalReport, blurredLabel = "blurred to the VAE's PSNR"): string[] {
  return ['attribute', 'rendered', ...(report.vae.adherence?.blurred ? [blurredLabel] : []), 'through VAE', 'generated'];
}

/** Per attribute and usable yield, a column per group (empty when no clip went through the VAE). */
function vaeCeilingRows(report: EvalReport): string[][] {
  const a = report.vae.adherence;
  if (!a) return [];
  const groups = [a.rendered, ...(a.blurred ? [a.blurred] : []), a.throughVae, a.generated];
  const attributes = SCORED_ATTRIBUTES.filter((x) => a.rendered.attributes[x].total > 0);
  return [
    ...attributes.map((x) => [x, ...groups.map((g) => percent(g.attributes[x].rate))]),
    ['usable yield', ...groups.map((g) => percent(g.usableYield))],
  ];
}

/** The model's section of docs/RESULTS.md (without its markers). */
export function formatMarkdown(report: EvalReport): string {
  const rows = adherenceRows(report).map((r) => `| ${r.label} | ${r.pairs} | ${r.cells.join(' | ')} |`);
  const targets = report.targets.map((t) => `| ${t.name} | ${t.target} | ${targetValue(t)} | ${metMark(t, 'markdown')} |`);
  return [
    ...resultsHead(report.model.name, report.date, `${describeRun(report)}. Generation took ${report.seconds.perClip.toFixed(2)} s per clip.`, report.command),
    '',
    '### Prompt adherence',
    '',
    'Share of the attribute values each prompt states that the probe reads in the clip; usable yield is the share ' +
      'of clips with every stated value read. Rendered clips (the simulator drawing the same scenes with the same ' +
      'seeds) bound what the probe can confirm. Gap = seen − held-out, in points.',
    '',
    '| attribute | n | generated | seen | held-out | gap | rendered | seen | held-out | gap |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    '### Targets (generated clips, whole suite)',
    '',
    '| target | bound | measured | |',
    '|---|---|---:|---|',
    ...targets,
    '',
    ...(report.vae.adherence
      ? [
          '### What the VAE lets through',
          '',
          `The same ${report.vae.clips} rendered clips read as drawn, after the VAE's encoder and decoder, and generated from ` +
            'their prompts. The transformer generates VAE latents, so "through VAE" is the most it could score.' +
            (report.vae.adherence.blurred
              ? " Blurred to the VAE's PSNR: each clip under the Gaussian blur that takes it as far from itself as its " +
                'round trip does (it loses only sharpness). What the probe reads there but not through the VAE, the VAE ' +
                'lost; what it misses in both, the probe cannot read in a soft clip.'
              : ''),
          '',
          `| ${vaeCeilingHeader(report).join(' | ')} |`,
          `|---|${'---:|'.repeat(vaeCeilingHeader(report).length - 1)}`,
          ...vaeCeilingRows(report).map((r) => `| ${r.join(' | ')} |`),
          '',
        ]
      : []),
    '### Video quality',
    '',
    '| figure | value |',
    '|---|---:|',
    `| VAE reconstruction PSNR (${report.vae.clips} rendered clips) | ${fixed(report.vae.psnr, 2)} dB |`,
    `| VAE reconstruction SSIM | ${fixed(report.vae.ssim, 4)} |`,
    `| flicker, generated | ${fixed(report.flicker.generated, 4)} |`,
    `| flicker, rendered (reference) | ${fixed(report.flicker.rendered, 4)} |`,
    `| Fréchet distance (probe features), generated vs rendered | ${fixed(report.frechet.generatedVsRendered, 2)} |`,
    `| Fréchet distance, rendered vs rendered with other seeds (floor) | ${fixed(report.frechet.renderedVsRendered, 2)} |`,
    '',
    ...report.notes.map((n) => `- ${n}`),
  ].join('\n');
}
