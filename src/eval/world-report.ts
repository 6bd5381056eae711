/**
 * `cinesim eval world`'s report: its types, the issue's targets, the terminal table, the Markdown section of
 * docs/RESULTS.md, and `--write` (through publish.ts, like the other evaluations).
 */
import { mergeManifestMetrics, RESULTS_FILE, writeResultsSection } from './publish.ts';
import { fixed, metMark, resultsHead, percent, points, targetValue, type TargetCheck } from './report.ts';
import { counted } from '../util/words.ts';

export const WORLD_REPORT_FORMAT_VERSION = 1;

/** Rollout horizons the issue names (steps after the start frame). */
export const WORLD_HORIZONS = [1, 8, 32, 128, 512] as const;

export const WORLD_TARGETS = {
  /** Frames per second on the CPU (2 cores), one world, terminal play. */
  fps: 24,
  /** Input-to-frame latency bound, ms. */
  latencyMs: 100,
  /** Controllability (dB) that counts as clearly positive. */
  controllability: 1,
  /** Probe adherence of the last 100 frames within this many points of the first 100. */
  collapse: 0.1,
} as const;

export interface ImageScores {
  readonly psnr: number;
  readonly ssim: number;
}

export interface HorizonFigures {
  readonly steps: number;
  readonly trueActions: ImageScores;
  readonly randomActions: ImageScores;
  /** The start frame held still, against the simulator's frame N steps in: the floor a model must beat. */
  readonly stillPsnr: number;
  /** PSNR with true actions − with random actions, dB. */
  readonly controllability: number;
}

export interface AdherenceWindow {
  readonly background: number;
  readonly agentColor: number;
}

export interface CollapseFigures {
  readonly frames: number;
  /** Frames in each compared window. */
  readonly window: number;
  readonly first: AdherenceWindow;
  readonly last: AdherenceWindow;
  /** last − first, points as a fraction (negative = adherence lost). */
  readonly gap: AdherenceWindow;
  /** The simulator's frames read the same way: what the probe can confirm. */
  readonly simulator: AdherenceWindow;
}

export interface ConsistencyFigures {
  readonly episodes: number;
  /** Mean frames the landmark spent out of view. */
  readonly framesAway: number;
  /** PSNR of the landmark's box, generated vs simulator: the last frame showing it whole before it left, and the end. */
  readonly regionPsnr: { readonly before: number; readonly after: number };
  /** Share of episodes whose landmark reads as its true colour (nearest vocabulary colour of its pixels). */
  readonly colour: { readonly before: number; readonly after: number; readonly simulator: number };
  /**
   * Pixels the view scrolled over the whole walk (there and back, each step's horizontal shift read from
   * consecutive frames), generated and simulator: a world whose camera does not follow the agent never takes
   * the landmark out of view, and its landmark is then compared where the simulator's is not.
   */
  readonly scroll: { readonly generated: number; readonly simulator: number };
}

export interface SpeedFigures {
  readonly threads: number | null;
  readonly steps: number;
  readonly frames: number;
  readonly fps: number;
  readonly stepMs: { readonly mean: number; readonly p95: number };
  /** Drawing one frame in the terminal as `cinesim play` does (half blocks, only the cells that changed). */
  readonly renderMs: number;
  readonly renderBytes: number;
  /** p95 step + render: from an input entering a step to its frame on screen. */
  readonly latencyMs: number;
}

export interface WorldReport {
  readonly formatVersion: typeof WORLD_REPORT_FORMAT_VERSION;
  readonly date: string;
  readonly command: string;
  /** `trainingSteps`: the checkpoint's optimiser steps, from the manifest's `training`, when it says. */
  readonly model: { readonly name: string; readonly dir: string; readonly trainingSteps: number | null };
  readonly probe: { readonly name: string; readonly dir: string };
  readonly settings: {
    readonly steps: number;
    readonly contextSigma: number;
    readonly episodes: number;
    readonly frames: number;
    readonly seed: number;
    readonly fps: number;
    readonly threads: number | null;
  };
  /** `copyPsnr`: the last context frame taken as the prediction, the baseline a model must beat. */
  readonly oneStep: ImageScores & { readonly predictions: number; readonly copyPsnr: number };
  readonly rollout: readonly HorizonFigures[];
  /** Mean over steps 1..32 of PSNR(true actions) − PSNR(random actions), dB. */
  readonly controllability: number;
  readonly actionAccuracy: { readonly generated: number; readonly simulator: number; readonly pairs: number; readonly steps: number };
  readonly consistency: ConsistencyFigures;
  /** A background event fired mid-play: share of frame pairs after it read as the new background. */
  readonly events: { readonly episodes: number; readonly background: { readonly generated: number; readonly simulator: number } };
  readonly collapse: CollapseFigures;
  readonly speed: SpeedFigures;
  readonly targets: readonly TargetCheck[];
  readonly seconds: number;
}

