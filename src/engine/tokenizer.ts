/**
 * The model tokenizer: prompt text → token ids, shared by the dataset writer and the inference engine so both
 * read prompts the same way. Word level: English normalised words and Chinese lexicon words (lexicon.ts
 * `words()`), which is all a closed-vocabulary world needs and keeps ids meaningful to a small text encoder.
 *
 * Ids: 0 = `<pad>`, 1 = `<bos>`, then the vocabulary. `fromLexicon()` lists every word the lexicon can produce,
 * sorted by code point, so the same build gives the same ids on every machine; a model carries its own list
 * in manifest.json and is read back with `new Tokenizer(list, maxTokens)`.
 */
import { CinesimError, ERRORS } from '../errors.ts';
import { lexiconWords, suggest, unknownWordsError, words } from '../world/lexicon.ts';
import { checkPromptDescribes } from '../world/parser.ts';
import { MAX_PROMPT_TOKENS } from '../world/spec.ts';

export const PAD = '<pad>';
export const BOS = '<bos>';
export const PAD_ID = 0;
export const BOS_ID = 1;

export interface PaddedTokens {
  /** int64 [length]: `<bos>`, the prompt's ids, then 0 (`<pad>`). */
  readonly ids: BigInt64Array;
  /** float32 [length]: 1 for a token, 0 for padding (the transformer's `text_mask`). */
  readonly mask: Float32Array;
  /** Tokens before the padding, `<bos>` included. */
  readonly count: number;
}

export class Tokenizer {
  readonly vocabulary: readonly string[];
  /** Most tokens one prompt may take, `<bos>` included. */
  readonly maxTokens: number;
  private readonly ids: ReadonlyMap<string, number>;

  /** The tokenizer of the built-in lexicon (English and Chinese together). */
  static fromLexicon(maxTokens: number = MAX_PROMPT_TOKENS): Tokenizer {
    return new Tokenizer([PAD, BOS, ...lexiconWords()], maxTokens);
  }

  constructor(vocabulary: readonly string[], maxTokens: number = MAX_PROMPT_TOKENS) {
    const bad = (why: string) => new CinesimError(ERRORS.MODEL_INVALID, `tokenizer vocabulary: ${why}`, { param: 'tokenizer' });
    if (vocabulary[PAD_ID] !== PAD || vocabulary[BOS_ID] !== BOS) throw bad(`must start with "${PAD}", "${BOS}"`);
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw bad(`maxTokens must be a positive integer, got ${maxTokens}`);
    const ids = new Map<string, number>();
    vocabulary.forEach((token, id) => {
      if (ids.has(token)) throw bad(`"${token}" is listed twice (ids ${ids.get(token)} and ${id})`);
      ids.set(token, id);
    });
    this.vocabulary = Object.freeze([...vocabulary]);
    this.maxTokens = maxTokens;
    this.ids = ids;
  }

  get size(): number {
    return this.vocabulary.length;
  }

  /** `[<bos>, ...ids]`, no padding. Throws PROMPT_UNKNOWN_WORDS (with suggestions) or PROMPT_INVALID (too long). */
  encode(text: string): number[] {
    const tokens = words(text);
    const unknown = [...new Set(tokens.filter((w) => !this.ids.has(w)))];
    if (unknown.length > 0) {
      throw unknownWordsError(unknown.map((word) => ({ word, suggestions: suggest(word, 3, this.vocabulary) })));
    }
    const ids = [BOS_ID, ...tokens.map((w) => this.ids.get(w) as number)];
    if (ids.length > this.maxTokens) {
      throw new CinesimError(ERRORS.PROMPT_INVALID, `prompt too long: ${ids.length} tokens, the model reads at most ${this.maxTokens}`, {
        param: 'prompt',
        details: { tokens: ids.length, maxTokens: this.maxTokens },
      });
    }
    return ids;
  }

  /** `encode` right-padded with 0 to `length` (default maxTokens), with its mask. */
  encodePadded(text: string, length: number = this.maxTokens): PaddedTokens {
    const tokens = this.encode(text);
    if (tokens.length > length) {
      throw new CinesimError(ERRORS.PROMPT_INVALID, `prompt too long: ${tokens.length} tokens, padding length is ${length}`, { param: 'prompt' });
    }
    const ids = new BigInt64Array(length); // zeros = <pad>
    const mask = new Float32Array(length);
    tokens.forEach((id, i) => {
      ids[i] = BigInt(id);
      mask[i] = 1;
    });
    return { ids, mask, count: tokens.length };
  }

  /** Ids back to their tokens (padding dropped): for logs and tests. */
  decode(ids: readonly number[]): string[] {
    return ids.filter((id) => id !== PAD_ID).map((id) => this.vocabulary[id] ?? `<unk:${id}>`);
  }
}

/**
 * A prompt's tokens for generation: the tokenizer's verdict (unknown words, length), then that the prompt
 * describes something (world/parser.ts `checkPromptDescribes`: "the" or "1 2" is refused, as `world render`
 * refuses it). A negative prompt is encoded with the tokenizer alone: it may be a word or two.
 */
export function encodePrompt(tokenizer: { encode(text: string): number[] }, text: string): number[] {
  const ids = tokenizer.encode(text);
  checkPromptDescribes(text);
  return ids;
}
