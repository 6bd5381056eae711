/**
 * A fixed number of generation worker threads, each running one task at a time. A worker is started on
 * first use and kept (its model stays loaded); one that dies or stops answering is discarded, the task
 * fails with WORKER_FAILED (retryable), and the next task gets a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import { CinesimError, ERRORS } from '../../errors.ts';
import type { ClipProgress } from '../../engine/clip.ts';
import type { Preview } from '../jobs/previews.ts';
import type { FromWorker, GenerationOutput, GenerationTask, SerializedError, ToWorker } from './protocol.ts';

const WORKER_ENTRY = new URL('./worker-boot.mjs', import.meta.url);
/** After a cancel, how long a worker may take to stop on its own before it is terminated. */
const CANCEL_GRACE_MS = 5_000;

export interface RunHooks {
  readonly onProgress?: (progress: ClipProgress) => void;
  /** Live previews, sent while the task's `previews` (or a later `setPreviews`) asks for them. */
  readonly onPreview?: (preview: Preview) => void;
  /** Aborting cancels the task; the run then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

interface Slot {
  worker: Worker | undefined;
  busy: boolean;
  /** The job the slot runs while busy. */
  jobId?: string;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private closed = false;

  constructor(
    size: number,
    private readonly threads: number,
  ) {
    this.slots = Array.from({ length: size }, () => ({ worker: undefined, busy: false }));
  }

  /** Runs `task` on an idle worker; the caller keeps at most `size` runs going. */
  run(task: GenerationTask, hooks: RunHooks = {}): Promise<GenerationOutput> {
    const slot = this.slots.find((s) => !s.busy);
    if (!slot || this.closed) return Promise.reject(new CinesimError(ERRORS.INTERNAL, 'no idle generation worker'));
    slot.busy = true;
    slot.jobId = task.jobId;
    const worker = (slot.worker ??= new Worker(WORKER_ENTRY));
    return new Promise<GenerationOutput>((resolve, reject) => {
      let killTimer: NodeJS.Timeout | undefined;
      const finish = (settle: () => void) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        hooks.signal?.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
        slot.busy = false;
        slot.jobId = undefined;
        settle();
      };
      const discard = () => {
        if (slot.worker === worker) slot.worker = undefined;
        void worker.terminate();
      };
      const onMessage = (message: FromWorker) => {
        if (message.jobId !== task.jobId) return;
        if (message.type === 'progress') hooks.onProgress?.(message);
        else if (message.type === 'preview') hooks.onPreview?.(message.preview);
        else if (message.type === 'done') finish(() => resolve(message.output));
        else finish(() => reject(hooks.signal?.aborted ? hooks.signal.reason : deserialize(message.error)));
      };
      const onError = (error: Error) => {
        discard();
        finish(() => reject(new CinesimError(ERRORS.WORKER_FAILED, `generation worker crashed: ${error.message}`, { cause: error })));
      };
      const onExit = (code: number) => {
        discard();
        finish(() => reject(hooks.signal?.aborted ? hooks.signal.reason : new CinesimError(ERRORS.WORKER_FAILED, `generation worker exited (code ${code})`)));
      };
      const onAbort = () => {
        this.post(worker, { type: 'cancel', jobId: task.jobId });
        // A worker busy inside one long native call answers late; past the grace time it is replaced.
        killTimer = setTimeout(discard, CANCEL_GRACE_MS);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      if (hooks.signal?.aborted) onAbort();
      else hooks.signal?.addEventListener('abort', onAbort, { once: true });
      this.post(worker, { type: 'run', task, threads: this.threads });
    });
  }

  /** Turns live previews of a running job on or off (someone started or stopped watching). */
  setPreviews(jobId: string, enabled: boolean): void {
    const slot = this.slots.find((s) => s.busy && s.jobId === jobId);
    if (slot?.worker) this.post(slot.worker, { type: 'previews', jobId, enabled });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker?.terminate()));
    for (const s of this.slots) s.worker = undefined;
  }

  private post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }
}

function deserialize(error: SerializedError): CinesimError {
  return new CinesimError({ code: error.code, status: error.status, exitCode: 1 }, error.message, { param: error.param ?? undefined });
}
