/**
 * The engine's only door to ONNX Runtime. Every other module sees `Session`, `Tensor` and the helpers
 * here, never `onnxruntime-node` itself, so the runtime can be swapped (onnxruntime-web in the studio) in
 * one place. Owns: device → execution provider mapping, session options, input checks at the session
 * boundary, diagnostics on failure, and release of native memory.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CinesimError, ERRORS } from '../errors.ts';
import { consoleLogger, type Logger } from './log.ts';

export type Tensor = ort.Tensor;
export type Feeds = Readonly<Record<string, Tensor>>;
export type Outputs = Readonly<Record<string, Tensor>>;

/** Where a session runs. CUDA needs onnxruntime-node's CUDA libraries, which the default install skips. */
export type Device = 'cpu' | 'cuda';

const EXECUTION_PROVIDERS: Readonly<Record<Device, string>> = Object.freeze({ cpu: 'cpu', cuda: 'cuda' });

// ORT's own console log, 0 verbose .. 4 fatal. Its warnings are about ORT internals and its errors repeat
// what `run` rethrows (and logs with the inputs through the engine's logger), so only fatal ones print.
const ORT_LOG_SEVERITY = 4;

export interface SessionOptions {
  /** Default 'cpu'. */
  readonly device?: Device;
  /** Intra-op threads; default: every core this process may use. */
  readonly threads?: number;
  readonly logger?: Logger;
}

/**
 * One loaded ONNX graph. `run` checks the feeds against the graph's declared inputs before calling ORT,
 * so a wiring mistake reads as a sentence instead of an ORT stack.
 */
export class Session {
  /** The ONNX file name, used in every message about this session. */
  readonly name: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly device: Device;
  private readonly session: ort.InferenceSession;
  private readonly logger: Logger;
  private readonly warnedExtras = new Set<string>();

  private constructor(session: ort.InferenceSession, name: string, device: Device, logger: Logger) {
    this.session = session;
    this.name = name;
    this.device = device;
    this.logger = logger;
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
  }

