/**
 * Promptable game events: text typed while playing ("a blue ball falls from the sky", "night falls", "the
 * wind pushes left", "风停了") that changes the world, as the game can do it (`Game.spawn`, `setBackground`,
 * `wind`) and as the world model reads it (a triple of ids, `encodeGameEvent`).
 *
 * Event text is read with the world's lexicon (colours, shapes, backgrounds, directions, motions) plus a
 * few phrases of its own (wind, calm, "night falls", "from the sky"), matched first and longest-first.
 * Anything else is an error that names the words, as prompts do. An event does one thing: one object, one
 * background or one wind.
 *
 * The world model sees only the triple: a spawn's colour and shape, not its motion or where it lands (the
 * game draws the spot from its seed), so `motion: 'bounce'` is honoured by the simulator alone; the model
 * was trained on falls (FORMATS.md, "World model").
 */
import { CinesimError, ERRORS } from '../errors.ts';
import type { Rng } from '../util/random.ts';
import { isReadable } from './contrast.ts';
import type { Game } from './game.ts';
import { lexiconWords, normalizeText, promptLanguage, segment, suggest, unknownWordsError, type Direction, type LexToken } from './lexicon.ts';
import { BACKGROUND_COLORS } from './parser.ts';
import { BACKGROUNDS, COLORS, SHAPES, SOLID_BACKGROUNDS, type Background, type Color, type Shape } from './vocabulary.ts';

export type WindDirection = 'left' | 'right' | 'calm';

export type GameEvent =
  | { kind: 'spawn'; color: Color; shape: Shape; motion?: 'fall' | 'bounce' }
  | { kind: 'background'; background: Background }
  | { kind: 'wind'; direction: WindDirection };

/** Index 0 is "no event" in the model's conditioning; the rest are GameEvent kinds in encoding order. */
export const EVENT_KINDS = ['none', 'spawn', 'background', 'wind'] as const;
export const WIND_DIRECTIONS = ['left', 'right', 'calm'] as const satisfies readonly WindDirection[];

/** Sideways push of the wind (world units/s²): visibly carries balls, while the walking agent holds its ground. */
export const WIND_ACCEL = 0.8;

/** Examples shown when text is not an event; each parses. */
export const EVENT_EXAMPLES = {
  en: ['a blue ball falls from the sky', 'night falls', 'the wind pushes left', 'the wind stops'],
  zh: ['一个蓝色的球从天上掉下来', '夜幕降临', '风向左吹', '风停了'],
} as const;

// ---------------------------------------------------------------------------------------------------------
// The event phrases, on top of the world's lexicon.

type EventMeaning =
  | { kind: 'wind' }
  | { kind: 'calm' }
  /** "from": before a direction it names where the wind comes from ("from the left" pushes right). */
  | { kind: 'from' }
  /** "from the sky", "从天上": where spawned things come from, always; says nothing more. */
  | { kind: 'fromSky' }
  | { kind: 'background'; value: Background }
  /** Sides the lexicon has only as "向左边": the wind comes "从左边". */
  | { kind: 'direction'; value: 'left' | 'right' }
  /** Verbs and words of change ("becomes", "blows", "变成"): carry no meaning of their own. */
  | { kind: 'filler' };

