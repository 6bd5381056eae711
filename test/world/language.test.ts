/**
 * The language of Shapes World: captions round-trip through the parser, free text parses to what it says,
 * and bad prompts fail with the catalogued errors.
 */
import { describe, expect, it } from 'vitest';
import { CinesimError, ERRORS } from '../../src/errors.ts';
import { Rng } from '../../src/util/random.ts';
import { captionScene, captionVariants, describeScene } from '../../src/world/captions.ts';
import { words } from '../../src/world/lexicon.ts';
import { applyDefaults, describeVocabulary, parsePrompt, vocabularySections } from '../../src/world/parser.ts';
import { sampleScene } from '../../src/world/sampler.ts';
import { MAX_PROMPT_TOKENS, type ObjectSpec, type PromptSpec, type SceneSpec } from '../../src/world/spec.ts';
import {
  BACKGROUND_NAMES, CAMERA_NAMES, COLOR_NAMES, LANGUAGES, MOTION_NAMES, SHAPE_NAMES, SIZE_NAMES, TEXTURE_NAMES,
} from '../../src/world/vocabulary.ts';
import { randomScene } from './random-scene.ts';

const roundTrip = (caption: string) => applyDefaults(parsePrompt(caption));

function expectRoundTrips(scene: SceneSpec, captions: readonly string[]): void {
  for (const caption of captions) {
    let parsed: unknown;
    try {
      parsed = roundTrip(caption);
    } catch (e) {
      throw new Error(`caption failed to parse: ${caption}\n  ${(e as Error).message}\n  scene ${JSON.stringify(scene)}`);
    }
    expect(parsed, caption).toEqual(scene);
  }
}

