/** Segmentation: normalisation, phrases longest-first, Chinese words, unknown words and suggestions. */
import { describe, expect, it } from 'vitest';
import { editDistance, lexiconEntries, segment, suggest, words } from '../../src/world/lexicon.ts';

const meanings = (text: string) => segment(text).tokens.map((t) => [t.text, t.meaning.kind, 'value' in t.meaning ? t.meaning.value : undefined]);

describe('segment', () => {
  it('matches English phrases longest-first over normalised words', () => {
    expect(meanings('The ball MOVES to the left, zig-zagging!')).toEqual([
      ['the', 'determiner', undefined],
      ['ball', 'shape', 'ball'],
      ['moves', 'move', undefined],
      ['to the left', 'direction', 'left'],
      [',', 'and', undefined],
      ['zig-zagging', 'motion', 'zigzag'],
      ['!', 'punctuation', undefined],
    ]);
  });

  it('joins hyphenated words it knows and splits the rest', () => {
    expect(words('a zig-zag polka-dot mid-sized ball')).toEqual(['a', 'zigzag', 'polka', 'dot', 'midsized', 'ball']);
    expect(words("it doesn't move")).toEqual(['it', 'doesnt', 'move']);
  });

  it('segments Chinese into lexicon words, avoiding unknown leftovers', () => {
    expect(words('一个红色的小球在绿色草地上弹跳')).toEqual(['一个', '红色', '的', '小', '球', '在', '绿色', '草地', '上', '弹跳']);
    // Greedy longest-match would take 环绕 and leave 圈 unknown.
    expect(words('一个大环绕圈运动')).toEqual(['一个', '大', '环', '绕圈', '运动']);
    expect(words('五角星和五个')).toEqual(['五角星', '和', '五个']);
  });

  it('reads full-width text and mixed languages', () => {
    expect(words('ＲＥＤ ball，镜头推近')).toEqual(['red', 'ball', '镜头', '推近']);
  });

  it('reports unknown words with positions and suggestions', () => {
    const { unknown } = segment('a bounse ball 在公园里');
    expect(unknown.map((u) => [u.word, u.start])).toEqual([['bounse', 2], ['公园', 15]]);
    expect(unknown[0].suggestions).toEqual(['bounce', 'bounces']);
  });
});

describe('suggestions', () => {
  it('uses edit distance with swaps', () => {
    expect(editDistance('purpel', 'purple')).toBe(1);
    expect(editDistance('bounse', 'bounces')).toBe(2);
    expect(suggest('trangle')[0]).toBe('triangle');
    expect(suggest('hexagone')[0]).toBe('hexagon');
    expect(suggest('紫罗色')).toContain('紫罗兰色');
  });
});

describe('lexicon tables', () => {
  it('every phrase has one meaning', () => {
    const seen = new Map<string, string>();
    for (const e of lexiconEntries()) {
      const key = JSON.stringify(e.meaning);
      expect(seen.get(e.text) ?? key, e.text).toBe(key);
      seen.set(e.text, key);
    }
  });
});
