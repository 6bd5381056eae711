/**
 * The generation-modes report: what `runModesEval` measures (the JSON `cinesim eval modes --out` writes),
 * the targets of the "Generation modes" issue, and its two human forms — terminal tables and the Markdown
 * section of docs/RESULTS.md — both built from one list of tables.
 */
import { SCORED_ATTRIBUTES, statedShare, type GroupScore } from './adherence.ts';
import { atLeast, describeRun, fixed, resultsHead, metMark, percent, points, targetValue, type EvalReport, type EvalSettings, type TargetCheck } from './report.ts';

export const MODES_FORMAT_VERSION = 1;

/** The measures `cinesim eval modes --parts` can pick; the default-size text-to-video baseline always runs. */
export const MODE_PARTS = ['i2v', 'flf', 'extend', 'long', 'drift', 'aspect', 'camera', 'reference', 'sync'] as const;
export type ModePart = (typeof MODE_PARTS)[number];

/** Defaults sized so that a full run on the default model takes about half an hour on 2 cores. */
export const MODES_DEFAULTS = {
  /** Suite entries (the first N). */
  limit: 40,
  long: { prompts: 3, seconds: 60 },
  /** Five minutes at 8 fps is ~200 chunks, ~7 min per prompt on 2 cores. */
  drift: { prompts: 2, seconds: 300 },
  syncClips: 120,
} as const;

export const REFERENCE_KEYS = ['shape', 'color', 'texture', 'all'] as const;

/** Seam continuity pooled over seams (metrics.ts `seamContinuity`). */
export interface SeamFigures {
  readonly seams: number;
  /** Seam step / normal step. */
  readonly ratio: { readonly mean: number | null; readonly median: number | null; readonly max: number | null };
  /** Share of seams with ratio ≤ 1. */
  readonly withinNormal: number | null;
  /** Mean step into a seam's first frame, and mean normal step (0..1 scale, per value). */
  readonly step: number | null;
  readonly normalStep: number | null;
  /** Seam step / the normal step at the seams' phase, where a latent frame starts (what chunking adds). */
  readonly phaseRatio: { readonly mean: number | null; readonly median: number | null };
  readonly phaseStep: number | null;
  /** Seam step / the normal step near the seam (within the seams' spacing): what the targets read. */
  readonly localRatio: { readonly mean: number | null; readonly median: number | null; readonly max: number | null };
  /** Share of seams with local ratio ≤ 1. */
  readonly withinLocal: number | null;
}

/** Image-to-video (first) or first + last frame: fidelity of the given frames, adherence of the clips. */
export interface KeyframeFigures {
  readonly clips: number;
  /** Mean PSNR (dB) of the generated frame against the given one; `last` only for first + last. */
  readonly psnr: { readonly first: number | null; readonly last: number | null };
  /** The same frames through the VAE alone: the loss that giving a frame cannot avoid. */
  readonly vaePsnr: { readonly first: number | null; readonly last: number | null };
  readonly adherence: GroupScore;
}

export interface ExtendFigures {
  readonly clips: number;
  readonly prefixFrames: number;
  readonly newFrames: number;
  /** Rendered clip followed by the new frames matched to it at the seam, as `generate --extend` delivers it. */
  readonly delivered: SeamFigures;
  /** Rendered clip followed by the new frames as decoded (no seam matching). */
  readonly unmatched: SeamFigures;
  /** Inside the decoded continuation alone (its re-decoded prefix, then the new frames). */
  readonly decoded: SeamFigures;
  /**
   * The largest step over the seam and the `frames` new frames while the match fades, over the unmatched
   * video's normal step near the seam: matching must not move the jump to later frames.
   */
  readonly matchFade: { readonly frames: number; readonly ratio: { readonly mean: number | null; readonly max: number | null } };
}

export interface LongFigures {
  readonly seconds: number;
  readonly videos: readonly { readonly id: string; readonly prompt: string; readonly chunks: number; readonly seams: SeamFigures }[];
  readonly seams: SeamFigures;
  /** Mean wall seconds per video. */
  readonly generationSeconds: number | null;
}