describe('captions round-trip through the parser', () => {
  it('1,200 random scenes (look-alikes, defaults), 3 variants per language', () => {
    const rng = new Rng(20240611);
    for (let i = 0; i < 1200; i++) {
      const scene = randomScene(rng);
      const { en, zh } = captionVariants(scene, rng, { en: 3, zh: 3 });
      expect(en).toHaveLength(3);
      expect(zh).toHaveLength(3);
      expectRoundTrips(scene, [...en, ...zh]);
    }
  });

  it('scenes from the training sampler', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 300; i++) {
      const scene = sampleScene(rng);
      for (const lang of LANGUAGES) expectRoundTrips(scene, [captionScene(scene, lang, rng)]);
    }
  });

  it('describeScene is plain, repeatable and exact', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 300; i++) {
      const scene = randomScene(rng);
      for (const lang of LANGUAGES) {
        expect(describeScene(scene, lang)).toBe(describeScene(scene, lang));
        expectRoundTrips(scene, [describeScene(scene, lang)]);
      }
    }
    const scene: SceneSpec = {
      background: 'grass', camera: 'static',
      objects: [{ shape: 'ball', color: 'red', size: 'small', texture: 'plain', motion: 'bounce' }],
    };
    expect(describeScene(scene, 'en')).toBe('a small red ball bounces on green grass');
    expect(describeScene(scene, 'zh')).toBe('一个红色的小球在绿色草地上弹跳');
  });

  it('fits the model text window', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 300; i++) {
      const scene = randomScene(rng);
      for (const lang of LANGUAGES) expect(words(captionScene(scene, lang, rng)).length + 1).toBeLessThanOrEqual(MAX_PROMPT_TOKENS);
    }
  });

  it('is deterministic for a seed and varied across draws', () => {
    const scene: SceneSpec = {
      background: 'desert', camera: 'pan-left',
      objects: [
        { shape: 'star', color: 'yellow', size: 'large', texture: 'striped', motion: 'rotate' },
        { shape: 'ring', color: 'blue', size: 'small', texture: 'dotted', motion: 'move-left' },
      ],
    };
    expect(captionVariants(scene, new Rng(5), { en: 4, zh: 4 })).toEqual(captionVariants(scene, new Rng(5), { en: 4, zh: 4 }));
    const { en, zh } = captionVariants(scene, new Rng(6), { en: 40, zh: 40 });
    expect(new Set(en).size).toBe(40);
    expect(new Set(zh).size).toBe(40);
    // Object first, place first and camera first all occur.
    expect(en.some((c) => /^an? /i.test(c))).toBe(true);
    expect(en.some((c) => /^(in|on|at|against) /i.test(c))).toBe(true);
    expect(en.some((c) => /^(the )?camera|^pan/i.test(c))).toBe(true);
    expect(zh.some((c) => c.startsWith('镜头'))).toBe(true);
    expect(zh.some((c) => c.startsWith('一个'))).toBe(true);
  });

  it('says default values some of the time and never drops colour, shape or background', () => {
    const scene: SceneSpec = {
      background: 'white', camera: 'static',
      objects: [{ shape: 'heart', color: 'pink', size: 'medium', texture: 'plain', motion: 'static' }],
    };
    const rng = new Rng(9);
    for (const lang of LANGUAGES) {
      const parsed = Array.from({ length: 200 }, () => parsePrompt(captionScene(scene, lang, rng)));
      for (const key of ['size', 'texture', 'motion'] as const) {
        expect(parsed.some((p) => p.objects[0][key] === undefined), `${lang} omits ${key}`).toBe(true);
        expect(parsed.some((p) => p.objects[0][key] !== undefined), `${lang} says ${key}`).toBe(true);
      }
      expect(parsed.some((p) => p.camera === undefined)).toBe(true);
      expect(parsed.some((p) => p.camera === 'static')).toBe(true);
      for (const p of parsed) expect([p.objects[0].color, p.objects[0].shape, p.background]).toEqual(['pink', 'heart', 'white']);
    }
  });

  it('tells apart two objects that differ only by colour, size or motion', () => {
    const ball = { shape: 'ball', color: 'red', size: 'medium', texture: 'plain', motion: 'bounce' } as const;
    const scenes: SceneSpec[] = [
      { background: 'sky', camera: 'static', objects: [ball, { ...ball, color: 'blue', motion: 'move-left' }] },
      { background: 'sky', camera: 'static', objects: [ball, { ...ball, size: 'small', motion: 'move-left' }] },
      { background: 'sky', camera: 'static', objects: [ball, { ...ball, motion: 'move-left' }] },
      { background: 'sky', camera: 'static', objects: [ball, ball, ball] },
    ];
    const rng = new Rng(12);
    for (const scene of scenes) {
      const { en, zh } = captionVariants(scene, rng, { en: 20, zh: 20 });
      expectRoundTrips(scene, [...en, ...zh]);
    }
  });
});

