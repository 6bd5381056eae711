/**
 * The Play page's world worker: runs the world model with onnxruntime-web (WebGPU when the browser has a
 * GPU adapter, WebAssembly otherwise) through the engine's own stepper (src/engine/world/stepper.ts, the
 * same core `cinesim play` uses), and posts each new frame back to the page.
 *
 * The loop takes the action held at the moment a frame starts. Paced play starts each frame just in time
 * for its slot at the model's frame rate (so it uses the newest input); unpaced play runs frames back to
 * back. Between frames the loop yields a task, so input messages are read before the next frame starts.
 */
import type * as Ort from 'onnxruntime-web';
import { WorldStepper, type Denoise, type EventCode, type WorldFeeds, type WorldSpec } from '../../../src/engine/world/stepper.ts';
import type { FromWorker, ThreadChoice, ToWorker } from './protocol.ts';

type OrtModule = typeof Ort;

interface Loaded {
  readonly stepper: WorldStepper;
  readonly fps: number;
}

let loaded: Loaded | undefined;
/** A frame is being computed: a reset waits for it (the stepper's history must not change under it). */
let busy = false;
let pendingReset: Extract<ToWorker, { type: 'reset' }> | undefined;
/** One frame asked for (paused) while the last frame of play was still being made: made right after it. */
let pendingStep = false;
/** The reset the frames belong to; the page drops frames of an older one. */
let play = 0;
let action = 'none';
let inputId = 0;
let pendingEvent: EventCode | null = null;
let running = false;
let paced = true;
let looping = false;
/** Moving average of a frame's compute time, to start paced frames just in time. */
let stepEstimateMs = 0;
/** When the last frame was due (worker clock); paced frames follow at 1/fps. */
let lastDue = 0;

const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, { transfer });

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const message = e.data;
  try {
    switch (message.type) {
      case 'load':
        void load(message).catch(fail);
        return;
      case 'reset':
        if (!loaded) throw new Error('the world model is not loaded');
        pendingReset = message;
        if (!busy) applyReset();
        return;
      case 'run':
        running = message.running;
        paced = message.paced;
        if (running) void loop().catch(fail);
        return;
      case 'step':
        if (running) return;
        // A slow backend (a software GPU takes seconds a frame) may still be making the frame that was in
        // flight when play was paused: the step follows it instead of being lost.
        if (busy) pendingStep = true;
        else void stepOnce().catch(fail);
        return;
      case 'input':
        action = message.action;
        inputId = message.inputId;
        return;
      case 'event':
        pendingEvent = message.code;
        return;
    }
  } catch (error) {
    fail(error);
  }
};

function fail(error: unknown): void {
  running = false;
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}

async function load(message: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  const isolated = self.crossOriginIsolated === true;
  const cores = navigator.hardwareConcurrency || 1;
  // Threads share memory (SharedArrayBuffer), which only a cross-origin isolated page has. Automatic:
  // one core is left to the page and the browser (ORT's threads spin while they wait, and a starved page
  // draws late: on 2 cores one thread gives more frames per second and less latency than two).
  const threads = !isolated ? 1 : message.threads === 0 ? Math.max(1, Math.min(4, cores - 1)) : message.threads;
  const { ort, session, backend, gpuProblem } = await createSession(message, threads);
  const inputs = new Set(session.inputNames);
  const output = session.outputNames.includes('denoised') ? 'denoised' : session.outputNames[0];
  const spec = message.spec;
  const { width: W, height: H } = spec.frame;
  const K = spec.context;
  const M = spec.memory.length;
  const denoise: Denoise = async (f: WorldFeeds) => {
    const B = f.batch;
    const all: Record<string, Ort.Tensor> = {
      noisy: new ort.Tensor('float32', f.noisy, [B, 3, H, W]),
      sigma: new ort.Tensor('float32', f.sigma, [B]),
      context: new ort.Tensor('float32', f.context, [B, 3 * K, H, W]),
      context_sigma: new ort.Tensor('float32', f.contextSigma, [B]),
      actions: new ort.Tensor('int64', f.actions, [B, K]),
      event: new ort.Tensor('int64', f.event, [B, 3]),
      memory: new ort.Tensor('float32', f.memory, [B, 3 * M, H, W]),
      anchor: new ort.Tensor('float32', f.anchor, [B, 3, H, W]),
    };
    // A model without memory (M = 0) may leave that input out of its graph, one without an anchor has none.
    const feeds = Object.fromEntries(Object.entries(all).filter(([name]) => inputs.has(name)));
    const result = await session.run(feeds);
    const out = result[output];
    const data = (await out.getData()) as Float32Array;
    return data;
  };
  const stepper = new WorldStepper(spec, denoise);
  loaded = { stepper, fps: spec.frame.fps ?? 8 };
  post({ type: 'ready', backend, threads: backend === 'wasm' ? threads : 0, isolated, ...(gpuProblem !== undefined && { gpuProblem }) });
}