const EVENT_PHRASES: readonly (readonly [EventMeaning, readonly string[]])[] = [
  [{ kind: 'wind' }, ['wind', 'winds', 'breeze', 'gust', 'gusts', 'gust of wind', '风', '大风', '微风', '狂风', '一阵风', '起风了', '刮风了', '刮风']],
  [
    { kind: 'calm' },
    [
      'stops', 'stop', 'stopped', 'stops blowing', 'dies down', 'dies', 'died down', 'calms down', 'calms', 'calm',
      'is calm', 'no wind', 'no more wind', 'goes away', 'fades', 'drops off',
      '停', '停了', '停止', '停下', '停下来', '平息', '平息了', '无风', '没有风', '没风了', '小了', '消失',
    ],
  ],
  [{ kind: 'from' }, ['from', 'from the', '从']],
  [{ kind: 'direction', value: 'left' }, ['左边', '左侧', '左面']],
  [{ kind: 'direction', value: 'right' }, ['右边', '右侧', '右面']],
  [
    { kind: 'fromSky' },
    [
      'from the sky', 'from above', 'out of the sky', 'from the top', 'from the heavens', 'out of nowhere',
      '从天上', '从天而降', '从空中', '从上面', '从天空', '从上方', '从天空中', '天上', '空中',
    ],
  ],
  [
    { kind: 'background', value: 'night' },
    ['night falls', 'it gets dark', 'darkness falls', 'it becomes night', 'night comes', '夜幕降临', '天黑了', '天黑', '入夜', '夜晚来临', '夜晚降临'],
  ],
  [
    { kind: 'background', value: 'sky' },
    ['day breaks', 'the sun rises', 'sun rises', 'sunrise', 'morning comes', 'it gets light', 'daytime', '天亮了', '天亮', '日出', '白天'],
  ],
  [{ kind: 'background', value: 'sunset' }, ['the sun sets', 'sun sets', 'evening falls', 'evening comes', '太阳落山', '太阳下山', '日落了']],
  [
    { kind: 'filler' },
    [
      'pushes', 'push', 'pushing', 'blows', 'blow', 'blowing', 'starts blowing', 'picks up', 'rises', 'comes',
      'becomes', 'become', 'turns into', 'turns to', 'turns', 'turn', 'changes to', 'changes into', 'change to',
      'changes', 'switches to', 'switch to', 'goes', 'now', 'is', 'are', 'we', 'go', 'everything',
      'appears', 'appear', 'spawns', 'spawn', 'comes down', 'please', 'suddenly', 'then',
      '吹', '刮', '吹向', '刮向', '吹来', '刮来', '开始', '变成', '变为', '变', '换成', '切换到', '到了',
      '来到', '降临', '来临', '出现', '突然', '了', '现在', '在', '上', '下来', '下', '起',
    ],
  ],
];

interface EventPhrase {
  readonly text: string;
  readonly meaning: EventMeaning;
}

/** Longest first, so "no wind" wins over "wind" and "从天上" over "从". */
const PHRASES: readonly EventPhrase[] = EVENT_PHRASES.flatMap(([meaning, texts]) => texts.map((text) => ({ text, meaning }))).sort(
  (a, b) => [...b.text].length - [...a.text].length,
);

const HAN = /\p{Script=Han}/u;

/** English phrases match whole words; Chinese ones anywhere (Chinese has no spaces). */
function phrasePattern(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
  return HAN.test(text) ? new RegExp(escaped, 'gu') : new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu');
}
const PATTERNS: ReadonlyMap<string, RegExp> = new Map(PHRASES.map((p) => [p.text, phrasePattern(p.text)]));

/** Words suggested for unknown ones: the lexicon's and the event phrases' words. */
const SUGGESTION_POOL: readonly string[] = [
  ...new Set([...lexiconWords(), ...PHRASES.flatMap((p) => (HAN.test(p.text) ? [p.text] : p.text.split(' ')))]),
];

/** An event phrase or a lexicon token, at its place in the text. */
type Piece = { start: number; event: EventMeaning } | { start: number; token: LexToken };

/**
 * Cuts out event phrases (blanked with spaces, so offsets hold), then reads what is left with the lexicon.
 * Unknown words fail here.
 */
function pieces(text: string): Piece[] {
  let norm = normalizeText(text);
  const out: Piece[] = [];
  for (const phrase of PHRASES) {
    const pattern = PATTERNS.get(phrase.text)!;
    pattern.lastIndex = 0;
    norm = norm.replace(pattern, (match, offset: number) => {
      out.push({ start: offset, event: phrase.meaning });
      return ' '.repeat(match.length);
    });
  }
  const { tokens, unknown } = segment(norm);
  if (unknown.length > 0) {
    const error = unknownWordsError(unknown.map((u) => ({ word: u.word, suggestions: suggest(u.word, 3, SUGGESTION_POOL) })));
    throw new CinesimError(ERRORS.PROMPT_UNKNOWN_WORDS, error.message.replace('in prompt', 'in event'), { param: 'event', details: { ...error.details } });
  }
  for (const token of tokens) out.push({ start: token.start, token });
  return out.sort((a, b) => a.start - b.start);
}

