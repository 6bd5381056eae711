/**
 * In-process notifications that a job changed (status, progress), for Server-Sent Events: listeners get
 * the job id and read the current state themselves, so a slow listener never sees a stale copy.
 * A service scaled out across processes would carry these over Redis pub/sub behind the same two calls.
 */
import { EventEmitter } from 'node:events';

export class JobEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0); // one listener per open stream

  notify(jobId: string): void {
    this.emitter.emit(jobId, jobId);
  }

  /** Returns the unsubscribe function. */
  subscribe(jobId: string, listener: () => void): () => void {
    this.emitter.on(jobId, listener);
    return () => this.emitter.off(jobId, listener);
  }
}
