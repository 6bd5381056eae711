/** The model tokenizer: a deterministic vocabulary that covers every caption, and clear errors. */
import { describe, expect, it } from 'vitest';
import { BOS_ID, PAD_ID, Tokenizer } from '../../src/engine/tokenizer.ts';
import { CinesimError, ERRORS } from '../../src/errors.ts';
import { Rng } from '../../src/util/random.ts';
import { captionVariants } from '../../src/world/captions.ts';
import { compareCodePoints, words } from '../../src/world/lexicon.ts';
import { randomScene } from '../world/random-scene.ts';

function caught(fn: () => unknown): CinesimError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CinesimError);
    return e as CinesimError;
  }
  throw new Error('no error');
}

describe('Tokenizer.fromLexicon', () => {
  const tokenizer = Tokenizer.fromLexicon();

  it('has <pad>, <bos>, then sorted, distinct words of both languages', () => {
    const v = tokenizer.vocabulary;
    expect(v.slice(0, 2)).toEqual(['<pad>', '<bos>']);
    expect(new Set(v).size).toBe(v.length);
    const rest = v.slice(2);
    expect([...rest].sort(compareCodePoints)).toEqual(rest);
    expect(v).toContain('bounces');
    expect(v).toContain('弹跳');
    expect(tokenizer.maxTokens).toBe(48);
  });

  it('is the same on every build', () => {
    expect(Tokenizer.fromLexicon().vocabulary).toEqual(tokenizer.vocabulary);
  });

  it('round-trips every word of 600 scenes × 4 captions', () => {
    const rng = new Rng(99);
    for (let i = 0; i < 600; i++) {
      const { en, zh } = captionVariants(randomScene(rng), rng, { en: 2, zh: 2 });
      for (const caption of [...en, ...zh]) {
        const ids = tokenizer.encode(caption);
        expect(ids[0]).toBe(BOS_ID);
        expect(tokenizer.decode(ids.slice(1))).toEqual(words(caption));
      }
    }
  });

  it('encodes the documented example', () => {
    const ids = tokenizer.encode('a small red ball bounces on green grass');
    expect(tokenizer.decode(ids)).toEqual(['<bos>', 'a', 'small', 'red', 'ball', 'bounces', 'on', 'green', 'grass']);
    expect(tokenizer.decode(tokenizer.encode('一个红色的小球'))).toEqual(['<bos>', '一个', '红色', '的', '小', '球']);
    expect(tokenizer.encode('')).toEqual([BOS_ID]);
  });

  it('pads with 0 and a mask', () => {
    const { ids, mask, count } = tokenizer.encodePadded('a red ball', 8);
    expect(count).toBe(4);
    expect([...ids].map(Number)).toEqual([...tokenizer.encode('a red ball'), PAD_ID, PAD_ID, PAD_ID, PAD_ID]);
    expect([...mask]).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(tokenizer.encodePadded('a red ball').ids.length).toBe(48);
  });

  it('rejects unknown words with suggestions', () => {
    const e = caught(() => tokenizer.encode('a bounse ball'));
    expect(e.code).toBe(ERRORS.PROMPT_UNKNOWN_WORDS.code);
    expect(e.details).toEqual({ unknown: ['bounse'], suggestions: { bounse: ['bounce', 'bounces'] } });
  });

  it('rejects prompts longer than the window', () => {
    const e = caught(() => tokenizer.encode(Array(30).fill('red ball').join(' ')));
    expect(e.code).toBe(ERRORS.PROMPT_INVALID.code);
    expect(e.message).toBe('prompt too long: 61 tokens, the model reads at most 48');
  });
});

describe('Tokenizer from a model vocabulary', () => {
  it('uses the given ids', () => {
    const t = new Tokenizer(['<pad>', '<bos>', 'a', 'red', 'ball'], 8);
    expect(t.encode('A red ball')).toEqual([1, 2, 3, 4]);
    expect(caught(() => t.encode('a blue ball')).details?.unknown).toEqual(['blue']);
  });

  it('rejects a malformed vocabulary', () => {
    expect(caught(() => new Tokenizer(['<bos>', '<pad>', 'a'])).code).toBe(ERRORS.MODEL_INVALID.code);
    expect(caught(() => new Tokenizer(['<pad>', '<bos>', 'a', 'a'])).message).toMatch(/"a" is listed twice/);
  });
});