const invalid = (message: string) => new CinesimError(ERRORS.PROMPT_INVALID, message, { param: 'event' });

const examples = (lang: 'en' | 'zh') => EVENT_EXAMPLES[lang].map((e) => `"${e}"`).join(', ');

// ---------------------------------------------------------------------------------------------------------
// Text → event

/**
 * Reads one event from English or Chinese text. Throws CINE_ERR_PROMPT_UNKNOWN_WORDS for words outside the
 * vocabulary (with suggestions) and CINE_ERR_PROMPT_INVALID for text that is not exactly one event.
 */
export function parseGameEvent(text: string): GameEvent {
  const lang = promptLanguage(text);
  const all = pieces(text);
  const events = all.flatMap((p) => ('event' in p ? [p.event] : []));
  const tokens = all.flatMap((p) => ('token' in p ? [p.token] : []));
  const kinds = (kind: string) => tokens.filter((t) => t.meaning.kind === kind);

  const shapes = kinds('shape');
  const windy = events.some((e) => e.kind === 'wind');
  const backgrounds = [
    ...events.flatMap((e) => (e.kind === 'background' ? [e.value] : [])),
    ...kinds('background').map((t) => (t.meaning as { value: Background }).value),
  ];
  const said = [windy && 'wind', shapes.length > 0 && 'an object', backgrounds.length > 0 && 'a background'].filter(Boolean);
  if (said.length > 1) throw invalid(`one event at a time: "${text}" names ${said.join(' and ')}`);

  const unexpected = (allowed: readonly string[]) => {
    const extra = tokens.find((t) => !IGNORED.has(t.meaning.kind) && !allowed.includes(t.meaning.kind));
    if (extra === undefined) return;
    if (shapes.length > 0 && (extra.meaning.kind === 'size' || extra.meaning.kind === 'texture')) {
      throw invalid(`"${extra.text}": a new object's size and texture are the game's own; name its colour and shape`);
    }
    throw invalid(`"${extra.text}" has no meaning in ${said[0] ?? 'this'} event "${text}"`);
  };

  if (windy || (events.some((e) => e.kind === 'calm') && shapes.length === 0 && backgrounds.length === 0)) {
    unexpected(['direction', 'move']);
    return { kind: 'wind', direction: windDirection(all, text, lang) };
  }
  if (shapes.length > 0) {
    unexpected(['shape', 'color', 'motion']);
    return spawnEvent(tokens, text, lang);
  }
  if (backgrounds.length > 0 || kinds('backdrop').length > 0) {
    unexpected(['color', 'backdrop', 'background']);
    return { kind: 'background', background: backgroundOf(backgrounds, kinds('color'), text) };
  }
  throw invalid(`"${text}" is not an event; try ${examples(lang)}`);
}

/** Token kinds every event may contain: articles, fillers, punctuation, 的. */
const IGNORED: ReadonlySet<string> = new Set(['determiner', 'filler', 'punctuation', 'de', 'one', 'and']);

function windDirection(all: readonly Piece[], text: string, lang: 'en' | 'zh'): WindDirection {
  if (all.some((p) => 'event' in p && p.event.kind === 'calm')) return 'calm';
  const directions: Direction[] = [];
  all.forEach((p, i) => {
    const meaning = 'token' in p ? p.token.meaning : p.event;
    if (meaning.kind !== 'direction') return;
    const previous = all[i - 1];
    const from = previous !== undefined && 'event' in previous && previous.event.kind === 'from';
    const d = meaning.value;
    // "from the left" is where the wind comes from: it pushes right.
    directions.push(from ? (d === 'left' ? 'right' : d === 'right' ? 'left' : d) : d);
  });
  const distinct = [...new Set(directions)];
  if (distinct.length === 0) throw invalid(`say which way the wind pushes: ${lang === 'zh' ? '"风向左吹", "风停了"' : '"the wind pushes left", "the wind stops"'}`);
  if (distinct.length > 1) throw invalid(`the wind pushes one way at a time, "${text}" says ${distinct.join(' and ')}`);
  const d = distinct[0];
  if (d !== 'left' && d !== 'right') throw invalid(`the wind only pushes left or right, not ${d}`);
  return d;
}

