/**
 * The terminal as a screen and a gamepad, for `cinesim play`: frames drawn in true colour with half
 * blocks (one character cell shows two pixels stacked: '▀' in the top pixel's colour over a background in
 * the bottom pixel's), keys read from a raw-mode stdin, and a screen that is always given back as it was
 * found (alternate screen, cursor, echo), however the process ends.
 */

const ESC = '\x1b[';
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const UPPER_HALF = '▀';

/**
 * Frame (uint8 RGB, [row, column, channel]) → ANSI text: `height / 2` lines (×scale) of `width` cells
 * (×scale; a scale below 1 keeps every 1/scale-th pixel). Colour codes are written only when a colour
 * changes along a line. An odd last row is drawn over black. `HalfBlockCanvas` draws only what changed.
 */
export function halfBlockFrame(frame: Uint8Array, width: number, height: number, scale = 1): string {
  const lines: string[] = [];
  const rows = Math.ceil((height * scale) / 2);
  for (let r = 0; r < rows; r++) {
    // Screen pixel rows 2r and 2r + 1, in frame rows (each frame row is `scale` screen rows tall).
    const top = Math.floor((2 * r) / scale);
    const bottom = Math.floor((2 * r + 1) / scale);
    let line = '';
    let fg = -1;
    let bg = -1;
    for (let sx = 0; sx < Math.floor(width * scale); sx++) {
      const x = Math.floor(sx / scale);
      const t = pixel(frame, width, height, x, top);
      const b = pixel(frame, width, height, x, bottom);
      if (t !== fg) {
        line += `${ESC}38;2;${t >> 16};${(t >> 8) & 255};${t & 255}m`;
        fg = t;
      }
      if (b !== bg) {
        line += `${ESC}48;2;${b >> 16};${(b >> 8) & 255};${b & 255}m`;
        bg = b;
      }
      line += UPPER_HALF;
    }
    lines.push(`${line}${ESC}0m`);
  }
  return lines.join('\n');
}

/**
 * A frame area of the screen that remembers what it shows, so each new frame writes only the cells whose
 * colours moved by more than `tolerance` (per channel, of 255): a still background costs nothing, and a
 * generated frame's small noise does not redraw the whole screen. A whole 64×64 frame is 10-80 KB of escape
 * codes; over SSH or a slow terminal that, not the model, would set the frame rate. On generated play the
 * default tolerance of 12 (under 5% of the range, below what the eye tells apart in a block this size)
 * writes about half of what a full redraw does (the bench has the figures).
 */
export class HalfBlockCanvas {
  readonly columns: number;
  readonly rows: number;
  /** Per cell, the top and bottom colour on screen (0xRRGGBB), or -1 before the first draw. */
  private readonly shown: Int32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly scale = 1,
    readonly tolerance = 12,
  ) {
    this.columns = Math.floor(width * scale);
    this.rows = Math.ceil((height * scale) / 2);
    this.shown = new Int32Array(2 * this.columns * this.rows).fill(-1);
  }

  /** ANSI text that turns what the screen shows into `frame`, with absolute cursor moves (row 1 at the top). */
  render(frame: Uint8Array): string {
    let out = '';
    let fg = -1;
    let bg = -1;
    for (let r = 0; r < this.rows; r++) {
      const top = Math.floor((2 * r) / this.scale);
      const bottom = Math.floor((2 * r + 1) / this.scale);
      let cursor = -1; // the column the cursor is at on this row, when known
      for (let c = 0; c < this.columns; c++) {
        const x = Math.floor(c / this.scale);
        const t = pixel(frame, this.width, this.height, x, top);
        const b = pixel(frame, this.width, this.height, x, bottom);
        const i = 2 * (r * this.columns + c);
        if (near(this.shown[i], t, this.tolerance) && near(this.shown[i + 1], b, this.tolerance)) continue;
        this.shown[i] = t;
        this.shown[i + 1] = b;
        if (cursor !== c) out += `${ESC}${r + 1};${c + 1}H`;
        if (t !== fg) {
          out += `${ESC}38;2;${t >> 16};${(t >> 8) & 255};${t & 255}m`;
          fg = t;
        }
        if (b !== bg) {
          out += `${ESC}48;2;${b >> 16};${(b >> 8) & 255};${b & 255}m`;
          bg = b;
        }
        out += UPPER_HALF;
        cursor = c + 1;
      }
    }
    return out === '' ? '' : `${out}${ESC}0m`;
  }
}

/** Whether on-screen colour `shown` (-1: nothing yet) is within `tolerance` of `color` in every channel. */
function near(shown: number, color: number, tolerance: number): boolean {
  if (shown < 0) return false;
  return (
    Math.abs((shown >> 16) - (color >> 16)) <= tolerance &&
    Math.abs(((shown >> 8) & 255) - ((color >> 8) & 255)) <= tolerance &&
    Math.abs((shown & 255) - (color & 255)) <= tolerance
  );
}

/** 0xRRGGBB of a pixel; black outside the frame. */
function pixel(frame: Uint8Array, width: number, height: number, x: number, y: number): number {
  if (y >= height) return 0;
  const i = (y * width + x) * 3;
  return (frame[i] << 16) | (frame[i + 1] << 8) | frame[i + 2];
}

/**
 * The largest scale at which a frame fits in `columns` × `rows` cells, keeping `reserved` rows free: a whole
 * number, or 1/2, 1/4 … (every other pixel) in a terminal too small for one cell per pixel pair.
 */
