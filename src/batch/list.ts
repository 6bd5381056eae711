/**
 * A batch list → the clips to make: one prompt per line (or a JSON object per line for its own seed, length,
 * negative prompt or first frame), each made in `variants` versions with seeds of their own. Every mistake is
 * named by its line, and every prompt is checked against the model's words, before any model runs.
 *
 *   a red ball bounces on green grass
 *   # a comment
 *   {"prompt": "a blue square falls at night", "seed": 7, "seconds": 4}
 *   {"prompt": "a red ball bounces on green grass", "image": "product.png"}   (image to video)
 */
import { resolve } from 'node:path';
import { encodePrompt } from '../engine/tokenizer.ts';
import { CinesimError, ERRORS, rephrased } from '../errors.ts';
import { Rng } from '../util/random.ts';

/** One clip to make. */
export interface BatchItem {
  /** 1-based, in the order the clips are made. */
  readonly index: number;
  /** The list's line it comes from. */
  readonly line: number;
  /** 1-based version of that line's prompt. */
  readonly variant: number;
  readonly prompt: string;
  readonly seed: number;
  /** Seconds; undefined for the batch's. */
  readonly seconds?: number;
  readonly negativePrompt?: string;
  /** The picture the clip opens on (image to video), its path resolved against the list's folder. */
  readonly image?: string;
}

/** What checking needs of a model: its words, and which lengths it makes. */
export interface BatchModel {
  readonly tokenizer: { encode(text: string): number[] };
  /** Throws (INVALID_ARGUMENT, with what would do) for a length the model cannot make. */
  checkSeconds(seconds: number): void;
}

export interface BatchOptions {
  /** Versions of each line (different seeds); default 1. */
  readonly variants?: number;
  /** Seed the clips' seeds derive from (a line's own seed is its first version's). */
  readonly seed: number;
  /** The folder a line's relative `image` path is read from (the list's); default the working folder. */
  readonly dir?: string;
}

/** Clips one batch may hold. */
export const MAX_BATCH_CLIPS = 1000;

const JSON_FIELDS = new Set(['prompt', 'seed', 'seconds', 'negative_prompt', 'image']);

export function parseBatch(text: string, source: string, model: BatchModel, options: BatchOptions): BatchItem[] {
  const variants = options.variants ?? 1;
  const fail = (line: number, message: string) => new CinesimError(ERRORS.INVALID_ARGUMENT, `${source}:${line}: ${message}`, { param: 'list', details: { line } });
  const at = (line: number, fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      throw rephrased(error, { prefix: `${source}:${line}: `, param: 'list', details: { line } });
    }
  };
  const items: BatchItem[] = [];
  // Seeds derive from the prompt (and how often it came before), not the line: lines added or moved keep the others' seeds.
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const content = raw.replace(/^\uFEFF/, '').trim();
    if (content === '' || content.startsWith('#')) return;
    const entry = content.startsWith('{') ? jsonEntry(content, (m) => fail(line, m)) : { prompt: content };
    if (entry.prompt.trim() === '') throw fail(line, 'empty prompt: describe a scene');
    at(line, () => encodePrompt(model.tokenizer, entry.prompt)); // a prompt must describe something; a negative only be in words
    if (entry.negativePrompt) at(line, () => model.tokenizer.encode(entry.negativePrompt!));
    if (entry.seconds !== undefined) at(line, () => model.checkSeconds(entry.seconds!));
    const occurrence = (seen.get(entry.prompt) ?? 0) + 1;
    seen.set(entry.prompt, occurrence);
    for (let variant = 1; variant <= variants; variant++) {
      if (items.length >= MAX_BATCH_CLIPS) throw fail(line, `a batch makes at most ${MAX_BATCH_CLIPS} clips`);
      const label = `prompt:${entry.prompt}:${occurrence}:variant:${variant}`;
      const seed = variant === 1 && entry.seed !== undefined ? entry.seed : Rng.derive(entry.seed ?? options.seed, label).nextUint32();
      const image = entry.image === undefined ? undefined : resolve(options.dir ?? '.', entry.image);
      items.push({ index: items.length + 1, line, variant, prompt: entry.prompt, seed, seconds: entry.seconds, negativePrompt: entry.negativePrompt, image });
    }
  });
  if (items.length === 0) {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${source} has no prompts (one per line; # starts a comment)`, { param: 'list' });
  }
  return items;
}

function jsonEntry(content: string, fail: (message: string) => CinesimError): { prompt: string; seed?: number; seconds?: number; negativePrompt?: string; image?: string } {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    throw fail(`not valid JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fail('a JSON line must be an object with a "prompt"');
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => !JSON_FIELDS.has(k));
  if (unknown.length > 0) throw fail(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; a line takes ${[...JSON_FIELDS].join(', ')}`);
  if (typeof v.prompt !== 'string') throw fail('"prompt" must be a string');
  if (v.seed !== undefined && !(Number.isInteger(v.seed) && (v.seed as number) >= 0 && (v.seed as number) < 2 ** 32)) {
    throw fail(`"seed" must be a whole number from 0 to ${2 ** 32 - 1}`);
  }
  if (v.seconds !== undefined && !(typeof v.seconds === 'number' && v.seconds > 0)) throw fail('"seconds" must be a number above 0');
  if (v.negative_prompt !== undefined && typeof v.negative_prompt !== 'string') throw fail('"negative_prompt" must be a string');
  if (v.image !== undefined && !(typeof v.image === 'string' && v.image.trim() !== '')) throw fail('"image" must be the path of a picture (PNG, JPEG or WebP)');
  return {
    prompt: v.prompt,
    seed: v.seed as number | undefined,
    seconds: v.seconds as number | undefined,
    negativePrompt: v.negative_prompt as string | undefined,
    image: v.image as string | undefined,
  };
}