export interface DriftFigures {
  readonly seconds: number;
  /** Length of the first and of the last stretch compared. */
  readonly edgeSeconds: number;
  readonly windowFrames: number;
  readonly videos: readonly {
    readonly id: string;
    readonly prompt: string;
    /** Windows per stretch. */
    readonly windows: number;
    readonly first: number | null;
    readonly last: number | null;
    readonly gap: number | null;
    readonly seams: SeamFigures;
  }[];
  /** Share of stated values read, pooled over the windows of every video; gap = first − last. */
  readonly first: number | null;
  readonly last: number | null;
  readonly gap: number | null;
}

export interface SizeFigures {
  readonly width: number;
  readonly height: number;
  readonly aspect: string;
  readonly generated: GroupScore;
  readonly rendered: GroupScore;
  /** Stated values read at the default size − at this size (0 for the default size). */
  readonly gap: number | null;
}

export interface AspectFigures {
  /** The default size first. */
  readonly sizes: readonly SizeFigures[];
}

export interface CameraFigures {
  /** Entries with a camera move. */
  readonly clips: number;
  /** Share whose move the probe reads: given by the control only, given in the prompt's words, rendered. */
  readonly byFlag: number | null;
  readonly inWords: number | null;
  readonly rendered: number | null;
}

export type ReferenceRates = Readonly<Record<(typeof REFERENCE_KEYS)[number], number | null>>;

export interface ReferenceFigures {
  readonly clips: number;
  /** The probe's reading of the reference picture against the object drawn in it. */
  readonly read: ReferenceRates;
  /** The reference's attributes read in the generated clip, and in the same scene rendered. */
  readonly generated: ReferenceRates;
  readonly rendered: ReferenceRates;
  /** Mean of the probe's confidence in its reading of the reference. */
  readonly confidence: number | null;
}

export type SyncResult =
  | {
      readonly clips: number;
      readonly toleranceFrames: number;
      readonly precision: number;
      readonly recall: number;
      /** Every logged event counted as truth, nothing forgiven. */
      readonly strict: { readonly precision: number; readonly recall: number };
    }
  | { readonly skipped: string };

/** The measured figures; null for a part that was not run. */
export interface ModesFigures {
  readonly firstFrame: KeyframeFigures | null;
  readonly firstLast: KeyframeFigures | null;
  readonly extend: ExtendFigures | null;
  readonly long: LongFigures | null;
  readonly drift: DriftFigures | null;
  readonly aspect: AspectFigures | null;
  readonly camera: CameraFigures | null;
  readonly reference: ReferenceFigures | null;
  readonly sync: SyncResult | null;
}

export interface ModesReport extends ModesFigures {
  readonly formatVersion: typeof MODES_FORMAT_VERSION;
  readonly date: string;
  readonly command: string;
  readonly model: EvalReport['model'];
  readonly probe: EvalReport['probe'];
  readonly suite: EvalReport['suite'];
  readonly settings: EvalSettings;
  /** Wall seconds of the whole run. */
  readonly seconds: number;
  readonly parts: readonly ModePart[];
  /** Text-to-video at the default size: the baseline of the other modes. */
  readonly textToVideo: { readonly generated: GroupScore; readonly rendered: GroupScore };
  readonly targets: readonly TargetCheck[];
  readonly notes: readonly string[];
}

// --- targets -------------------------------------------------------------------------------------------

/** The issue's bar. */
export const MODES_TARGETS = {
  /** Seam step over the normal step. */
  seamRatio: 1,
  /** Adherence of the last minute within this many points (as a fraction) of the first. */
  drift: 0.05,
  reference: 0.9,
  /** Adherence at other aspect ratios within this many points of the default size. */
  aspect: 0.05,
  camera: 0.9,
  sync: 0.9,
} as const;