export function fitScale(width: number, height: number, columns: number, rows: number, reserved = 2): number {
  const fit = Math.min(columns / width, (2 * Math.max(1, rows - reserved)) / height);
  if (fit >= 1) return Math.floor(fit);
  let scale = 1;
  while (scale > fit && scale > 1 / 16) scale /= 2;
  return scale;
}

// --- keys --------------------------------------------------------------------------------------------

export type Key =
  | { readonly name: 'up' | 'down' | 'left' | 'right' | 'enter' | 'backspace' | 'escape' | 'interrupt' | 'tab' }
  | { readonly name: 'char'; readonly char: string };

const SEQUENCES: readonly (readonly [string, Key['name']])[] = [
  ['\x1b[A', 'up'],
  ['\x1b[B', 'down'],
  ['\x1b[C', 'right'],
  ['\x1b[D', 'left'],
  ['\x1bOA', 'up'], // application cursor mode
  ['\x1bOB', 'down'],
  ['\x1bOC', 'right'],
  ['\x1bOD', 'left'],
  ['\r\n', 'enter'],
  ['\r', 'enter'],
  ['\n', 'enter'],
  ['\x7f', 'backspace'],
  ['\b', 'backspace'],
  ['\t', 'tab'],
  ['\x03', 'interrupt'],
];

/**
 * One chunk of raw-mode stdin → keys, in order. A lone ESC is the Escape key; an escape sequence this does
 * not know (function keys, mouse) is dropped whole rather than read as characters.
 */
export function parseKeys(data: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  outer: while (i < data.length) {
    for (const [seq, name] of SEQUENCES) {
      if (data.startsWith(seq, i)) {
        keys.push({ name } as Key);
        i += seq.length;
        continue outer;
      }
    }
    if (data[i] === '\x1b') {
      const m = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O.)/.exec(data.slice(i));
      if (m) i += m[0].length;
      else {
        keys.push({ name: 'escape' });
        i += 1;
      }
      continue;
    }
    const char = String.fromCodePoint(data.codePointAt(i)!);
    i += char.length;
    if (char >= ' ') keys.push({ name: 'char', char });
  }
  return keys;
}

// --- the screen ----------------------------------------------------------------------------------------

interface TtyIn {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: 'data', listener: (data: string) => void): unknown;
  off(event: 'data', listener: (data: string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

interface TtyOut {
  write(s: string): boolean;
  columns?: number;
  rows?: number;
}

/**
 * Raw keys in, full-screen frames out. `open` takes the terminal over (alternate screen, hidden cursor, raw
 * stdin); `close` gives it back and is safe to call twice. Exit paths (signals, uncaught errors) are hooked
 * so a crash never leaves the user's shell in raw mode.
 */
export class TerminalScreen {
  private readonly input: TtyIn;
  private readonly output: TtyOut;
  private listener: ((data: string) => void) | undefined;
  private opened = false;
  private drawnSize = '';
  private canvas: HalfBlockCanvas | undefined;
  private readonly restore = () => this.close();
  /** A signal from outside (kill, a closed terminal) ends the process; the screen is given back first. */
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.close();
    process.exit(signal === 'SIGINT' ? 130 : 128 + (signal === 'SIGHUP' ? 1 : 15));
  };

  constructor(input: TtyIn, output: TtyOut) {
    this.input = input;
    this.output = output;
  }

  get columns(): number {
    return this.output.columns ?? 80;
  }

  get rows(): number {
    return this.output.rows ?? 24;
  }

  open(onKeys: (keys: Key[]) => void): void {
    if (this.opened) return;
    this.opened = true;
    this.input.setRawMode?.(true);
    this.input.setEncoding('utf8');
    this.listener = (data) => onKeys(parseKeys(data));
    this.input.on('data', this.listener);
    this.input.resume();
    process.once('exit', this.restore);
    for (const signal of SIGNALS) process.once(signal, this.onSignal);
    this.output.write(`${ESC}?1049h${ESC}?25l${ESC}2J`);
  }

  /**
   * Draws a frame and status lines below it, without clearing (no flicker): only the cells that changed
   * (HalfBlockCanvas). When the terminal's size changes the scale is fitted again and the screen cleared once.
   */
  draw(frame: Uint8Array, width: number, height: number, status: readonly string[], scale?: number): void {
    const size = `${this.columns}x${this.rows}`;
    let clear = '';
    if (size !== this.drawnSize || this.canvas?.width !== width || this.canvas?.height !== height) {
      this.drawnSize = size;
      this.canvas = new HalfBlockCanvas(width, height, scale ?? fitScale(width, height, this.columns, this.rows, status.length));
      clear = `${ESC}2J`;
    }
    const lines = status.map((s, i) => `${ESC}${this.canvas!.rows + 1 + i};1H${s.slice(0, Math.max(10, this.columns - 1))}${ESC}K`).join('');
    this.output.write(`${clear}${this.canvas!.render(frame)}${lines}`);
  }

  close(): void {
    if (!this.opened) return;
    this.opened = false;
    if (this.listener) this.input.off('data', this.listener);
    this.input.setRawMode?.(false);
    this.input.pause();
    process.off('exit', this.restore);
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
    this.output.write(`${ESC}0m${ESC}?25h${ESC}?1049l`);
  }
}