export function buildWorldTargets(r: Pick<WorldReport, 'controllability' | 'collapse' | 'speed'>): TargetCheck[] {
  const worst = Math.min(r.collapse.gap.background, r.collapse.gap.agentColor);
  return [
    { name: 'frames per second (terminal, CPU)', target: `≥ ${WORLD_TARGETS.fps}`, unit: 'ratio', value: r.speed.fps, met: r.speed.fps >= WORLD_TARGETS.fps },
    { name: 'input-to-frame latency, ms', target: `< ${WORLD_TARGETS.latencyMs}`, unit: 'ratio', value: r.speed.latencyMs, met: r.speed.latencyMs < WORLD_TARGETS.latencyMs },
    { name: 'controllability, dB', target: `≥ ${WORLD_TARGETS.controllability}`, unit: 'ratio', value: r.controllability, met: r.controllability >= WORLD_TARGETS.controllability },
    {
      name: `no collapse (last ${r.collapse.window} vs first ${r.collapse.window} frames)`,
      target: `within ${WORLD_TARGETS.collapse * 100} points`,
      unit: 'points',
      value: worst,
      met: worst >= -WORLD_TARGETS.collapse,
    },
  ];
}

// --- terminal ----------------------------------------------------------------------------------------

const db = (v: number) => `${fixed(v, 2)} dB`;

export function formatWorldReport(r: WorldReport): string {
  const c = r.collapse;
  const k = r.consistency;
  const lines = [
    `${r.model.name}${r.model.trainingSteps === null ? '' : ` (${r.model.trainingSteps} training steps)`}: ${r.settings.episodes} episodes of ${r.settings.frames} frames at ${r.settings.fps} fps (seeds from ${r.settings.seed}), ` +
      `${counted(r.settings.steps, 'sampling step')}, context noise ${r.settings.contextSigma}; probe ${r.probe.name}; ${r.seconds.toFixed(0)} s`,
    '',
    `one step (teacher-forced context): PSNR ${db(r.oneStep.psnr)}, SSIM ${fixed(r.oneStep.ssim, 3)} over ${r.oneStep.predictions} predictions ` +
      `(copying the last frame: ${db(r.oneStep.copyPsnr)})`,
    '',
    'rollout      true actions        random actions     controllability   start held still',
    ...r.rollout.map(
      (h) =>
        `  ${String(h.steps).padStart(4)} steps ${db(h.trueActions.psnr).padStart(9)} ${fixed(h.trueActions.ssim, 3)}   ` +
        `${db(h.randomActions.psnr).padStart(9)} ${fixed(h.randomActions.ssim, 3)}   ${fixed(h.controllability, 2).padStart(6)} dB   ${db(h.stillPsnr).padStart(9)}`,
    ),
    `controllability (mean over steps 1–32): ${db(r.controllability)}`,
    `action accuracy (inverse-dynamics probe, first ${r.actionAccuracy.steps} steps): generated ${percent(r.actionAccuracy.generated)}, simulator ${percent(r.actionAccuracy.simulator)} (${r.actionAccuracy.pairs} pairs)`,
    `object consistency (landmark away ${k.framesAway.toFixed(0)} frames): region PSNR ${db(k.regionPsnr.before)} before → ${db(k.regionPsnr.after)} after; ` +
      `colour read ${percent(k.colour.before)} → ${percent(k.colour.after)} (simulator ${percent(k.colour.simulator)}); ` +
      `view scrolled ${k.scroll.generated.toFixed(0)} px (simulator ${k.scroll.simulator.toFixed(0)} px)`,
    `promptable events: after a background event, the new background is read in ${percent(r.events.background.generated)} of frame pairs ` +
      `(simulator ${percent(r.events.background.simulator)}, ${r.events.episodes} episodes)`,
    `collapse over ${c.frames} frames: background ${percent(c.first.background)} → ${percent(c.last.background)} (${points(c.gap.background)}), ` +
      `agent colour ${percent(c.first.agentColor)} → ${percent(c.last.agentColor)} (${points(c.gap.agentColor)}); simulator ${percent(c.simulator.background)}, ${percent(c.simulator.agentColor)}`,
    `speed (${r.speed.threads ?? 'all'} threads, ${counted(r.speed.steps, 'sampling step')}): ${fixed(r.speed.fps, 1)} frames/s, step ${fixed(r.speed.stepMs.mean, 1)} ms mean, ` +
      `${fixed(r.speed.stepMs.p95, 1)} ms p95; terminal render ${fixed(r.speed.renderMs, 2)} ms (${(r.speed.renderBytes / 1024).toFixed(1)} KB) per frame`,
    '',
    'targets:',
    ...r.targets.map((t) => `  ${metMark(t, 'terminal')} ${t.name}: ${targetValue(t)} (target ${t.target})`),
  ];
  return lines.join('\n');
}

