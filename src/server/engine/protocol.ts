/**
 * Messages between the server and its generation workers (worker threads). Plain JSON-able data only:
 * the worker reads its inputs from and writes its outputs to files, so nothing large crosses the channel.
 */
import type { ClipStage } from '../../engine/clip.ts';
import type { Preview } from '../jobs/previews.ts';
import type { InputRole, JobParams } from '../queue/types.ts';

export interface GenerationTask {
  readonly jobId: string;
  /** Absolute model folder (from the catalog, never from a request). */
  readonly modelDir: string;
  readonly modelName: string;
  readonly params: JobParams;
  /** Stored input files by role. */
  readonly inputs: Readonly<Partial<Record<InputRole, string>>>;
  /** Frames an extension keeps from its source video. */
  readonly prefixFrames: number;
  /** A fresh folder the outputs are written to. */
  readonly outDir: string;
  /** Recorded in the clip's metadata. */
  readonly metadataExtra: Readonly<Record<string, unknown>>;
  readonly debug: { readonly stepDelayMs?: number; readonly failAtStep?: number };
  /** Decode live previews from the start (someone already watches); toggled later by `previews` messages. */
  readonly previews: boolean;
}

export interface OutputFile {
  /** `shots`: a story's shots, lossless (a ZIP of src/story's reusable files), for a later remake. */
  readonly role: 'video' | 'thumbnail' | 'spritesheet' | 'metadata' | 'shots';
  readonly path: string;
  readonly contentType: string;
}

export interface GenerationOutput {
  readonly files: readonly OutputFile[];
  readonly seed: number;
  readonly timings: Readonly<Record<string, number>>;
}

export interface SerializedError {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly param: string | null;
}

export type ToWorker =
  | { readonly type: 'run'; readonly task: GenerationTask; readonly threads: number }
  | { readonly type: 'cancel'; readonly jobId: string }
  | { readonly type: 'previews'; readonly jobId: string; readonly enabled: boolean };

export type FromWorker =
  | { readonly type: 'progress'; readonly jobId: string; readonly stage: ClipStage; readonly step: number; readonly total: number }
  | { readonly type: 'preview'; readonly jobId: string; readonly preview: Preview }
  | { readonly type: 'done'; readonly jobId: string; readonly output: GenerationOutput }
  | { readonly type: 'failed'; readonly jobId: string; readonly error: SerializedError };