describe('parsePrompt on free text', () => {
  const ball = (o: Partial<ObjectSpec>): Partial<ObjectSpec> => ({ shape: 'ball', ...o });
  const cases: [string, PromptSpec][] = [
    ['a small red ball bounces on green grass', { background: 'grass', objects: [ball({ color: 'red', size: 'small', motion: 'bounce' })] }],
    [
      'A large blue striped square moving left on a white background, camera zooming in',
      { background: 'white', camera: 'zoom-in', objects: [{ shape: 'square', color: 'blue', size: 'large', texture: 'striped', motion: 'move-left' }] },
    ],
    ['A RED BALL BOUNCING!!!', { objects: [ball({ color: 'red', motion: 'bounce' })] }],
    ['a ball that is red bounces in the sky', { background: 'sky', objects: [ball({ color: 'red', motion: 'bounce' })] }],
    [
      'a tiny yellow star spins slowly in the night sky while the camera zooms out',
      { background: 'night', camera: 'zoom-out', objects: [{ shape: 'star', color: 'yellow', size: 'small', motion: 'rotate' }] },
    ],
    [
      'two green triangles fall down in the desert',
      { background: 'desert', objects: [0, 1].map(() => ({ shape: 'triangle', color: 'green', motion: 'fall' })) } as PromptSpec,
    ],
    ['three blue hearts at sunset, they all grow', { background: 'sunset', objects: [0, 1, 2].map(() => ({ shape: 'heart', color: 'blue', motion: 'grow' })) } as PromptSpec],
    [
      'a red ball and a blue ball; the red ball bounces and the blue ball moves left',
      { objects: [ball({ color: 'red', motion: 'bounce' }), ball({ color: 'blue', motion: 'move-left' })] },
    ],
    ['a red ball and a blue ball bounce', { objects: [ball({ color: 'red', motion: 'bounce' }), ball({ color: 'blue', motion: 'bounce' })] }],
    ['a red and a blue ball bounce', { objects: [ball({ color: 'red', motion: 'bounce' }), ball({ color: 'blue', motion: 'bounce' })] }],
    ['a red ball and a blue ball bounces', { objects: [ball({ color: 'red' }), ball({ color: 'blue', motion: 'bounce' })] }],
    ['a red ball and a blue one', { objects: [ball({ color: 'red' }), ball({ color: 'blue' })] }],
    // "the red one" of two balls not yet told apart is the first; the blue one then fits only the other
    [
      'two balls, the red one bounces and the blue one falls, at sunset',
      { background: 'sunset', objects: [ball({ color: 'red', motion: 'bounce' }), ball({ color: 'blue', motion: 'fall' })] },
    ],
    ['a ball and a red ball; the red ball bounces', { objects: [ball({}), ball({ color: 'red', motion: 'bounce' })] }],
    [
      'a small red ball bounces and a big blue square slides to the right on a black background',
      { background: 'black', objects: [ball({ color: 'red', size: 'small', motion: 'bounce' }), { shape: 'square', color: 'blue', size: 'large', motion: 'move-right' }] },
    ],
    [
      'a big ball and a small ball; the big ball bounces and the small one spins',
      { objects: [ball({ size: 'large', motion: 'bounce' }), ball({ size: 'small', motion: 'rotate' })] },
    ],
    [
      'the camera slowly pans right over the ocean where a white ring orbits',
      { background: 'ocean', camera: 'pan-right', objects: [{ shape: 'ring', color: 'white', motion: 'orbit' }] },
    ],
    ['the camera moves left as a grey disc drops', { camera: 'pan-left', objects: [ball({ color: 'gray', motion: 'fall' })] }],
    [
      'a checkered orange diamond zig-zagging across a gray background, static camera',
      { background: 'gray', camera: 'static', objects: [{ shape: 'diamond', color: 'orange', texture: 'checkered', motion: 'zigzag' }] },
    ],
    [
      'an orange hexagon with polka dots stays still on the grass, camera tilts up',
      { background: 'grass', camera: 'tilt-up', objects: [{ shape: 'hexagon', color: 'orange', texture: 'dotted', motion: 'static' }] },
    ],
    ['a cyan heart moving in circles in the sky', { background: 'sky', objects: [{ shape: 'heart', color: 'cyan', motion: 'orbit' }] }],
    ['the ball circles', { objects: [ball({ motion: 'orbit' })] }],
    ["a striped ball doesn't move. The camera is still.", { camera: 'static', objects: [ball({ texture: 'striped', motion: 'static' })] }],
    ['a ball with a checkered pattern rising up in the desert', { background: 'desert', objects: [ball({ texture: 'checkered', motion: 'move-up' })] }],
    ['a black cube sliding leftwards at night, camera pulling back', { background: 'night', camera: 'zoom-out', objects: [{ shape: 'square', color: 'black', motion: 'move-left' }] }],
    ['a red ball on a plain white background', { background: 'white', objects: [ball({ color: 'red' })] }],
    ['green grass, pan left', { background: 'grass', camera: 'pan-left', objects: [] }],
    // Chinese
    ['一个红色的小球在绿色草地上弹跳', { background: 'grass', objects: [ball({ color: 'red', size: 'small', motion: 'bounce' })] }],
    ['一个蓝色的方块向右移动，镜头拉近', { camera: 'zoom-in', objects: [{ shape: 'square', color: 'blue', motion: 'move-right' }] }],
    ['夜空中有三颗黄色的星星在旋转', { background: 'night', objects: [0, 1, 2].map(() => ({ shape: 'star', color: 'yellow', motion: 'rotate' })) } as PromptSpec],
    ['两个红色的球都在弹跳', { objects: [ball({ color: 'red', motion: 'bounce' }), ball({ color: 'red', motion: 'bounce' })] }],
    ['一个红球和一个蓝球，红球弹跳，蓝球向左滑动', { objects: [ball({ color: 'red', motion: 'bounce' }), ball({ color: 'blue', motion: 'move-left' })] }],
    [
      '草地上一个绿色三角形静止不动，镜头固定',
      { background: 'grass', camera: 'static', objects: [{ shape: 'triangle', color: 'green', motion: 'static' }] },
    ],
    [
      '一个大的白色圆环在海面上绕圈运动，镜头向上摇',
      { background: 'ocean', camera: 'tilt-up', objects: [{ shape: 'ring', color: 'white', size: 'large', motion: 'orbit' }] },
    ],
    ['沙漠里一个带圆点的橙色爱心正在变小', { background: 'desert', objects: [{ shape: 'heart', color: 'orange', texture: 'dotted', motion: 'shrink' }] }],
    ['一颗紫色的菱形走之字形，背景是黑色', { background: 'black', objects: [{ shape: 'diamond', color: 'purple', motion: 'zigzag' }] }],
    ['一个灰色的六边形往下掉', { objects: [{ shape: 'hexagon', color: 'gray', motion: 'fall' }] }],
    ['镜头左移，一个粉色的星星跳起来', { camera: 'pan-left', objects: [{ shape: 'star', color: 'pink', motion: 'jump' }] }],
    ['一个球，它是红色的，在弹跳', { objects: [ball({ color: 'red', motion: 'bounce' })] }],
    ['日落时分，一个棕色的方块在下降', { background: 'sunset', objects: [{ shape: 'square', color: 'brown', motion: 'move-down' }] }],
    [
      '绿色草地上有一个正在弹跳的红色小球和一个向左移动的蓝色方块',
      { background: 'grass', objects: [ball({ color: 'red', size: 'small', motion: 'bounce' }), { shape: 'square', color: 'blue', motion: 'move-left' }] },
    ],
    ['一只中等大小的格子环在空中转动', { background: 'sky', objects: [{ shape: 'ring', size: 'medium', texture: 'checkered', motion: 'rotate' }] }],
    // Both languages in one prompt
    ['一个红色的小球在绿色草地上弹跳 and the camera zooms in', { background: 'grass', camera: 'zoom-in', objects: [ball({ color: 'red', size: 'small', motion: 'bounce' })] }],
  ];
  for (const [prompt, expected] of cases) {
    it(prompt, () => expect(parsePrompt(prompt)).toEqual(expected));
  }

  it('reads every canonical name of vocabulary.ts', () => {
    for (const lang of LANGUAGES) {
      const join = lang === 'en' ? (a: string[]) => a.join(' ') : (a: string[]) => a.join('');
      for (const c of Object.values(COLOR_NAMES)) expect(parsePrompt(join([c[lang], SHAPE_NAMES.ball[lang]])).objects[0].color).toBe(c.id);
      for (const s of Object.values(SHAPE_NAMES)) expect(parsePrompt(s[lang]).objects[0].shape).toBe(s.id);
      for (const s of Object.values(SIZE_NAMES)) expect(parsePrompt(join([s[lang], SHAPE_NAMES.star[lang]])).objects[0].size).toBe(s.id);
      for (const t of Object.values(TEXTURE_NAMES)) expect(parsePrompt(join([t[lang], SHAPE_NAMES.star[lang]])).objects[0].texture).toBe(t.id);
      for (const m of Object.values(MOTION_NAMES)) expect(parsePrompt(join([SHAPE_NAMES.star[lang], m[lang]])).objects[0].motion).toBe(m.id);
      for (const c of Object.values(CAMERA_NAMES)) expect(parsePrompt(c[lang]).camera).toBe(c.id);
      for (const b of Object.values(BACKGROUND_NAMES)) expect(parsePrompt(b[lang]).background).toBe(b.id);
    }
  });
});

