/**
 * Parsing and checking of the flags commands share (sizes, durations, seeds). Each parser throws a
 * CinesimError naming the flag, so every command reports bad input the same way (exit code 2).
 */
import { invalidArgument } from '../errors.ts';
import { ASPECT_RATIOS } from '../util/aspect.ts';

export interface Size {
  width: number;
  height: number;
}

/** "64x64" (also "64X64", "64*64"). */
export function parseSize(value: string, flag = '--size', limits = { min: 8, max: 4096 }): Size {
  const m = /^\s*(\d+)\s*[xX*×]\s*(\d+)\s*$/.exec(value);
  if (!m) throw invalidArgument(flag, `${flag} must look like WIDTHxHEIGHT (for example 64x64), got "${value}"`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (v < limits.min || v > limits.max) {
      throw invalidArgument(flag, `${flag} ${name} must be between ${limits.min} and ${limits.max} pixels, got ${v}`);
    }
  }
  return { width, height };
}

export function aspectRatio(value: string, flag = '--aspect'): [number, number] {
  const a = ASPECT_RATIOS[value.trim()];
  if (!a) throw invalidArgument(flag, `${flag} must be one of ${Object.keys(ASPECT_RATIOS).join(', ')}, got "${value}"`);
  return [a[0], a[1]];
}

/** `min` and `max` are allowed values; `above` is not (`above: 0` for a length). */
export function parseNumber(value: string, flag: string, range: { min?: number; above?: number; max?: number; integer?: boolean } = {}): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw invalidArgument(flag, `${flag} must be a number, got "${value}"`);
  if (range.integer && !Number.isInteger(v)) throw invalidArgument(flag, `${flag} must be a whole number, got ${value}`);
  if (range.above !== undefined && v <= range.above) throw invalidArgument(flag, `${flag} must be more than ${range.above}, got ${value}`);
  if (range.min !== undefined && v < range.min) throw invalidArgument(flag, `${flag} must be at least ${range.min}, got ${value}`);
  if (range.max !== undefined && v > range.max) throw invalidArgument(flag, `${flag} must be at most ${range.max}, got ${value}`);
  return v;
}

/** parseNumber for a flag that may be left out. */
export function optionalNumber(value: string | undefined, flag: string, range: Parameters<typeof parseNumber>[2] = {}): number | undefined {
  return value === undefined ? undefined : parseNumber(value, flag, range);
}

/** --sampler: euler or heun (undefined: the model's). */
export function parseSampler(value: string | undefined, flag = '--sampler'): 'euler' | 'heun' | undefined {
  if (value !== undefined && value !== 'euler' && value !== 'heun') throw invalidArgument(flag, `${flag} must be euler or heun, got "${value}"`);
  return value;
}

export function parseSeed(value: string | undefined, flag = '--seed'): number {
  if (value === undefined) return Math.floor(Math.random() * 2 ** 31);
  return parseNumber(value, flag, { min: 0, max: 2 ** 32 - 1, integer: true });
}

/** Frame count of a clip: seconds * fps + 1 (frame 0 included), which must be a whole number. */
export function framesFor(seconds: number, fps: number): number {
  const n = seconds * fps;
  if (Math.abs(n - Math.round(n)) > 1e-6) {
    throw invalidArgument('--seconds', `--seconds ${seconds} at ${fps} fps is not a whole number of frames`);
  }
  return Math.round(n) + 1;
}
