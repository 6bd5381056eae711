import { describe, expect, it } from 'vitest';
import { planStory, withCast, type PlanModel } from '../../src/story/plan.ts';
import { formatShotLine, parseStory } from '../../src/story/script.ts';
import { Tokenizer } from '../../src/engine/tokenizer.ts';
import { CinesimError, ERRORS } from '../../src/errors.ts';

const SCRIPT = `# a comment
title: Ruby's evening
seed: 7
cast:
  Ruby: a small red striped ball
  - Max = a large blue square
shots:
  - 2s: Ruby bounces on green grass
  2. 3 s continue: Ruby and Max move left, the camera pans left

  - Max spins at night
`;

const model: PlanModel = {
  tokenizer: Tokenizer.fromLexicon(),
  defaultSeconds: 2,
  checkSeconds: (s) => {
    if (!Number.isInteger(s * 2)) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${s} s is not a whole number of half seconds`);
  },
};

describe('parseStory', () => {
  it('reads the title, seed, cast and shots with their lines, lengths and transitions', () => {
    const script = parseStory(SCRIPT, 'story.txt');
    expect(script).toMatchObject({ title: "Ruby's evening", seed: 7, source: 'story.txt' });
    expect(script.cast).toEqual([
      { name: 'Ruby', description: 'a small red striped ball', line: 5 },
      { name: 'Max', description: 'a large blue square', line: 6 },
    ]);
    expect(script.shots).toEqual([
      { index: 1, line: 8, seconds: 2, transition: 'cut', text: 'Ruby bounces on green grass' },
      { index: 2, line: 9, seconds: 3, transition: 'continue', text: 'Ruby and Max move left, the camera pans left' },
      { index: 3, line: 11, seconds: undefined, transition: 'cut', text: 'Max spins at night' },
    ]);
  });

  it('reads Chinese headers, durations and transitions, and a script of bare shot lines', () => {
    const zh = parseStory('标题：小红\n角色：\n  小红：一个红色的球\n镜头：\n  - 3秒：小红在草地上弹跳\n  - 接续：小红在草地上弹跳\n', 'zh.txt');
    expect(zh.title).toBe('小红');
    expect(zh.cast).toEqual([{ name: '小红', description: '一个红色的球', line: 3 }]);
    expect(zh.shots.map((s) => [s.seconds, s.transition, s.text])).toEqual([[3, 'cut', '小红在草地上弹跳'], [undefined, 'continue', '小红在草地上弹跳']]);
    expect(parseStory('a red ball bounces\na blue square falls\n').shots.map((s) => s.text)).toEqual(['a red ball bounces', 'a blue square falls']);
  });

  it('writes a shot as a line it reads back the same', () => {
    const shots = [
      { seconds: 2.5, transition: 'cut' as const, seed: 42, text: 'a red ball bounces' },
      { seconds: 2, transition: 'continue' as const, seed: 7, text: 'a red ball moves left' },
      { transition: 'cut' as const, text: 'a blue square falls' },
    ];
    expect(formatShotLine(shots[2])).toBe('  - a blue square falls');
    const read = parseStory(`shots:\n${shots.map((shot) => formatShotLine(shot)).join('\n')}`, 's').shots;
    expect(read.map((r) => ({ seconds: r.seconds, transition: r.transition, seed: r.seed, text: r.text }))).toEqual(shots.map((shot) => ({ seconds: undefined, seed: undefined, ...shot })));
  });

  it('names the line of every mistake', () => {
    const cases: [string, RegExp][] = [
      ['cast:\n  Ruby a red ball\nshots:\n  - a red ball', /^s:2: a cast line names a character/],
      ['cast:\n  Ruby: a red ball\n  ruby: a blue ball\nshots:\n  - Ruby', /^s:3: "ruby" is already in the cast/],
      ['shots:\n  - 0s: a red ball', /^s:2: a shot lasts more than 0 s/],
      ['shots:\n  - -2s continue: a red ball', /^s:2: a shot lasts more than 0 s, got -2/],
      ['shots:\n  - 2s:   ', /^s:2: this shot says nothing to show/],
      ['shots:\n  - continue: a red ball', /^s:2: the first shot has no shot before it/],
      ['seed: seven\nshots:\n  - a red ball', /^s:1: seed must be a whole number/],
      ['cast: Ruby\nshots:\n  - a red ball', /^s:1: "cast:" starts a list/],
      ['# nothing\n\n', /^s:1: no shots/],
    ];
    for (const [text, message] of cases) expect(() => parseStory(text, 's'), text).toThrow(message);
  });
});

describe('planStory', () => {
  it('puts each character\'s description in place of its name, and gives every shot a length and a seed', () => {
    const plan = planStory(parseStory(SCRIPT, 'story.txt'), model, { seed: 1, fps: 8 });
    expect(plan.seed).toBe(7); // the script's own seed wins
    expect(plan.shots.map((s) => [s.prompt, s.seconds, s.cast])).toEqual([
      ['a small red striped ball bounces on green grass', 2, ['Ruby']],
      ['a small red striped ball and a large blue square move left, the camera pans left', 3, ['Ruby', 'Max']],
      ['a large blue square spins at night', 2, ['Max']],
    ]);
    // 17 + 24 (the continued shot's first frame is cut) + 17 frames at 8 fps
    expect(plan.seconds).toBe((17 + 24 + 17 - 1) / 8);
    const again = planStory(parseStory(SCRIPT, 'story.txt'), model, { seed: 1, fps: 8 });
    expect(again.shots.map((s) => s.seed)).toEqual(plan.shots.map((s) => s.seed));
    expect(new Set(plan.shots.map((s) => s.seed)).size).toBe(3);
    const rerolled = planStory(parseStory(SCRIPT, 'story.txt'), model, { seed: 1, fps: 8, seeds: new Map([[2, 99]]) });
    expect(rerolled.shots.map((s) => s.seed)).toEqual([plan.shots[0].seed, 99, plan.shots[2].seed]);
  });

  it('derives a shot\'s seed from its text, not its place: a shot put before the others leaves their seeds as they were', () => {
    const plan = planStory(parseStory(SCRIPT, 'story.txt'), model, { seed: 1, fps: 8 });
    const inserted = planStory(parseStory(SCRIPT.replace('shots:\n', 'shots:\n  - 2s: Max falls at night\n'), 'story.txt'), model, { seed: 1, fps: 8 });
    expect(inserted.shots.slice(1).map((s) => [s.prompt, s.seed])).toEqual(plan.shots.map((s) => [s.prompt, s.seed]));
    // The same line twice is two shots with two seeds; another story seed gives other seeds.
    const twice = planStory(parseStory('a red ball bounces\na red ball bounces\n'), model, { seed: 1, fps: 8 });
    expect(new Set(twice.shots.map((s) => s.seed)).size).toBe(2);
    const other = planStory(parseStory(SCRIPT.replace('seed: 7', 'seed: 8'), 'story.txt'), model, { seed: 1, fps: 8 });
    expect(other.shots.map((s) => s.seed)).not.toEqual(plan.shots.map((s) => s.seed));
  });

  it('keeps a shot\'s own seed where the line gives one, so a shot put before it leaves it as it was', () => {
    const own = 'seed: 7\nshots:\n  - 2s seed 42: a red ball bounces\n  - 2s continue seed 43: a red ball moves left\n  - 种子 44：a red ball falls';
    expect(parseStory(own).shots.map((s) => [s.seconds, s.transition, s.seed, s.text])).toEqual([
      [2, 'cut', 42, 'a red ball bounces'],
      [2, 'continue', 43, 'a red ball moves left'],
      [undefined, 'cut', 44, 'a red ball falls'],
    ]);
    const inserted = own.replace('shots:\n', 'shots:\n  - a blue square falls\n');
    expect(planStory(parseStory(inserted), model, { seed: 1, fps: 8 }).shots.slice(1).map((s) => s.seed)).toEqual([42, 43, 44]);
    expect(() => parseStory('shots:\n  - seed 4294967296: a red ball', 's')).toThrow(/^s:2: seed must be a whole number/);
    // A shot must show something, as a prompt must (before any shot is made)
    expect(() => planStory(parseStory('shots:\n  - a red ball bounces\n  - the', 's'), model, { seed: 1, fps: 8 })).toThrow(/^s:3: the prompt describes nothing/);
  });

  it('reads the picture a shot opens on (a storyboard frame), and writes it back', () => {
    const script = parseStory('shots:\n  - 2s image board/01.png: a red ball falls\n  - seed 4 image "my board/02.png": a red ball bounces\n  - 图片 c.png：一个红色的球\n', 's');
    expect(script.shots.map((s) => [s.image, s.seed, s.text])).toEqual([
      ['board/01.png', undefined, 'a red ball falls'],
      ['my board/02.png', 4, 'a red ball bounces'],
      ['c.png', undefined, '一个红色的球'],
    ]);
    expect(script.shots.map((s) => formatShotLine(s))).toEqual(['  - 2s image board/01.png: a red ball falls', '  - seed 4 image "my board/02.png": a red ball bounces', '  - image c.png: 一个红色的球']);
    expect(planStory(script, model, { seed: 1, fps: 8 }).shots.map((s) => s.image)).toEqual(['board/01.png', 'my board/02.png', 'c.png']);
    expect(() => parseStory('shots:\n  - a red ball\n  - continue image a.png: a red ball falls', 's')).toThrow(/^s:3: a continue shot opens on the frame before it; give it no image/);
    // The head's parts come in any order after the length; a path with spaces needs quotes, and says so.
    const any = parseStory("shots:\n  - 2s image a.png seed 42: a red ball\n  - 图片 'my b.png' 种子 5：一个红色的球\n", 's');
    expect(any.shots.map((s) => [s.seconds, s.image, s.seed])).toEqual([[2, 'a.png', 42], [undefined, 'my b.png', 5]]);
    expect(() => parseStory('shots:\n  - 2s image board/my pic.png: a red ball', 's')).toThrow(/^s:2: a picture's path with spaces goes in quotes: image "board\/my picture\.png"/);
    expect(() => parseStory('shots:\n  - 2s seed 1 seed 2: a red ball', 's')).toThrow(/^s:2: "seed" is given twice before the colon/);
  });

  it('matches Latin names as whole words in any case, longer names first, Chinese names anywhere', () => {
    const cast = [
      { name: 'Max', description: 'a blue square', line: 1 },
      { name: 'Maxine', description: 'a pink heart', line: 2 },
      { name: '小红', description: '一个红色的球', line: 3 },
    ];
    expect(withCast('Maxine and max fall', cast)).toEqual({ prompt: 'a pink heart and a blue square fall', cast: ['Max', 'Maxine'] });
    expect(withCast('Maximal', cast).prompt).toBe('Maximal');
    expect(withCast('小红在草地上', cast)).toEqual({ prompt: '一个红色的球在草地上', cast: ['小红'] });
  });

  it('refuses unknown words, odd characters and lengths with the script line', () => {
    const plan = (text: string) => () => planStory(parseStory(text, 'story.txt'), model, { seed: 1, fps: 8 });
    expect(plan('cast:\n  Ruby: a red ball\nshots:\n  - Ruby bounse')).toThrow(/^story\.txt:4: unknown words in prompt: "bounse" \(did you mean "bounce".*\(as "a red ball bounse"\)$/);
    expect(plan('cast:\n  Ruby: a red ball and a blue square\nshots:\n  - Ruby')).toThrow(/^story\.txt:2: Ruby: describes 2 objects/);
    expect(plan('cast:\n  red: a blue ball\nshots:\n  - red')).toThrow(/^story\.txt:2: "red" is a word the model knows/);
    expect(plan('shots:\n  - 1.3s: a red ball')).toThrow(/^story\.txt:2: 1\.3 s is not a whole number of half seconds/);
  });
});
