/**
 * The page's side of play: owns the world worker, draws each frame it sends on the canvas, and measures
 * what a player feels: frames per second, and input-to-frame latency, from the input event's time to the
 * display frame after the first generated frame that used it (both on the page's clock).
 */
import type { EventCode, WorldSpec } from '../../../src/engine/world/stepper.ts';
import type { FromWorker, ThreadChoice, ToWorker } from './protocol.ts';
import type { StartFrames } from './start.ts';
import { FrameRate, RollingStats } from './stats.ts';

export interface Readout {
  /** Frames per second, null before two frames. */
  readonly fps: number | null;
  /** Input-to-frame latency over the last 100 inputs, ms. */
  readonly latencyMean: number | null;
  readonly latencyP95: number | null;
  readonly latencyCount: number;
  /** The model's time for the last frame, ms. */
  readonly stepMs: number | null;
  /** Frames since the start. */
  readonly frames: number;
}

export interface Backend {
  readonly name: 'webgpu' | 'wasm';
  /** WebAssembly threads (0 for WebGPU). */
  readonly threads: number;
  /** Whether the page is cross-origin isolated (multi-threaded WebAssembly needs it). */
  readonly isolated: boolean;
  /** Why WebGPU was asked for and available but not used (its session failed to load this model). */
  readonly gpuProblem?: string;
}

export interface EngineCallbacks {
  ready(backend: Backend): void;
  readout(readout: Readout): void;
  error(message: string): void;
}

export interface EngineOptions {
  readonly threads: ThreadChoice;
  readonly preferGpu: boolean;
}

/** How often the readout is pushed to the page (its numbers change every frame; the page needs fewer renders). */
const READOUT_MS = 250;

export class PlayEngine {
  private readonly worker: Worker;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly image: ImageData;
  private readonly rate = new FrameRate();
  private readonly latency = new RollingStats(100);
  /** Inputs not yet seen in a frame: id → event time. */
  private readonly waiting = new Map<number, number>();
  private inputId = 0;
  private play = 0;
  private frames = 0;
  private stepMs: number | null = null;
  private lastReadout = 0;
  private action = 'none';
  private disposed = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly spec: WorldSpec,
    private readonly callbacks: EngineCallbacks,
  ) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    this.ctx = ctx;
    canvas.width = spec.frame.width;
    canvas.height = spec.frame.height;
    this.image = ctx.createImageData(spec.frame.width, spec.frame.height);
    this.worker = new Worker(new URL('./world.worker.ts', import.meta.url), { type: 'module', name: 'cinesim-world' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => callbacks.error(e.message || 'the world worker failed to start');
  }

  /** Hands the model to the worker (the bytes move, they are not copied). */
  load(model: ArrayBuffer, options: EngineOptions): void {
    this.send({ type: 'load', spec: this.spec, model, ortBase: window.location.origin, threads: options.threads, preferGpu: options.preferGpu }, [model]);
  }

  /** Starts over from these frames; shows the newest of them. The readouts start over too. */
  reset(start: StartFrames, seed: number): void {
    this.play++;
    this.frames = 0;
    this.stepMs = null;
    this.rate.clear();
    this.latency.clear();
    this.waiting.clear();
    this.draw(start.frames[start.frames.length - 1]);
    this.send({ type: 'reset', play: this.play, frames: start.frames.map((f) => f.slice()), actions: start.actions, seed });
    this.pushReadout(true);
  }

  run(running: boolean, paced: boolean): void {
    this.send({ type: 'run', running, paced });
  }

  step(): void {
    this.send({ type: 'step' });
  }

  /** The action held from now on; `at` is the input event's time (performance.now() clock). */
  setAction(action: string, at: number): void {
    if (action === this.action) return;
    this.action = action;
    this.inputId++;
    this.waiting.set(this.inputId, at);
    this.send({ type: 'input', action, inputId: this.inputId });
  }

  fireEvent(code: EventCode): void {
    this.send({ type: 'event', code });
  }

  dispose(): void {
    this.disposed = true;
    this.worker.terminate();
  }

  private send(message: ToWorker, transfer: Transferable[] = []): void {
    if (!this.disposed) this.worker.postMessage(message, transfer);
  }

  private receive(message: FromWorker): void {
    if (this.disposed) return;
    switch (message.type) {
      case 'ready':
        this.callbacks.ready({
          name: message.backend,
          threads: message.threads,
          isolated: message.isolated,
          ...(message.gpuProblem !== undefined && { gpuProblem: message.gpuProblem }),
        });
        return;
      case 'error':
        this.callbacks.error(message.message);
        return;
      case 'stopped':
        this.pushReadout(true);
        return;
      case 'frame':
        if (message.play !== this.play) return; // made before the last reset
        this.frame(message);
        return;
    }
  }

  private frame(message: Extract<FromWorker, { type: 'frame' }>): void {
    this.frames = message.index;
    this.stepMs = message.stepMs;
    this.draw(message.frame);
    const now = performance.now();
    this.rate.add(now);
    // Inputs this frame answers: measured at the next display frame, when it is on screen.
    const answered: number[] = [];
    for (const [id, at] of this.waiting) {
      if (id <= message.inputId) {
        answered.push(at);
        this.waiting.delete(id);
      }
    }
    if (answered.length > 0) {
      requestAnimationFrame(() => {
        const shown = performance.now();
        for (const at of answered) this.latency.add(shown - at);
      });
    }
    this.pushReadout(false);
  }

  private draw(rgb: Uint8Array): void {
    const px = this.image.data;
    for (let p = 0, q = 0; q < rgb.length; p += 4, q += 3) {
      px[p] = rgb[q];
      px[p + 1] = rgb[q + 1];
      px[p + 2] = rgb[q + 2];
      px[p + 3] = 255;
    }
    this.ctx.putImageData(this.image, 0, 0);
    this.canvas.dataset.frame = String(this.frames);
  }

  private pushReadout(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastReadout < READOUT_MS) return;
    this.lastReadout = now;
    this.callbacks.readout({
      fps: this.rate.value(now),
      latencyMean: this.latency.mean(),
      latencyP95: this.latency.percentile(95),
      latencyCount: this.latency.count,
      stepMs: this.stepMs,
      frames: this.frames,
    });
  }
}
