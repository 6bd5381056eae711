/**
 * src/media: frames to files people can watch and hear, and back. The public surface, listed explicitly.
 */
export { concatVideos, frameAt, frameBytes, makeFrames, sliceVideo, type VideoFrames } from './frames.ts';
export { writeClip, clipOutputKind, FOLDER_FILES, type WriteClipOptions, type ClipOutputKind } from './write.ts';
export { encodeMp4, DEFAULT_CRF, type Mp4Options, type Mp4Audio, type EncodedMp4, type X264Preset } from './mp4.ts';
export { decodeVideo, probeVideo, type DecodeOptions, type ProbeOptions, type VideoInfo } from './decode.ts';
export {
  readImage,
  writePngFrames,
  writeAnimatedImage,
  writeContactSheet,
  writeThumbnail,
  contactSheet,
  contactSheetLayout,
  frameDelays,
  frameFileName,
  imageAsFrames,
  READABLE_IMAGE_FORMATS,
  DEFAULT_MAX_INPUT_PIXELS,
  type RgbImage,
  type Rgb,
  type ImageFit,
  type ReadImageOptions,
  type AnimatedFormat,
  type AnimatedImageOptions,
  type ContactSheetOptions,
  type ContactSheetLayout,
  type ThumbnailOptions,
} from './image.ts';
export {
  upscaleFrame,
  upscaleVideo,
  planUpscale,
  NO_UPSCALE,
  DEFAULT_MIN_SHORT_SIDE,
  type UpscaleKernel,
  type UpscaleOptions,
  type UpscalePlan,
} from './upscale.ts';
export { encodeWav, decodeWav, writeWav, readWav, audioDuration, type AudioSamples } from './wav.ts';
export {
  ClipMetadataSchema,
  completeMetadata,
  parseClipMetadata,
  sidecarPath,
  writeMetadataJson,
  readMetadataJson,
  mp4Tags,
  mp4MetadataArgs,
  readMp4Metadata,
  readContainerTags,
  cinesimVersion,
  FOLDER_METADATA_FILE,
  type ClipMetadata,
} from './metadata.ts';
export { locateTool, runTool, ffprobeJson, type MediaTool, type RunToolOptions, type RunToolResult } from './ffmpeg.ts';
export { testPattern } from './testpattern.ts';
