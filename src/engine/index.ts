/**
 * src/engine: the model runtime. The public surface, listed explicitly; everything else in this folder is
 * internal. Only ./ort.ts touches ONNX Runtime.
 */
export {
  VideoPipeline,
  type VideoPipelineOptions,
  type VideoComponents,
  type PromptTokenizer,
  type GenerateHooks,
  type GenerateProgress,
  type GenerateResult,
  type GenerateStage,
  type StageTimings,
  type StepInfo,
} from './pipeline.ts';
export { resolveSettings, latentShapeFor, type GenerateRequest, type GenerateSettings } from './request.ts';
export {
  buildConditioning,
  givenLatents,
  checkConditioning,
  keepGivenFrames,
  MODE_CAPABILITY,
  NO_CONDITIONING,
  type Conditioning,
  type ConditioningMode,
  type ConditioningTarget,
  type ConditioningTensors,
  type FrameEncoder,
} from './conditioning.ts';
export {
  FlowMatchScheduler,
  SAMPLERS,
  shiftSigma,
  type FlowMatchConfig,
  type SamplerName,
  type SetTimestepsOptions,
} from './schedulers/flow-match.ts';
export {
  combineGuidance,
  needsUnconditional,
  GuidedDenoiser,
  DEFAULT_GUIDANCE_BATCHING,
  type GuidanceBatching,
  type GuidedDenoiserOptions,
} from './guidance.ts';
export { VaeDecoder, VaeEncoder, type DecodedChunk, type DecodeOptions, type VaeSpec } from './vae.ts';
export { Tokenizer, BOS_ID, PAD_ID, encodePrompt } from './tokenizer.ts';
export { PromptEncoder, padTokens, textRow, UNCONDITIONAL_TOKENS, type TextEmbeddings } from './text.ts';
export { Transformer, type TransformerInputs } from './transformer.ts';
export {
  concatBatch,
  copyFrames,
  isValidFrameCount,
  latentFrameCount,
  latentSize,
  makeLatents,
  sliceFrames,
  validFrameCountsAround,
  zeroLatents,
  type LatentShape,
  type Latents,
} from './latents.ts';
export {
  loadManifest,
  requireKind,
  resolveModel,
  listModels,
  modelSearchDirs,
  FORMAT_VERSION,
  MANIFEST_FILE,
  type Manifest,
  type VideoManifest,
  type ProbeManifest,
  type WorldManifest,
  type ModelKind,
  type DecoderCacheSpec,
  type SamplingDefaults,
  type LoadManifestOptions,
  type ResolveModelOptions,
} from './manifest.ts';
export {
  Session,
  float32Tensor,
  int64Tensor,
  float32Output,
  type Device,
  type SessionOptions,
  type Tensor,
  type Feeds,
  type Outputs,
} from './ort.ts';
export { Probe, type ProbeHead, type ProbeOptions, type ProbeReading } from './probe.ts';
export {
  applyReferences,
  describeReference,
  REFERENCE_ATTRIBUTES,
  REFERENCE_FRAMES,
  type ReferenceAttribute,
  type ReferenceInput,
  type ReferenceSubject,
} from './reference.ts';
export { throwIfAborted } from './cancel.ts';
export { consoleLogger, type Logger } from './log.ts';
export { generateClip, onePassLimit, type ClipHooks, type ClipProgress, type ClipRequest, type ClipResult, type ClipStage } from './clip.ts';
export {
  generateLongVideo,
  chunkPlan,
  extendPrefixFrames,
  longVideoPlan,
  promptSchedule,
  type Anchor,
  type LongVideoChunk,
  type LongVideoHooks,
  type LongVideoRequest,
  type LongVideoResult,
  type PromptChange,
} from './long-video.ts';
export { matchPrefixSeam, SEAM_MATCH_DEFAULTS, type SeamMatchOptions } from './seam.ts';
export {
  WorldStepper,
  NO_EVENT,
  toPlanar,
  quantise,
  type Denoise,
  type EventCode,
  type StepEvent,
  type StepperOptions,
  type WorldFeeds,
  type WorldSpec,
  type WorldStart,
} from './world/stepper.ts';
export { WorldModel, imageStart, worldSpec, type WorldModelOptions } from './world/session.ts';
export { gameStart, parsePlayPrompt, type GameStart, type GameStartRequest, type PlayScene } from './world/start.ts';