export function buildModesTargets(f: ModesFigures): TargetCheck[] {
  const within = (name: string, value: number | null, bound: number): TargetCheck => ({
    name,
    target: `within ±${(bound * 100).toFixed(0)} points`,
    unit: 'points',
    value,
    met: value === null ? null : Math.abs(value) <= bound,
  });
  const seam = (name: string, value: number | null): TargetCheck => ({
    name,
    target: `≤ ${MODES_TARGETS.seamRatio}`,
    unit: 'ratio',
    value,
    met: value === null ? null : value <= MODES_TARGETS.seamRatio,
  });
  const out: TargetCheck[] = [];
  if (f.extend) {
    out.push(seam('extend: seam step / normal step nearby (mean over clips)', f.extend.delivered.localRatio.mean));
    out.push(seam('extend: largest step while the seam match fades / unmatched normal step nearby (mean over clips)', f.extend.matchFade.ratio.mean));
  }
  if (f.long) out.push(seam('long video: seam step / normal step nearby (mean over seams)', f.long.seams.localRatio.mean));
  if (f.drift) out.push(within('drift: adherence, first − last minute', f.drift.gap, MODES_TARGETS.drift));
  if (f.reference) out.push(atLeast('reference identity: shape, colour and texture read', f.reference.generated.all, MODES_TARGETS.reference));
  if (f.aspect) {
    const [base, ...others] = f.aspect.sizes;
    for (const s of others) {
      out.push(within(`aspect ${s.aspect} (${s.width}x${s.height}): adherence vs ${base.aspect}, ${base.aspect} − ${s.aspect}`, s.gap, MODES_TARGETS.aspect));
    }
  }
  if (f.camera) out.push(atLeast('camera by flag: move read', f.camera.byFlag, MODES_TARGETS.camera));
  if (f.sync && !('skipped' in f.sync)) {
    out.push(atLeast(`sound sync precision (±${f.sync.toleranceFrames} frame)`, f.sync.precision, MODES_TARGETS.sync));
    out.push(atLeast(`sound sync recall (±${f.sync.toleranceFrames} frame)`, f.sync.recall, MODES_TARGETS.sync));
  }
  return out;
}

// --- tables --------------------------------------------------------------------------------------------

interface Table {
  readonly title: string;
  /** What the table shows and how it was measured. */
  readonly about: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const ratio = (v: number | null) => fixed(v, 2);
const dB = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)} dB`);
const level = (v: number | null) => (v === null ? '—' : `${(v * 255).toFixed(2)}`);

function targetsTable(r: ModesReport): Table {
  return {
    title: 'Targets',
    about: 'The "Generation modes" bar, on generated clips. PSNR of given frames has no bound of its own; it is read next to the VAE.',
    header: ['target', 'bound', 'measured', ''],
    rows: r.targets.map((t) => [t.name, t.target, targetValue(t), metMark(t, 'markdown')]),
  };
}

function keyframeTables(r: ModesReport): Table[] {
  const modes: [string, KeyframeFigures | null][] = [
    ['image to video (first frame given)', r.firstFrame],
    ['first + last frame given', r.firstLast],
  ];
  const given = modes.filter((m): m is [string, KeyframeFigures] => m[1] !== null);
  if (given.length === 0) return [];
  const columns: [string, GroupScore][] = [['text to video', r.textToVideo.generated], ...given.map(([name, k]): [string, GroupScore] => [name, k.adherence]), ['rendered', r.textToVideo.rendered]];
  return [
    {
      title: 'First and last frame',
      about:
        'The rendered clip\'s first (and last) frame is given; PSNR compares the generated clip\'s frame with it after decode. ' +
        'The engine keeps given latents exactly, so this is mostly the VAE: the VAE-only column is the same image encoded and decoded alone.',
      header: ['mode', 'clips', 'PSNR first', 'VAE only', 'PSNR last', 'VAE only', 'stated values read', 'usable yield'],
      rows: given.map(([name, k]) => [
        name,
        String(k.clips),
        dB(k.psnr.first),
        dB(k.vaePsnr.first),
        dB(k.psnr.last),
        dB(k.vaePsnr.last),
        percent(statedShare(k.adherence)),
        percent(k.adherence.usableYield),
      ]),
    },
    {
      title: 'Adherence with given frames',
      about: 'Does the clip still follow the prompt (its motion above all) when frames are given? Same entries, same seeds.',
      header: ['attribute', ...columns.map(([name]) => name)],
      rows: [
        ...SCORED_ATTRIBUTES.map((a) => [a, ...columns.map(([, g]) => percent(g.attributes[a].rate))]),
        ['all stated values', ...columns.map(([, g]) => percent(statedShare(g)))],
        ['usable yield', ...columns.map(([, g]) => percent(g.usableYield))],
      ],
    },
  ];
}

function seamRows(label: string, s: SeamFigures): string[] {
  return [
    label, String(s.seams), ratio(s.localRatio.mean), ratio(s.localRatio.median), ratio(s.localRatio.max), percent(s.withinLocal),
    ratio(s.ratio.mean), ratio(s.ratio.max), level(s.step), level(s.normalStep), ratio(s.phaseRatio.mean), level(s.phaseStep),
  ];
}

const SEAM_HEADER = [
  '', 'seams', 'ratio mean', 'median', 'max', 'ratio ≤ 1', 'whole-video ratio mean', 'max', 'seam step', 'normal step',
  'ratio at latent starts', 'step at latent starts',
];
const SEAM_ABOUT =
  'Seam ratio = mean |pixel change| into the first new frame / the median frame step away from seams near it (within ' +
  'the seams\' spacing either side; the whole video for one seam), at least one grey level. The whole-video ratio divides ' +
  'by the median step of the whole video instead: where the motion stops after a few seconds, that median is the still ' +
  'part\'s and the seams of the moving part read as jumps against stillness. A latent video steps more where a new latent ' +
  'frame starts (every 4th frame) than inside one latent frame\'s group; "at latent starts" compares the seam with those ' +
  'steps away from seams (whole video), i.e. what chunking adds beyond the model\'s own stepping. Steps in grey levels ' +
  '(0–255) per value.';

function extendTable(e: ExtendFigures): Table {
  return {
    title: 'Extend',
    about:
      `The rendered clip\'s last ${e.prefixFrames} frames are continued by ${e.newFrames} new ones, as \`generate --extend\` does. ` +
      `Delivered: the rendered clip then the new frames, matched to it at the seam (what a user gets; engine/seam.ts). ` +
      `Unmatched: the new frames as decoded. Decoded: inside the model's own output. While the match fades (${e.matchFade.frames} frames) ` +
      `the largest step is ${ratio(e.matchFade.ratio.mean)}× the unmatched video's normal step near the seam on average, ${ratio(e.matchFade.ratio.max)}× at most. ${SEAM_ABOUT}`,
    header: SEAM_HEADER,
    rows: [seamRows(`delivered (${e.clips} clips)`, e.delivered), seamRows('unmatched', e.unmatched), seamRows('decoded continuation', e.decoded)],
  };
}