// --- Markdown (docs/RESULTS.md) ------------------------------------------------------------------------

export function formatWorldMarkdown(r: WorldReport): string {
  const c = r.collapse;
  const k = r.consistency;
  const s = r.settings;
  return [
    ...resultsHead(
      r.model.name,
      r.date,
      `${r.model.name}${r.model.trainingSteps === null ? '' : ` (${r.model.trainingSteps} training steps)`} against the Shapes World simulator, ${s.episodes} episodes (seeds ${s.seed}…${s.seed + s.episodes - 1}, ` +
        `recorded policies) of ${s.frames} frames at ${s.fps} fps; ${counted(s.steps, 'sampling step')}, context noise ${s.contextSigma}; probe ${r.probe.name}. ` +
        `The run took ${r.seconds.toFixed(0)} s.`,
      r.command,
    ),
    '',
    '### Prediction against the simulator',
    '',
    `One step with the simulator's frames as context (teacher forcing): PSNR ${db(r.oneStep.psnr)}, SSIM ${fixed(r.oneStep.ssim, 3)} ` +
      `(${r.oneStep.predictions} predictions; taking the last frame as the next gives ${db(r.oneStep.copyPsnr)}). Rollouts start from the simulator's first frame and play on their own frames; the frame ` +
      'N steps in is compared with the simulator\'s after the same actions. Controllability is PSNR with the true actions minus PSNR ' +
      'with random (sticky) actions from the same start. "Start held still" is the first frame compared with the simulator\'s ' +
      'N steps in: a world that never moves scores this.',
    '',
    '| steps | PSNR, true actions | SSIM | PSNR, random actions | SSIM | controllability | start held still |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rollout.map(
      (h) =>
        `| ${h.steps} | ${db(h.trueActions.psnr)} | ${fixed(h.trueActions.ssim, 3)} | ${db(h.randomActions.psnr)} | ${fixed(h.randomActions.ssim, 3)} | ${fixed(h.controllability, 2)} dB | ${db(h.stillPsnr)} |`,
    ),
    '',
    `Controllability over steps 1–32: **${db(r.controllability)}**. Action accuracy read by the inverse-dynamics probe (trained on ` +
      `simulator frames only) on consecutive generated frames, first ${r.actionAccuracy.steps} steps: **${percent(r.actionAccuracy.generated)}**, ` +
      `against ${percent(r.actionAccuracy.simulator)} on the simulator's own frames (${r.actionAccuracy.pairs} pairs; some actions change nothing, ` +
      'e.g. jumping in the air, so the simulator figure bounds what can be read).',
    '',
    '### Memory, stability, speed',
    '',
    `- **Object consistency**: the agent walks right until the first landmark has left the view, then back (${k.framesAway.toFixed(0)} frames away ` +
      `on average, ${k.episodes} episodes). Landmark box PSNR against the simulator ${db(k.regionPsnr.before)} before it left, ${db(k.regionPsnr.after)} ` +
      `after it came back; its colour (nearest vocabulary colour of its pixels) read right ${percent(k.colour.before)} before, ${percent(k.colour.after)} after ` +
      `(simulator ${percent(k.colour.simulator)}). Over the walk the generated view scrolled ${k.scroll.generated.toFixed(0)} px, the simulator's ` +
      `${k.scroll.simulator.toFixed(0)} px (the camera follows the agent; a world that does not scroll keeps the landmark in view).`,
    `- **Promptable events**: a background event (e.g. "night falls") fired 8 steps into play (${r.events.episodes} episodes); the probe reads ` +
      `the new background in ${percent(r.events.background.generated)} of frame pairs 7–14 steps after it (simulator ${percent(r.events.background.simulator)}).`,
    `- **Collapse** over ${c.frames} frames of play: probe-read background ${percent(c.first.background)} in the first ${c.window} frames, ` +
      `${percent(c.last.background)} in the last ${c.window} (${points(c.gap.background)} points); agent colour ${percent(c.first.agentColor)} → ` +
      `${percent(c.last.agentColor)} (${points(c.gap.agentColor)}). The simulator's frames read ${percent(c.simulator.background)} and ${percent(c.simulator.agentColor)}.`,
    `- **Speed** on the CPU (${r.speed.threads ?? 'all'} threads, one world, ${counted(r.speed.steps, 'sampling step')}): ${fixed(r.speed.fps, 1)} frames/s, step ` +
      `${fixed(r.speed.stepMs.mean, 1)} ms mean and ${fixed(r.speed.stepMs.p95, 1)} ms p95; drawing a frame in the terminal (half blocks, 24-bit colour, only the cells that changed) ` +
      `${fixed(r.speed.renderMs, 2)} ms and ${(r.speed.renderBytes / 1024).toFixed(1)} KB. Input-to-frame latency (p95 step + render): ${fixed(r.speed.latencyMs, 0)} ms.`,
    '',
    '| target | value | bound | |',
    '|---|---:|---:|---|',
    ...r.targets.map((t) => `| ${t.name} | ${targetValue(t)} | ${t.target} | ${metMark(t, 'markdown')} |`),
  ].join('\n');
}

