/**
 * Server-Sent Events for one job: the current video object at once, again on every change, and the
 * stream ends after a final state. A source may add events of its own kinds beside the state (live
 * previews). Comments keep idle proxies from closing the connection. Open streams are tracked so that a
 * shutting-down server ends them (they would otherwise hold it open).
 */
import type { FastifyReply } from 'fastify';

export interface SseSource<T> {
  /** The current state, or undefined when the job is gone (deleted). */
  read(): T | undefined;
  isFinal(state: T): boolean;
  subscribe(listener: () => void): () => void;
  /** Other events to send while the stream is open (`emit(event, data)`); returns the unsubscribe function. */
  extra?(emit: (event: string, data: string) => void): () => void;
}

const KEEPALIVE_MS = 15_000;

export class SseStreams {
  private readonly open = new Set<() => void>();

  /** Takes over the reply and streams `source` until it is final, gone, or the client leaves. */
  stream<T>(reply: FastifyReply, source: SseSource<T>): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    let lastSent = '';
    let seq = 0;
    let ended = false;
    let unsubscribeExtra: (() => void) | undefined;
    const end = () => {
      ended = true;
      unsubscribe();
      unsubscribeExtra?.();
      clearInterval(keepalive);
      this.open.delete(end);
      if (!res.writableEnded) res.end();
    };
    const send = () => {
      const state = source.read();
      if (state === undefined) {
        res.write('event: deleted\ndata: {}\n\n');
        return end();
      }
      const data = JSON.stringify(state);
      if (data !== lastSent) {
        lastSent = data;
        res.write(`id: ${++seq}\nevent: video\ndata: ${data}\n\n`);
      }
      if (source.isFinal(state)) end();
    };
    const unsubscribe = source.subscribe(send);
    const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    this.open.add(end);
    res.on('close', end); // the client went away (the request's own 'close' fires once its body is read)
    send();
    if (!ended && source.extra) {
      unsubscribeExtra = source.extra((event, data) => {
        if (!res.writableEnded) res.write(`id: ${++seq}\nevent: ${event}\ndata: ${data}\n\n`);
      });
    }
  }

  /** Ends every open stream (server shutdown). */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