function longTable(l: LongFigures): Table {
  return {
    title: 'Long video',
    about:
      `${l.videos.length} prompts (the first suite entries), ${l.seconds} s each, chunks of the model's native length with ` +
      `overlapping context; one seam per chunk after the first. ${l.generationSeconds === null ? '' : `${l.generationSeconds.toFixed(0)} s per video. `}${SEAM_ABOUT}`,
    header: SEAM_HEADER,
    rows: [...l.videos.map((v) => seamRows(`${v.id} (${v.chunks} chunks)`, v.seams)), seamRows('all', l.seams)],
  };
}

function driftTable(d: DriftFigures): Table {
  return {
    title: 'Drift',
    about:
      `${d.videos.length} prompt(s), ${d.seconds} s each. Share of stated values the probe reads in ${d.windowFrames}-frame windows ` +
      `of the first and of the last ${d.edgeSeconds} s; gap = first − last, in points.`,
    header: ['video', 'windows', 'first', 'last', 'gap', 'seam ratio mean', 'max'],
    rows: [
      ...d.videos.map((v) => [v.id, String(v.windows), percent(v.first), percent(v.last), points(v.gap), ratio(v.seams.localRatio.mean), ratio(v.seams.localRatio.max)]),
      ['pooled', String(d.videos.reduce((n, v) => n + v.windows, 0)), percent(d.first), percent(d.last), points(d.gap), '', ''],
    ],
  };
}

function aspectTable(a: AspectFigures): Table {
  const base = a.sizes[0];
  return {
    title: 'Aspect ratio',
    about: `The same entries and seeds at each size the model makes. Gap = ${base.aspect} − this size, in points of stated values read.`,
    header: ['size', 'aspect', 'stated values read', 'usable yield', 'gap', 'rendered: read', 'usable'],
    rows: a.sizes.map((s) => [
      `${s.width}x${s.height}`,
      s.aspect,
      percent(statedShare(s.generated)),
      percent(s.generated.usableYield),
      points(s.gap),
      percent(statedShare(s.rendered)),
      percent(s.rendered.usableYield),
    ]),
  };
}