// --- --write ---------------------------------------------------------------------------------------------

const round = (v: number, digits = 4) => Number(v.toFixed(digits));

/** The compact summary stored in the world model's manifest `metrics`. */
export function worldMetrics(r: WorldReport): Record<string, unknown> {
  return {
    date: r.date,
    command: r.command,
    trainingSteps: r.model.trainingSteps,
    probe: r.probe.name,
    settings: r.settings,
    oneStep: { psnr: round(r.oneStep.psnr, 2), ssim: round(r.oneStep.ssim), copyPsnr: round(r.oneStep.copyPsnr, 2) },
    rollout: Object.fromEntries(
      r.rollout.map((h) => [h.steps, { psnr: round(h.trueActions.psnr, 2), ssim: round(h.trueActions.ssim), psnrRandom: round(h.randomActions.psnr, 2), psnrStill: round(h.stillPsnr, 2) }]),
    ),
    controllability: round(r.controllability, 2),
    actionAccuracy: { generated: round(r.actionAccuracy.generated), simulator: round(r.actionAccuracy.simulator) },
    consistency: {
      regionPsnrBefore: round(r.consistency.regionPsnr.before, 2),
      regionPsnrAfter: round(r.consistency.regionPsnr.after, 2),
      colourBefore: round(r.consistency.colour.before),
      colourAfter: round(r.consistency.colour.after),
      scroll: { generated: round(r.consistency.scroll.generated, 1), simulator: round(r.consistency.scroll.simulator, 1) },
    },
    events: { background: { generated: round(r.events.background.generated), simulator: round(r.events.background.simulator) } },
    collapse: { first: r.collapse.first, last: r.collapse.last, gap: r.collapse.gap },
    speed: { threads: r.speed.threads, fps: round(r.speed.fps, 1), stepMsMean: round(r.speed.stepMs.mean, 1), stepMsP95: round(r.speed.stepMs.p95, 1), renderMs: round(r.speed.renderMs, 2) },
    targetsMet: r.targets.every((t) => t.met === true),
  };
}

/** `cinesim eval world --write`: the manifest's `metrics` (other keys kept) and the model's section of the results page. */
export async function writeWorldResults(r: WorldReport, file: string = RESULTS_FILE): Promise<{ manifest: string; results: string }> {
  const withCommand = { ...r, command: r.command.endsWith(' --write') ? r.command : `${r.command} --write` };
  return {
    manifest: await mergeManifestMetrics(r.model.dir, worldMetrics(withCommand)),
    results: await writeResultsSection(r.model.name, formatWorldMarkdown(withCommand), file),
  };
}
