/**
 * A progress bar on stderr. On a terminal it redraws one line; otherwise (CI logs, pipes) it prints a
 * line at most every few seconds, so logs stay readable.
 */
export class Progress {
  private readonly start = performance.now();
  private lastPrint = 0;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(done: number, note = '', total = this.total): void {
    this.total = total;
    if (this.quiet) return;
    const now = performance.now();
    const finished = done >= this.total;
    if (!finished && now - this.lastPrint < (this.tty ? 80 : 5000)) return;
    this.lastPrint = now;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const elapsed = (now - this.start) / 1000;
    const eta = frac > 0 && !finished ? elapsed / frac - elapsed : 0;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const text = `${this.label} ${bar} ${String(Math.round(frac * 100)).padStart(3)}% ${done}/${this.total}` +
      ` ${elapsed.toFixed(1)}s${eta > 0 ? ` eta ${eta.toFixed(1)}s` : ''}${note ? ` ${note}` : ''}`;
    if (this.tty) this.stream.write(`\r\x1b[2K${text}${finished ? '\n' : ''}`);
    else this.stream.write(`${text}\n`);
  }

  /** Seconds since the bar was created. */
  elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }
}