describe('parsePrompt errors', () => {
  function caught(prompt: string): CinesimError {
    try {
      parsePrompt(prompt);
    } catch (e) {
      expect(e).toBeInstanceOf(CinesimError);
      return e as CinesimError;
    }
    throw new Error(`no error for: ${prompt}`);
  }

  it('names every unknown word, with suggestions', () => {
    const e = caught('a bounse purpel ball xqzt');
    expect(e.code).toBe(ERRORS.PROMPT_UNKNOWN_WORDS.code);
    expect(e.status).toBe(400);
    expect(e.message).toBe(
      'unknown words in prompt: "bounse" (did you mean "bounce", "bounces"?), "purpel" (did you mean "purple"?), "xqzt"',
    );
    expect(e.details).toEqual({
      unknown: ['bounse', 'purpel', 'xqzt'],
      suggestions: { bounse: ['bounce', 'bounces'], purpel: ['purple'], xqzt: [] },
    });
  });

  it('names unknown Chinese words', () => {
    const e = caught('一个红色的球在公园里弹跳');
    expect(e.code).toBe(ERRORS.PROMPT_UNKNOWN_WORDS.code);
    expect(e.details?.unknown).toEqual(['公园']);
  });

  const invalid: [string, RegExp][] = [
    ['', /empty prompt/],
    ['  ... !! ', /empty prompt/],
    ['the a', /describes nothing/],
    ['four red balls', /too many objects: the prompt names 4, a scene holds at most 3/],
    ['a red ball, a blue ball, a green ball and a yellow ball', /too many objects/],
    ['一个红球和三个蓝球', /too many objects/],
    ['a ball on grass in the desert', /two backgrounds/],
    ['the camera pans left and zooms in', /two camera moves/],
    ['bounces on green grass', /"bounces" has no object/],
    ['在草地上弹跳', /"弹跳" has no object/],
    ['a red ball bounces and spins', /two motions/],
    ['a red blue ball', /two colours/],
    ['the camera', /"camera" needs a move/],
    ['a red', /"a red" names no shape/],
    ['red balls bounce', /how many\?/],
    ['a red ball moves', /"moves" needs a direction/],
    ['a ball to the left', /"to the left" needs a verb/],
    ['the camera bounces', /the camera cannot "bounces"/],
    ['a red ball and a blue ball; the ball bounces', /"the ball" is ambiguous/],
    ['a ball and a square; the red one bounces', /"the red one" is ambiguous/], // of two mentions: no guess
    ['a ball on a red background', /no red background/],
  ];
  for (const [prompt, message] of invalid) {
    it(`rejects ${JSON.stringify(prompt)}`, () => {
      const e = caught(prompt);
      expect(e.code).toBe(ERRORS.PROMPT_INVALID.code);
      expect(e.message).toMatch(message);
    });
  }
});

describe('describeVocabulary', () => {
  it('lists the words per category in both languages', () => {
    expect(describeVocabulary('en')).toMatch(/^colours: red \(red, crimson, scarlet\)/);
    expect(describeVocabulary('zh')).toMatch(/^colours: red \(红色、红\)/);
    const shapes = vocabularySections('en').find((s) => s.category === 'shapes');
    expect(shapes?.entries.map((e) => e.value)).toEqual(Object.keys(SHAPE_NAMES));
  });
});