async function createSession(
  message: Extract<ToWorker, { type: 'load' }>,
  threads: number,
): Promise<{ ort: OrtModule; session: Ort.InferenceSession; backend: 'webgpu' | 'wasm'; gpuProblem?: string }> {
  const model = new Uint8Array(message.model);
  let gpuProblem: string | undefined;
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (message.preferGpu && gpu && (await gpu.requestAdapter().catch(() => null))) {
    try {
      const ort = configure(await import('onnxruntime-web/webgpu'), message.ortBase, threads);
      // NCHW, the graph's own layout. With the provider's default (NHWC) onnxruntime-web 1.30 got the tiny
      // test model's memory convolution (6 input channels) wrong: max |Δ| 2.9 on the output against
      // WebAssembly, frames hundreds of levels off within four steps; NCHW: 2·10⁻⁵. (world-64's 12 channels
      // came out right either way, and as fast.) Ops the WebGPU provider lacks run on WebAssembly in the
      // same session (ORT places shape arithmetic there on purpose); inputs and outputs stay in CPU memory,
      // which the stepper reads and writes every step.
      const providers = [{ name: 'webgpu', preferredLayout: 'NCHW' } as const, 'wasm'];
      const session = await ort.InferenceSession.create(model, { ...SESSION_OPTIONS, executionProviders: providers });
      return { ort, session, backend: 'webgpu' };
    } catch (error) {
      // A GPU that will not run this graph: the WebAssembly runtime below still will; the page says why.
      gpuProblem = error instanceof Error ? error.message : String(error);
    }
  }
  const ort = configure(await import('onnxruntime-web/wasm'), message.ortBase, threads);
  const session = await ort.InferenceSession.create(model, { ...SESSION_OPTIONS, executionProviders: ['wasm'] });
  return { ort, session, backend: 'wasm', ...(gpuProblem !== undefined && { gpuProblem }) };
}

/**
 * Errors only in the console: a session's own log starts at warnings, and the WebGPU session warns on
 * every load that some nodes run on the CPU, which is by design (`ort.env.logLevel` does not reach it).
 */
const SESSION_OPTIONS = { graphOptimizationLevel: 'all', logSeverityLevel: 3 } as const;

function configure(ort: OrtModule, base: string, threads: number): OrtModule {
  ort.env.wasm.wasmPaths = `${base}/ort/${ort.env.versions.web}/`;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return ort;
}

function applyReset(): void {
  const message = pendingReset;
  if (!loaded || !message) return;
  pendingReset = undefined;
  loaded.stepper.reset({ frames: message.frames, actions: message.actions }, message.seed);
  play = message.play;
  pendingEvent = null;
}

/** One frame with the input held now; posted to the page. */
async function stepOnce(): Promise<void> {
  if (!loaded) throw new Error('the world model is not loaded');
  const used = inputId;
  const event = pendingEvent;
  pendingEvent = null;
  busy = true;
  const t0 = performance.now();
  let frame: Uint8Array;
  try {
    frame = await loaded.stepper.step(action, event);
  } finally {
    busy = false;
  }
  const stepMs = performance.now() - t0;
  stepEstimateMs = stepEstimateMs === 0 ? stepMs : 0.8 * stepEstimateMs + 0.2 * stepMs;
  post({ type: 'frame', play, frame, index: loaded.stepper.frameIndex, inputId: used, stepMs }, [frame.buffer]);
  applyReset(); // one that came while this frame was made
  if (pendingStep) {
    pendingStep = false;
    if (!running) await stepOnce();
  }
}

async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  lastDue = performance.now();
  try {
    while (running && loaded) {
      if (paced) {
        const due = Math.max(lastDue + 1000 / loaded.fps, performance.now());
        // Start late enough that the frame is ready at its slot, with the newest input.
        await sleep(due - stepEstimateMs - performance.now());
        lastDue = due;
      }
      await nextTask(); // let input messages in
      if (!running) break;
      await stepOnce();
    }
  } finally {
    looping = false;
    post({ type: 'stopped' });
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** A new task without setTimeout's clamping: messages queued meanwhile are handled first. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
