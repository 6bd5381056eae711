/**
 * src/eval: model quality as numbers. The public surface, listed explicitly.
 *
 * probe.ts      the attribute probe (ONNX) that reads clips
 * adherence.ts  stated values of a prompt, scored against a probe reading; seen / held-out summaries
 * metrics.ts    PSNR, SSIM, flicker on clips
 * frechet.ts    Fréchet distance between feature sets (linalg.ts: symmetric eigendecomposition, PSD sqrt)
 * suite.ts      the fixed prompt suite: build, write, load (with drift checks)
 * run.ts        runEval: a model over the suite → EvalReport
 * report.ts     the report's types, targets, terminal table and Markdown
 * modes.ts      runModesEval: generation modes (i2v, flf, extend, long video, drift, aspect, camera, reference, sync)
 * modes-report.ts  its report's types, targets, tables
 * publish.ts    --write: manifest `metrics` and docs/RESULTS.md
 */
export { Probe, type ProbeHead, type ProbeOptions, type ProbeReading } from './probe.ts';
export {
  SCORED_ATTRIBUTES,
  statedValues,
  checkStated,
  readValues,
  scoreGroup,
  summarizeAdherence,
  statedShare,
  type ScoredAttribute,
  type StatedValue,
  type ValueCheck,
  type AttributeScore,
  type GroupScore,
  type AdherenceGap,
  type AdherenceSummary,
  type ClipChecks,
} from './adherence.ts';
export { psnr, ssim, flicker, mean, median, frameSteps, seamContinuity, MIN_NORMAL_STEP, type SeamContinuity } from './metrics.ts';
export { featureStats, frechetDistance, type FeatureStats } from './frechet.ts';
export { symmetricEigen, sqrtPsd, traceSqrtPsd, matmul, type SymmetricEigen } from './linalg.ts';
export {
  buildSuite,
  loadSuite,
  writeSuite,
  formatSuite,
  suitePath,
  SHAPES_V1,
  DEFAULT_SUITE,
  SUITE_FORMAT_VERSION,
  type BuildSuiteOptions,
  type Suite,
  type SuiteEntry,
  type SuiteFile,
  type LoadedEntry,
} from './suite.ts';
export {
  runEval,
  evalSettings,
  DEFAULT_EVAL_MODEL,
  DEFAULT_PROBE,
  DEFAULT_VAE_CLIPS,
  type EvalOptions,
  type EvalProgress,
} from './run.ts';
export {
  formatReport,
  formatMarkdown,
  checkTargets,
  targetValue,
  metMark,
  TARGETS,
  BINDING_NOTE,
  REPORT_FORMAT_VERSION,
  type EvalReport,
  type AdherencePair,
  type EvalSettings,
  type ClipResult,
  type ClipOutcome,
  type TargetCheck,
} from './report.ts';
export {
  runModesEval,
  type ModesOptions,
  type ModesProgress,
} from './modes.ts';
export {
  buildModesTargets,
  formatModesMarkdown,
  formatModesReport,
  MODE_PARTS,
  MODES_DEFAULTS,
  MODES_FORMAT_VERSION,
  MODES_TARGETS,
  type AspectFigures,
  type CameraFigures,
  type DriftFigures,
  type ExtendFigures,
  type KeyframeFigures,
  type LongFigures,
  type ModePart,
  type ModesFigures,
  type ModesReport,
  type ReferenceFigures,
  type SeamFigures,
  type SizeFigures,
  type SyncResult,
} from './modes-report.ts';
export {
  manifestMetrics,
  modesMetrics,
  mergeManifestMetrics,
  writeManifestMetrics,
  writeModesResults,
  writeResults,
  writeResultsSection,
  replaceSection,
  RESULTS_FILE,
} from './publish.ts';
