/** Small formatting helpers shared by the views. */
import { aspectName } from '../../../src/util/aspect.ts';

/** "16:9", "9:16", "1:1", or the nearest common ratio for sizes like 112x64 (7:4 ≈ 16:9). */
export function aspectLabel(size: string): string {
  const [w, h] = size.split('x').map(Number);
  return w && h ? aspectName(w, h) : size;
}

export function sizeLabel(size: string): string {
  return size.replace('x', '×');
}

export function shortId(id: string): string {
  return id.replace(/^video_/, '').slice(0, 8);
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

export function formatCredits(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** Unix seconds → a local date and time. */
export function formatTime(unixSeconds: number, locale: string): string {
  return new Date(unixSeconds * 1000).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Unix seconds → "3 min ago" in the locale. */
export function timeAgo(unixSeconds: number, locale: string, now = Date.now()): string {
  const seconds = Math.round(unixSeconds - now / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86400), 'day');
}