  static async create(path: string, options: SessionOptions = {}): Promise<Session> {
    const device = options.device ?? 'cpu';
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `threads must be a positive integer, got ${threads}`, {
        param: 'threads',
      });
    }
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [EXECUTION_PROVIDERS[device]],
      intraOpNumThreads: threads,
      graphOptimizationLevel: 'all',
      logSeverityLevel: ORT_LOG_SEVERITY,
    };
    try {
      const session = await ort.InferenceSession.create(path, sessionOptions);
      return new Session(session, basename(path), device, options.logger ?? consoleLogger);
    } catch (cause) {
      throw sessionCreateError(path, device, cause);
    }
  }

  /**
   * Runs the graph. Every declared input must be fed (one error lists all that are missing); extra feeds
   * are dropped with a warning (once per name), so optional inputs of newer graphs do not break older ones.
   */
  async run(feeds: Feeds): Promise<Outputs> {
    const missing = this.inputNames.filter((n) => !(n in feeds));
    if (missing.length > 0) {
      throw new CinesimError(
        ERRORS.MODEL_INVALID,
        `${this.name}: missing input(s) ${missing.join(', ')}; the graph takes ${this.inputNames.join(', ')} ` +
          `and was given ${Object.keys(feeds).join(', ') || 'nothing'}`,
        { details: { session: this.name, missing } },
      );
    }
    const used: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      if (this.inputNames.includes(name)) used[name] = tensor;
      else if (!this.warnedExtras.has(name)) {
        this.warnedExtras.add(name);
        this.logger.warn(`${this.name}: ignoring input '${name}', which the graph does not take`);
      }
    }
    this.checkDeclaredTypes(used);
    try {
      return await this.session.run(used);
    } catch (cause) {
      this.logger.error(`${this.name} failed: ${errorMessage(cause)}\n${this.describeFeeds(used)}`);
      throw new CinesimError(ERRORS.INTERNAL, `${this.name} failed to run: ${errorMessage(cause)}`, {
        cause,
        details: { session: this.name, inputs: this.feedSummary(used) },
      });
    }
  }

  /** Frees the native session. The object must not be used afterwards. */
  async dispose(): Promise<void> {
    await this.session.release();
  }

  /**
   * A graph whose declared dtype or fixed dimension disagrees with what the engine built from the manifest
   * is a model that does not follow the contract (e.g. `latentChannels` differs from the graph's).
   */
  private checkDeclaredTypes(feeds: Record<string, Tensor>): void {
    const problems: string[] = [];
    for (const meta of this.session.inputMetadata) {
      const tensor = feeds[meta.name];
      if (!meta.isTensor || tensor === undefined) continue;
      const shapeOk =
        meta.shape.length === tensor.dims.length &&
        meta.shape.every((d, i) => typeof d !== 'number' || d < 0 || d === tensor.dims[i]);
      if (meta.type !== tensor.type || !shapeOk) {
        const declared = `${meta.type} [${meta.shape.join(', ')}]`;
        problems.push(`${meta.name}: got ${tensor.type} [${tensor.dims.join(', ')}], graph declares ${declared}`);
      }
    }
    if (problems.length > 0) {
      throw new CinesimError(
        ERRORS.MODEL_INVALID,
        `${this.name} does not match its manifest: ${problems.join('; ')}`,
        { details: { session: this.name, problems } },
      );
    }
  }

  private feedSummary(feeds: Record<string, Tensor>): Record<string, string> {
    return Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, `${t.type} [${t.dims.join(', ')}]`]));
  }

  private describeFeeds(feeds: Record<string, Tensor>): string {
    const declared = new Map(this.session.inputMetadata.map((m) => [m.name, m]));
    return Object.entries(this.feedSummary(feeds))
      .map(([name, got]) => {
        const meta = declared.get(name);
        const expected = meta?.isTensor ? ` (graph: ${meta.type} [${meta.shape.join(', ')}])` : '';
        return `  ${name}: ${got}${expected}`;
      })
      .join('\n');
  }
}

function sessionCreateError(path: string, device: Device, cause: unknown): CinesimError {
  const message = errorMessage(cause);
  if (device !== 'cpu' && /provider|shared library|backend/i.test(message)) {
    return new CinesimError(
      ERRORS.INVALID_ARGUMENT,
      `the ${device} execution provider is not available (${message}). onnxruntime-node ships without its CUDA ` +
        `libraries; reinstall it with \`npm install onnxruntime-node --onnxruntime-node-install=cuda12\` on a ` +
        `machine with CUDA 12, or use device 'cpu'`,
      { param: 'device', cause },
    );
  }
  return new CinesimError(ERRORS.MODEL_INVALID, `cannot load ${path}: ${message}`, { cause });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function checkSize(length: number, dims: readonly number[], what: string): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) {
    throw new CinesimError(ERRORS.INTERNAL, `${what} tensor [${dims.join(', ')}] needs ${expected} values, got ${length}`);
  }
}

export function float32Tensor(data: Float32Array, dims: readonly number[]): Tensor {
  checkSize(data.length, dims, 'float32');
  return new ort.Tensor('float32', data, dims);
}

export function int64Tensor(data: BigInt64Array | readonly number[], dims: readonly number[]): Tensor {
  const values = data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v));
  checkSize(values.length, dims, 'int64');
  return new ort.Tensor('int64', values, dims);
}

/** A float32 output by name, with a clear error when the graph did not produce it. */
export function float32Output(outputs: Outputs, name: string, session: Session): { data: Float32Array; dims: readonly number[] } {
  const tensor = outputs[name];
  if (tensor === undefined || tensor.type !== 'float32') {
    throw new CinesimError(
      ERRORS.MODEL_INVALID,
      `${session.name}: expected a float32 output '${name}', the graph gives ${session.outputNames.join(', ')}`,
    );
  }
  return { data: tensor.data as Float32Array, dims: tensor.dims };
}