function cameraTable(c: CameraFigures): Table {
  return {
    title: 'Camera by flag',
    about:
      `The ${c.clips} entries with a camera move, described without camera words and the move given only by the camera ` +
      'control (`--camera`); the probe\'s top camera choice must be that move. Beside it: the move in the prompt\'s words, and the rendered clip.',
    header: ['camera move given', 'clips', 'read'],
    rows: [
      ['by the control only', String(c.clips), percent(c.byFlag)],
      ['in the prompt\'s words', String(c.clips), percent(c.inWords)],
      ['rendered (probe ceiling)', String(c.clips), percent(c.rendered)],
    ],
  };
}

function referenceTable(f: ReferenceFigures): Table {
  const label = { shape: 'shape', color: 'colour', texture: 'texture', all: 'all three' } as const;
  return {
    title: 'Reference identity',
    about:
      `${f.clips} entries: the first object rendered alone and still on a plain background is the reference; the prompt names only ` +
      'a motion and a background (not the reference\'s), the object\'s look comes from `--reference` (probe → prompt). ' +
      `Read: the probe's reading of the reference picture (mean confidence ${fixed(f.confidence, 2)}). Generated: the reference's ` +
      'values read in the clip (p > 0.5). Rendered: the same scene drawn by the simulator.',
    header: ['attribute', 'reference read', 'generated', 'rendered'],
    rows: REFERENCE_KEYS.map((k) => [label[k], percent(f.read[k]), percent(f.generated[k]), percent(f.rendered[k])]),
  };
}

function syncTable(s: SyncResult): Table {
  if ('skipped' in s) return { title: 'Sound sync', about: `Not measured: ${s.skipped}.`, header: [], rows: [] };
  return {
    title: 'Sound sync',
    about:
      `src/audio's own evaluation (evaluateSync): impacts the sound analyser detects from ${s.clips} rendered clips against the ` +
      `simulator's event log, matched within ±${s.toleranceFrames} frame. Generated clips have no event log, so this measures the ` +
      'analyser that times the sound, not the video model. Strict: every logged event counts as truth.',
    header: ['truth', 'precision', 'recall'],
    rows: [
      ['visible impacts (src/audio rule)', percent(s.precision), percent(s.recall)],
      ['every logged event (strict)', percent(s.strict.precision), percent(s.strict.recall)],
    ],
  };
}

function tables(r: ModesReport): Table[] {
  return [
    targetsTable(r),
    ...keyframeTables(r),
    ...(r.extend ? [extendTable(r.extend)] : []),
    ...(r.long ? [longTable(r.long)] : []),
    ...(r.drift ? [driftTable(r.drift)] : []),
    ...(r.aspect ? [aspectTable(r.aspect)] : []),
    ...(r.camera ? [cameraTable(r.camera)] : []),
    ...(r.reference ? [referenceTable(r.reference)] : []),
    ...(r.sync ? [syncTable(r.sync)] : []),
  ];
}

function describeModesRun(r: ModesReport): string {
  return `${describeRun(r)}; the first ${r.suite.clips} suite entries; ${r.seconds.toFixed(0)} s in all`;
}

// --- rendering -----------------------------------------------------------------------------------------

/** The terminal form. */
export function formatModesReport(r: ModesReport): string {
  const lines = [`cinesim eval modes: ${describeModesRun(r)}`];
  for (const t of tables(r)) {
    lines.push('', `${t.title}: ${t.about}`);
    if (t.rows.length === 0) continue;
    const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((row) => row[i].length)));
    const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    lines.push(line(t.header), ...t.rows.map(line));
  }
  return [...lines, '', ...r.notes.map((n) => `note: ${n}`)].join('\n');
}

/** The `NAME:modes` section of docs/RESULTS.md (without its markers). */
export function formatModesMarkdown(r: ModesReport): string {
  const lines = resultsHead(`${r.model.name}: generation modes`, r.date, `${describeModesRun(r)}.`, r.command);
  for (const t of tables(r)) {
    lines.push('', `### ${t.title}`, '', t.about);
    if (t.rows.length === 0) continue;
    lines.push('', `| ${t.header.join(' | ')} |`, `|${t.header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    lines.push(...t.rows.map((row) => `| ${row.join(' | ')} |`));
  }
  return [...lines, '', ...r.notes.map((n) => `- ${n}`)].join('\n');
}