function spawnEvent(tokens: readonly LexToken[], text: string, lang: 'en' | 'zh'): GameEvent {
  const shapes = tokens.filter((t) => t.meaning.kind === 'shape');
  const counted = tokens.some((t) => t.meaning.kind === 'determiner' && (t.meaning.count ?? 1) > 1);
  if (shapes.length > 1 || counted || shapes.some((t) => t.meaning.kind === 'shape' && t.meaning.plural)) {
    throw invalid(`one object at a time: "${text}"`);
  }
  const shape = (shapes[0].meaning as { value: Shape }).value;
  const colors = [...new Set(tokens.flatMap((t) => (t.meaning.kind === 'color' ? [t.meaning.value] : [])))];
  if (colors.length === 0) {
    throw invalid(`say the ${shape}'s colour: ${lang === 'zh' ? '"一个红色的球从天上掉下来"' : `"a red ${shape} falls from the sky"`}`);
  }
  if (colors.length > 1) throw invalid(`one colour per object: "${text}" says ${colors.join(' and ')}`);
  const motions = [...new Set(tokens.flatMap((t) => (t.meaning.kind === 'motion' ? [t.meaning.value] : [])))];
  const wrong = motions.find((m) => m !== 'fall' && m !== 'bounce');
  if (wrong !== undefined || motions.length > 1) {
    throw invalid(`a new object falls or bounces, "${text}" says ${motions.join(' and ')}`);
  }
  const motion = motions[0] === 'bounce' ? 'bounce' : 'fall';
  return { kind: 'spawn', color: colors[0], shape, motion };
}

function backgroundOf(named: readonly Background[], colorTokens: readonly LexToken[], text: string): Background {
  const colors = [...new Set(colorTokens.map((t) => (t.meaning as { value: Color }).value))];
  const distinct = [...new Set(named)];
  if (distinct.length > 1) throw invalid(`one background at a time: "${text}" says ${distinct.join(' and ')}`);
  if (distinct.length === 1) {
    const bg = distinct[0];
    // A colour may describe the scene it names ("the blue ocean"), nothing else.
    const odd = colors.find((c) => !BACKGROUND_COLORS[bg].includes(c));
    if (odd !== undefined) throw invalid(`"${odd}" does not describe the ${bg} background`);
    return bg;
  }
  // "the background turns white", "背景变成白色": a plain background of that colour.
  const solid = BACKGROUNDS.filter((b) => SOLID_BACKGROUNDS.has(b) && (colors as string[]).includes(b));
  if (colors.length !== 1 || solid.length !== 1) {
    throw invalid(`a plain background is ${[...SOLID_BACKGROUNDS].join(', ')}; scenes are ${BACKGROUNDS.filter((b) => !SOLID_BACKGROUNDS.has(b)).join(', ')}`);
  }
  return solid[0];
}

// ---------------------------------------------------------------------------------------------------------
// Event → game, event → model

export function applyGameEvent(game: Game, event: GameEvent): void {
  switch (event.kind) {
    case 'spawn':
      game.spawn({ color: event.color, shape: event.shape, motion: event.motion ?? 'fall' });
      return;
    case 'background':
      game.setBackground(event.background);
      return;
    case 'wind':
      game.wind(event.direction === 'left' ? -WIND_ACCEL : event.direction === 'right' ? WIND_ACCEL : 0);
      return;
  }
}

/**
 * The world model's conditioning, an int64 triple [kind, arg1, arg2] with 0 = none/unused:
 * spawn [1, colour id + 1, shape id + 1]; background [2, background id + 1, 0]; wind [3, 1|2|3 for
 * left|right|calm, 0]. Ids index COLORS, SHAPES and BACKGROUNDS (vocabulary.ts).
 */
export function encodeGameEvent(event: GameEvent | null): [number, number, number] {
  if (event === null) return [0, 0, 0];
  switch (event.kind) {
    case 'spawn':
      return [1, COLORS.indexOf(event.color) + 1, SHAPES.indexOf(event.shape) + 1];
    case 'background':
      return [2, BACKGROUNDS.indexOf(event.background) + 1, 0];
    case 'wind':
      return [3, WIND_DIRECTIONS.indexOf(event.direction) + 1, 0];
  }
}

