/** The Play page's readouts: frames per second over the last second or so, and input-to-frame latency. */

/** Frames per second from arrival times: frames in a sliding window over the time they span. */
export class FrameRate {
  private readonly times: number[] = [];
  constructor(private readonly windowMs = 1500) {}

  add(now: number): void {
    this.times.push(now);
    while (this.times.length > 2 && now - this.times[0] > this.windowMs) this.times.shift();
  }

  /** null until two frames came; 0 once frames stop for longer than the window. */
  value(now: number): number | null {
    const n = this.times.length;
    if (n < 2) return null;
    if (now - this.times[n - 1] > this.windowMs) return 0;
    return ((n - 1) * 1000) / (this.times[n - 1] - this.times[0]);
  }

  clear(): void {
    this.times.length = 0;
  }
}

/** Mean and 95th percentile of the last `size` samples. */
export class RollingStats {
  private readonly samples: number[] = [];
  constructor(private readonly size = 100) {}

  add(value: number): void {
    this.samples.push(value);
    if (this.samples.length > this.size) this.samples.shift();
  }

  get count(): number {
    return this.samples.length;
  }

  mean(): number | null {
    return this.samples.length === 0 ? null : this.samples.reduce((a, b) => a + b, 0) / this.samples.length;
  }

  /** Nearest-rank percentile. */
  percentile(p: number): number | null {
    if (this.samples.length === 0) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  }

  clear(): void {
    this.samples.length = 0;
  }
}
