import { describe, expect, it } from 'vitest';
import { parseBatch, type BatchModel } from '../../src/batch/list.ts';
import { invalidArgument } from '../../src/errors.ts';
import { Tokenizer } from '../../src/engine/tokenizer.ts';
import { loadManifest } from '../../src/engine/manifest.ts';
import { TINY_MODEL } from '../engine/helpers.ts';

const manifest = await loadManifest(TINY_MODEL);
if (manifest.kind !== 'video') throw new Error('the tiny model is a video model');
const model: BatchModel = {
  tokenizer: new Tokenizer(manifest.tokenizer.vocabulary, manifest.tokenizer.maxTokens),
  checkSeconds: (s) => {
    if (s > 8) throw invalidArgument('seconds', `too long: ${s}`);
  },
};
const parse = (text: string, variants = 1, seed = 1) => parseBatch(text, 'list.txt', model, { seed, variants });

describe('parseBatch', () => {
  it('reads a prompt per line or a JSON object per line, skipping blanks and comments', () => {
    const items = parse('a red ball bounces on green grass\n\n# a comment\n{"prompt": "a blue square falls at night", "seed": 7, "seconds": 4}\n');
    expect(items.map((i) => [i.index, i.line, i.variant, i.prompt, i.seconds])).toEqual([
      [1, 1, 1, 'a red ball bounces on green grass', undefined],
      [2, 4, 1, 'a blue square falls at night', 4],
    ]);
    expect(items[1].seed).toBe(7);
  });

  it('makes variants with seeds of their own, which stay when lines are added before them', () => {
    const items = parse('a red ball bounces on green grass\n{"prompt": "a blue square falls at night", "seed": 7}', 3);
    expect(items).toHaveLength(6);
    expect(new Set(items.map((i) => i.seed)).size).toBe(6);
    expect(items.slice(3).map((i) => i.seed)[0]).toBe(7); // a line's own seed is its first variant's
    const moved = parse('a small green ball\na red ball bounces on green grass\n{"prompt": "a blue square falls at night", "seed": 7}', 3);
    expect(moved.slice(3).map((i) => i.seed)).toEqual(items.map((i) => i.seed));
    // the same prompt twice is two clips, not the same one twice
    const twice = parse('a red ball bounces on green grass\na red ball bounces on green grass');
    expect(twice[0].seed).not.toBe(twice[1].seed);
  });

  it('reads a line\'s image path from the list\'s folder', () => {
    const [item] = parseBatch('{"prompt": "a red ball", "image": "shots/product.png"}', 'list.txt', model, { seed: 1, dir: '/work/ads' });
    expect(item.image).toBe('/work/ads/shots/product.png');
  });

  it('names the line of every mistake', () => {
    const cases: [string, RegExp][] = [
      ['a red ball\na red bal bounces', /^list\.txt:2: unknown words in prompt: "bal"/],
      ['{"prompt": "a red ball", "sed": 3}', /^list\.txt:1: unknown field "sed"; a line takes prompt, seed, seconds, negative_prompt/],
      ['{"prompt": "a red ball"', /^list\.txt:1: not valid JSON/],
      ['{"prompt": "a red ball", "seed": -1}', /^list\.txt:1: "seed" must be a whole number/],
      ['{"prompt": "a red ball", "seconds": 20}', /^list\.txt:1: too long: 20/],
      ['{"prompt": "  "}', /^list\.txt:1: empty prompt/],
      ['{"prompt": "a red ball", "image": 3}', /^list\.txt:1: "image" must be the path of a picture/],
      ['# only a comment\n', /^list\.txt has no prompts \(one per line; # starts a comment\)$/],
      ['a red ball bounces\nthe', /^list\.txt:2: the prompt describes nothing/],
    ];
    for (const [text, message] of cases) expect(() => parse(text), text).toThrow(message);
    // A negative prompt need only be in the model's words.
    expect(parse('{"prompt": "a red ball", "negative_prompt": "the"}')[0].negativePrompt).toBe('the');
  });
});
