/**
 * Messages between the Play page and its world worker (world.worker.ts), which runs the world model with
 * onnxruntime-web off the page's thread, so input, drawing and the readouts stay responsive while the
 * model computes. Times never cross: the page keeps its own clock, and tags each input with an id that
 * comes back on the frames made with it (input-to-frame latency is measured on the page's clock).
 */
import type { EventCode, WorldSpec } from '../../../src/engine/world/stepper.ts';

/** Threads for WebAssembly: 0 = automatic (the cores but one, at most 4); always 1 without cross-origin isolation. */
export type ThreadChoice = 0 | 1 | 2 | 4;

export type ToWorker =
  /** The model's manifest and ONNX bytes (transferred), the runtime's address, and threads. */
  | { type: 'load'; spec: WorldSpec; model: ArrayBuffer; ortBase: string; threads: ThreadChoice; preferGpu: boolean }
  /** Starts over from these frames (oldest first) with this seed; `play` numbers the starts. */
  | { type: 'reset'; play: number; frames: Uint8Array[]; actions: string[]; seed: number }
  /** Plays continuously (paced at the model's fps, or as fast as it can) or stops after the frame in progress. */
  | { type: 'run'; running: boolean; paced: boolean }
  /** One frame while paused. */
  | { type: 'step' }
  /** The action held now; frames made with it carry `inputId`. */
  | { type: 'input'; action: string; inputId: number }
  /** An event (encodeGameEvent) for the next frame only. */
  | { type: 'event'; code: EventCode };

export type FromWorker =
  /** `gpuProblem`: why WebGPU was asked for and the browser has an adapter, but the model runs on WebAssembly. */
  | { type: 'ready'; backend: 'webgpu' | 'wasm'; threads: number; isolated: boolean; gpuProblem?: string }
  | {
      type: 'frame';
      /** The start (reset) it continues. */
      play: number;
      /** uint8 RGB, width·height·3 (transferred). */
      frame: Uint8Array;
      /** Frames since the reset, this one included. */
      index: number;
      /** The newest input this frame was made with. */
      inputId: number;
      /** Time the model took for this frame (worker clock, a duration). */
      stepMs: number;
    }
  | { type: 'stopped' }
  | { type: 'error'; message: string };