/** The inverse of encodeGameEvent; throws on a triple no event encodes to. */
export function decodeGameEvent(code: readonly [number, number, number] | readonly number[]): GameEvent | null {
  const [kind, a, b] = code;
  const bad = () => invalidArgument(`not an event code: [${code.join(', ')}]`);
  if (kind === 0 && a === 0 && b === 0) return null;
  if (kind === 1 && COLORS[a - 1] && SHAPES[b - 1]) return { kind: 'spawn', color: COLORS[a - 1], shape: SHAPES[b - 1], motion: 'fall' };
  if (kind === 2 && BACKGROUNDS[a - 1] && b === 0) return { kind: 'background', background: BACKGROUNDS[a - 1] };
  if (kind === 3 && WIND_DIRECTIONS[a - 1] && b === 0) return { kind: 'wind', direction: WIND_DIRECTIONS[a - 1] };
  throw bad();
}

function invalidArgument(message: string): CinesimError {
  return new CinesimError(ERRORS.INVALID_ARGUMENT, message, { param: 'event' });
}

/** Words an English or Chinese caption uses for an event (captions of recorded play, the studio's chips). */
export function describeGameEvent(event: GameEvent, lang: 'en' | 'zh' = 'en'): string {
  return DESCRIBE[lang](event);
}

const DESCRIBE: Readonly<Record<'en' | 'zh', (e: GameEvent) => string>> = {
  en: (e) =>
    e.kind === 'spawn'
      ? `a ${e.color} ${e.shape} ${e.motion === 'bounce' ? 'bounces' : 'falls'} from the sky`
      : e.kind === 'background'
        ? e.background === 'night' ? 'night falls' : `the background becomes ${e.background}`
        : e.direction === 'calm' ? 'the wind stops' : `the wind pushes ${e.direction}`,
  zh: (e) =>
    e.kind === 'spawn'
      ? `一个${ZH_COLOR[e.color]}的${ZH_SHAPE[e.shape]}从天上${e.motion === 'bounce' ? '弹跳' : '掉下来'}`
      : e.kind === 'background'
        ? e.background === 'night' ? '夜幕降临' : `背景变成${ZH_BACKGROUND[e.background]}`
        : e.direction === 'calm' ? '风停了' : `风向${e.direction === 'left' ? '左' : '右'}吹`,
};

const ZH_COLOR: Readonly<Record<Color, string>> = {
  red: '红色', orange: '橙色', yellow: '黄色', green: '绿色', blue: '蓝色', purple: '紫色', pink: '粉色', white: '白色',
  black: '黑色', gray: '灰色', brown: '棕色', cyan: '青色',
};
const ZH_SHAPE: Readonly<Record<Shape, string>> = {
  ball: '球', square: '方块', triangle: '三角形', star: '星星', ring: '圆环', diamond: '菱形', hexagon: '六边形', heart: '爱心',
};
const ZH_BACKGROUND: Readonly<Record<Background, string>> = {
  white: '白色', black: '黑色', gray: '灰色', sky: '蓝天', night: '夜空', grass: '草地', desert: '沙漠', sunset: '日落', ocean: '海面',
};

// ---------------------------------------------------------------------------------------------------------
// Events in recorded play

/**
 * An event a recording policy fires at random, for world-model training data: spawns (falling only: the
 * model's conditioning carries no motion) of a colour readable on the current background, a different
 * background, or a change of wind.
 */
export function randomGameEvent(rng: Rng, background: Background, wind: WindDirection): GameEvent {
  const kind = rng.weighted(['spawn', 'background', 'wind'] as const, [0.5, 0.25, 0.25]);
  if (kind === 'spawn') {
    return { kind: 'spawn', color: rng.pick(COLORS.filter((c) => isReadable(c, background))), shape: rng.pick(SHAPES), motion: 'fall' };
  }
  if (kind === 'background') return { kind: 'background', background: rng.pick(BACKGROUNDS.filter((b) => b !== background)) };
  return { kind: 'wind', direction: rng.pick(WIND_DIRECTIONS.filter((d) => d !== wind)) };
}
