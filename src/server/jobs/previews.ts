/**
 * Live previews of running jobs: the frames a job is heading towards, decoded by its worker every few
 * denoising steps, passed to whoever watches (`GET /v1/videos/{id}/events?previews=true`). Decoding costs
 * a VAE pass, so workers decode only while someone watches: the hub tells the scheduler when a job's
 * audience appears or leaves (`onDemand`). The latest preview is kept for watchers who arrive late and
 * dropped when the job's run ends. In process, like JobEvents; scaled out, it would ride the same pub/sub.
 */
import { EventEmitter } from 'node:events';

export interface Preview {
  /** The denoising step (model evaluation) the preview was taken at, 1-based, and their count. */
  readonly step: number;
  readonly total: number;
  /** Frame indices shown, left to right. */
  readonly frames: readonly number[];
  /** A strip of those frames: `data:image/webp;base64,…`. */
  readonly image: string;
  readonly width: number;
  readonly height: number;
}

type Watcher = (preview: Preview) => void;

export class PreviewHub {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly latest = new Map<string, Preview>();
  private readonly demand = new EventEmitter().setMaxListeners(0);

  /** Calls `watcher` with the latest preview (if any) and every new one; returns the unsubscribe function. */
  watch(jobId: string, watcher: Watcher): () => void {
    let set = this.watchers.get(jobId);
    if (!set) this.watchers.set(jobId, (set = new Set()));
    set.add(watcher);
    if (set.size === 1) this.demand.emit(jobId, true);
    const latest = this.latest.get(jobId);
    if (latest) watcher(latest);
    return () => {
      if (!set.delete(watcher) || set.size > 0) return;
      this.watchers.delete(jobId);
      this.demand.emit(jobId, false);
    };
  }

  watching(jobId: string): boolean {
    return (this.watchers.get(jobId)?.size ?? 0) > 0;
  }

  /** `listener(true)` when a job gets its first watcher, `(false)` when its last one leaves. */
  onDemand(jobId: string, listener: (wanted: boolean) => void): () => void {
    this.demand.on(jobId, listener);
    return () => this.demand.off(jobId, listener);
  }

  publish(jobId: string, preview: Preview): void {
    this.latest.set(jobId, preview);
    for (const watcher of this.watchers.get(jobId) ?? []) watcher(preview);
  }

  /** The job's run ended: its previews are stale. */
  clear(jobId: string): void {
    this.latest.delete(jobId);
  }
}
