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
  type ScoredAttribute,
  type StatedValue,
  type ValueCheck,
  type AttributeScore,
  type GroupScore,
  type AdherenceGap,
  type AdherenceSummary,
  type ClipChecks,
} from './adherence.ts';
export { psnr, ssim, flicker, mean } from './metrics.ts';
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
export { manifestMetrics, writeManifestMetrics, writeResults, replaceSection, RESULTS_FILE } from './publish.ts';
