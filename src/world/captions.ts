/**
 * Scene → captions: many natural phrasings of one scene in English and Chinese, for training, and one plain
 * description for logs (`describeScene`). Every caption parses back to exactly its scene (parser.ts), once
 * the defaults it may leave unsaid are filled in (DEFAULTS: medium size, plain texture, static motion,
 * static camera). Colour, shape and background are always said. `describePrompt` says what a prompt states,
 * no more (unsaid values stay unsaid), for tools that rewrite prompts.
 *
 * A caption is planned, then rendered:
 * - the plan decides which defaults to say and groups identical neighbouring objects ("two red balls");
 * - a template (object first, place first, motion as verb / participle / relative clause / modifier,
 *   "it", "both", introductions then references) renders the objects; templates that could be misread
 *   are skipped: references ("the red ball") are used only when they pick out one object given what was
 *   said, and definite introductions only when no earlier object fits them;
 * - the camera goes at the start or the end.
 * Words come from the lexicon's `say` forms, so captions use only what the tokenizer and parser know.
 */
import type { Rng } from '../util/random.ts';
import { EN, ZH, words, type Direction, type VerbForm } from './lexicon.ts';
import { DEFAULTS, MAX_PROMPT_TOKENS, type ObjectSpec, type PromptSpec, type SceneSpec } from './spec.ts';
import type { Background, CameraMove, Language, Motion } from './vocabulary.ts';

/** The random choices a caption makes; `FIRST` makes the plain, repeatable description. */
interface Chooser {
  pick<T>(list: readonly T[]): T;
  bool(p?: number): boolean;
  shuffle<T>(list: T[]): T[];
}

const FIRST: Chooser = { pick: (list) => list[0], bool: () => false, shuffle: (list) => list };

// ---------------------------------------------------------------------------------------------------------
// Planning

type Attr = 'shape' | 'color' | 'size' | 'texture';

/** One object, or identical objects in a row said once ("two red balls"). */
interface Unit {
  readonly obj: ObjectSpec;
  readonly count: number;
  /** Attributes this caption states: colour and shape always, size and texture when chosen. */
  readonly said: ReadonlySet<Attr>;
  readonly saysMotion: boolean;
}

interface Plan {
  readonly units: readonly Unit[];
  /** Always set for a scene; a prompt (`describePrompt`) may leave it unsaid. */
  readonly background: Background | undefined;
  readonly camera: CameraMove;
  readonly saysCamera: boolean;
}

/** How often a caption says a default value anyway (never saying it would teach "medium" = silence only). */
const SAY_DEFAULT = 0.3;
const GROUP_IDENTICAL = 0.7;

const ATTRS: readonly (keyof ObjectSpec)[] = ['shape', 'color', 'size', 'texture', 'motion'];
const identical = (a: ObjectSpec, b: ObjectSpec) => ATTRS.every((k) => a[k] === b[k]);

function plan(scene: SceneSpec, c: Chooser): Plan {
  const groups: { obj: ObjectSpec; count: number }[] = [];
  for (const obj of scene.objects) {
    const prev = groups[groups.length - 1];
    if (prev && identical(prev.obj, obj) && c.bool(GROUP_IDENTICAL)) prev.count += 1;
    else groups.push({ obj, count: 1 });
  }
  const units = groups.map(({ obj, count }): Unit => {
    const said = new Set<Attr>(['shape', 'color']);
    if (obj.size !== DEFAULTS.size || c.bool(SAY_DEFAULT)) said.add('size');
    if (obj.texture !== DEFAULTS.texture || c.bool(SAY_DEFAULT)) said.add('texture');
    return { obj, count, said, saysMotion: obj.motion !== DEFAULTS.motion || c.bool(SAY_DEFAULT) };
  });
  return {
    units,
    background: scene.background,
    camera: scene.camera,
    saysCamera: scene.camera !== DEFAULTS.camera || c.bool(SAY_DEFAULT),
  };
}

/** True when some attribute in `attrs`, known of `other` from what was said of it, tells `u` apart. */
const tellsApart = (u: Unit, other: Unit, attrs: Iterable<Attr>) =>
  [...attrs].some((a) => other.said.has(a) && u.obj[a] !== other.obj[a]);

/** Definite or bare introductions ("the red ball and the blue ball") are safe when no earlier object fits. */
const introsDistinct = (units: readonly Unit[]) =>
  units.every((u, i) => units.slice(0, i).every((k) => tellsApart(u, k, u.said)));

/** Descriptions a reference may use, shortest first: "the ball", "the red one", "the red ball", … */
const REFERENCE_ATTRS: readonly (readonly Attr[])[] = [
  ['shape'], ['color'], ['color', 'shape'], ['size', 'color', 'shape'], ['texture', 'color', 'shape'],
  ['size', 'texture', 'color', 'shape'],
];

/** The descriptions that pick out unit i alone; none when an identical object stands elsewhere. */
const referenceOptions = (units: readonly Unit[], i: number) =>
  REFERENCE_ATTRS.filter((attrs) => units.every((other, j) => j === i || tellsApart(units[i], other, attrs)));

/** A reference description for every unit that says its motion, or undefined when one is ambiguous. */
function references(units: readonly Unit[], c: Chooser, allowColorOnly: boolean): Map<Unit, ReadonlySet<Attr>> | undefined {
  const out = new Map<Unit, ReadonlySet<Attr>>();
  for (const [i, u] of units.entries()) {
    if (!u.saysMotion) continue;
    const options = referenceOptions(units, i).filter((a) => a.includes('shape') || (allowColorOnly && u.count === 1));
    if (options.length === 0) return undefined;
    out.set(u, new Set(c.bool(0.5) ? options[0] : c.pick(options)));
  }
  return out.size > 0 ? out : undefined;
}

/** "another" for a second object of the same shape, sometimes. */
const another = (units: readonly Unit[], i: number, c: Chooser) =>
  units[i].count === 1 && units.slice(0, i).some((u) => u.obj.shape === units[i].obj.shape) && c.bool(0.5);

const DIRECTION_OF: Readonly<Partial<Record<Motion | CameraMove, Direction>>> = {
  'move-left': 'left', 'move-right': 'right', 'move-up': 'up', 'move-down': 'down',
  'pan-left': 'left', 'pan-right': 'right', 'tilt-up': 'up', 'tilt-down': 'down',
};

// ---------------------------------------------------------------------------------------------------------
// English

const FORM_INDEX: Readonly<Record<VerbForm, number>> = { base: 0, finite: 1, participle: 2 };
const EN_NUMBERS = ['', 'one', 'two', 'three'] as const;
const hyphenate = (s: string) => s.replace(/ /g, '-');

const EN_PLACES: Readonly<Record<Background, readonly string[]>> = {
  white: ['on a white background', 'against a white background', 'on a plain white background'],
  black: ['on a black background', 'against a black background'],
  gray: ['on a gray background', 'against a grey background', 'on a gray backdrop'],
  sky: ['in the blue sky', 'in the sky', 'against a blue sky', 'in a clear blue sky'],
  night: ['at night', 'in the night sky', 'under the night sky'],
  grass: ['on green grass', 'on the grass', 'on a green lawn', 'in a grassy field', 'in a meadow'],
  desert: ['in the desert', 'on the desert sand', 'on the sand'],
  sunset: ['at sunset', 'at dusk', 'against the sunset sky'],
  ocean: ['over the ocean', 'over the sea', 'above the water', 'by the sea'],
};

type EnDet = 'a' | 'the' | 'none';

interface EnNounOptions {
  readonly attrs?: ReadonlySet<Attr>;
  /** A motion said before the noun ("a bouncing ball"). */
  readonly pre?: string;
  /** Say the texture after the noun ("with stripes"). */
  readonly textureAfter?: boolean;
  readonly another?: boolean;
}

function enTextureAfter(u: Unit, c: Chooser): string | undefined {
  const nouns = EN.textureNouns[u.obj.texture].say.map((n) => `with ${n}`);
  const pattern = EN.textures[u.obj.texture].say.map((adj) => `with a ${hyphenate(adj)} ${EN.patterns.say[0]}`);
  const forms = u.obj.texture === 'plain' ? [] : [...nouns, ...pattern];
  return forms.length ? c.pick(forms) : undefined;
}

function enNoun(u: Unit, det: EnDet, c: Chooser, o: EnNounOptions = {}): string {
  const attrs = o.attrs ?? u.said;
  const after = attrs.has('texture') && o.textureAfter ? enTextureAfter(u, c) : undefined;
  const mods: string[] = [];
  if (attrs.has('size')) mods.push(hyphenate(c.pick(EN.sizes[u.obj.size].say)));
  const color = attrs.has('color') ? c.pick(EN.colors[u.obj.color].say) : undefined;
  const texture = attrs.has('texture') && !after ? hyphenate(c.pick(EN.textures[u.obj.texture].say)) : undefined;
  // "a plain blue hexagon", never "a blue plain hexagon"; patterns go either side of the colour.
  if (u.obj.texture === 'plain' || c.bool(0.5)) mods.push(...[texture, color].filter((x) => x !== undefined));
  else mods.push(...[color, texture].filter((x) => x !== undefined));
  const [one, many] = c.pick(EN.shapes[u.obj.shape].say);
  // Without a shape: "the red one" refers back; an introduction is "a red object" (only prompts leave shapes unsaid).
  const shapeless = () => (o.attrs ? (u.count > 1 ? 'ones' : 'one') : c.pick(EN.objects.say)[u.count > 1 ? 1 : 0]);
  const noun = attrs.has('shape') ? (u.count > 1 ? many : one) : shapeless();
  const phrase = [o.pre, ...mods, noun, after].filter(Boolean).join(' ');
  if (u.count > 1) return [det === 'the' ? 'the' : '', EN_NUMBERS[u.count], phrase].filter(Boolean).join(' ');
  if (det === 'none') return phrase;
  if (det === 'the') return `the ${phrase}`;
  if (o.another) return `another ${phrase}`;
  return `${/^[aeiou]/.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

function enMotion(m: Motion, form: VerbForm, c: Chooser): string {
  const dir = DIRECTION_OF[m];
  if (dir) return `${c.pick(EN.travel.say)[FORM_INDEX[form]]} ${c.pick(EN.directions[dir].say)}`;
  return c.pick(EN.motions[m].say)[FORM_INDEX[form]];
}

/** One-word forms said before the noun ("a spinning star"); none for the moves. */
function enPreMotion(m: Motion, c: Chooser): string | undefined {
  const forms = m === 'static' ? EN.motionWords.static.say : EN.motions[m].say.map((v) => v[2]).filter((p) => !p.includes(' '));
  return forms.length ? c.pick(forms) : undefined;
}

const enList = (items: readonly string[], c: Chooser) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')}${c.bool(0.2) ? ',' : ''} and ${items[items.length - 1]}`;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A clause for each unit, the motion attached to its own noun. */
type EnStyle = 'finite' | 'participle' | 'relative' | 'pre';

function enInline(p: Plan, c: Chooser, det: 'a' | 'the', style: EnStyle): string | undefined {
  if (det === 'the' && !introsDistinct(p.units)) return undefined;
  // A plural verb ("bounce") would apply to every subject since the last verb: allowed only right after one.
  let afterVerb = true;
  const clauses = p.units.map((u, i) => {
    // "with stripes" is read after its noun has been resolved: only safe where the noun makes a new object.
    const o = { another: det === 'a' && another(p.units, i, c), textureAfter: det === 'a' && style !== 'pre' && c.bool(0.25) };
    const wasAfterVerb = afterVerb;
    afterVerb = false;
    if (!u.saysMotion) return enNoun(u, det, c, o);
    const pre = style === 'pre' ? enPreMotion(u.obj.motion, c) : undefined;
    if (pre) return enNoun(u, det, c, { ...o, pre });
    const noun = enNoun(u, det, c, o);
    if (style === 'participle' || style === 'pre' || (u.count > 1 && !wasAfterVerb)) {
      return `${noun} ${enMotion(u.obj.motion, 'participle', c)}`;
    }
    afterVerb = true;
    const verb = enMotion(u.obj.motion, u.count > 1 ? 'base' : 'finite', c);
    return style === 'relative' ? `${noun} that ${verb}` : `${noun} ${verb}`;
  });
  if (p.background === undefined) return enList(clauses, c);
  const place = c.pick(EN_PLACES[p.background]);
  return c.bool(0.3) ? `${place}, ${enList(clauses, c)}` : `${enList(clauses, c)} ${place}`;
}

/** Introductions, then references that carry the motions: "a red ball and a blue ball; the red ball bounces". */
function enReferences(p: Plan, c: Chooser): string | undefined {
  const refs = p.units.length > 1 ? references(p.units, c, true) : undefined;
  if (!refs || p.background === undefined) return undefined;
  const intro = enList(p.units.map((u, i) => enNoun(u, 'a', c, { another: another(p.units, i, c) })), c);
  const place = c.pick(EN_PLACES[p.background]);
  const clauses = [...refs].map(([u, attrs]) => `${enNoun(u, 'the', c, { attrs })} ${enMotion(u.obj.motion, u.count > 1 ? 'base' : 'finite', c)}`);
  const sep = c.pick(['; ', '. ', ': ']);
  const introduced = c.bool(0.3) ? `${place}, ${intro}` : `${intro} ${place}`;
  return `${introduced}${sep}${enList(clauses, c)}`;
}

/** "A red ball on green grass. It bounces." */
function enPronoun(p: Plan, c: Chooser): string | undefined {
  const [u] = p.units;
  if (p.units.length !== 1 || !u.saysMotion || p.background === undefined) return undefined;
  const subject = u.count > 1 ? `they ${enMotion(u.obj.motion, 'base', c)}` : `it ${enMotion(u.obj.motion, 'finite', c)}`;
  return `${enNoun(u, 'a', c)} ${c.pick(EN_PLACES[p.background])}${c.pick(['. ', '; ', ', '])}${subject}`;
}

/** One motion for all: "a red ball and a blue star both spin". */
function enShared(p: Plan, c: Chooser): string | undefined {
  const m = p.units[0].obj.motion;
  if (p.units.length < 2 || !p.units.every((u) => u.obj.motion === m) || !p.units.some((u) => u.saysMotion)) return undefined;
  if (p.background === undefined) return undefined;
  const total = p.units.reduce((n, u) => n + u.count, 0);
  const subjects = enList(p.units.map((u, i) => enNoun(u, 'a', c, { another: another(p.units, i, c) })), c);
  const all = total === 2 ? 'both' : 'all';
  const verb = c.pick([enMotion(m, 'base', c), `${all} ${enMotion(m, 'base', c)}`, `are ${all} ${enMotion(m, 'participle', c)}`]);
  const place = c.pick(EN_PLACES[p.background]);
  return c.bool(0.3) ? `${place}, ${subjects} ${verb}` : `${subjects} ${verb} ${place}`;
}

function enCameraClause(camera: CameraMove, c: Chooser, form: 'finite' | 'participle'): string {
  const dir = DIRECTION_OF[camera];
  const i = FORM_INDEX[form];
  let move: string;
  if (camera === 'static') {
    move = form === 'finite' ? c.pick(['is still', 'stays still', 'does not move', 'is static']) : c.pick(['staying still', 'not moving']);
  } else if (dir) {
    const [pan, tilt] = EN.cameraVerbs.say;
    const verb = c.pick([(dir === 'left' || dir === 'right' ? pan : tilt)[i], EN.travel.say[0][i]]);
    move = `${verb} ${c.pick(EN.directions[dir].say)}`;
  } else {
    move = c.pick(EN.cameraMoves[camera].say)[i];
  }
  return `${c.pick(['the camera', 'the camera', 'camera'])} ${move}`;
}

/** A short name for the move: "static camera", "pan left", "zoom in". */
function enCameraName(camera: CameraMove, c: Chooser): string {
  const dir = DIRECTION_OF[camera];
  if (camera === 'static') return c.pick(EN.cameraPhrases.static.say);
  if (dir) return `${dir === 'left' || dir === 'right' ? 'pan' : 'tilt'} ${c.pick(EN.directions[dir].say)}`;
  return c.pick(EN.cameraMoves[camera].say)[0];
}

function enWithCamera(body: string, p: Plan, c: Chooser): string {
  if (!p.saysCamera) return body;
  const clause = () => enCameraClause(p.camera, c, 'finite');
  const forms = [
    () => `${clause()}, ${body}`,
    () => (/^(an?|the|two|three) /i.test(body) ? `${clause()} as ${body}` : `${clause()}. ${capitalize(body)}`),
    () => `${capitalize(enCameraName(p.camera, c))}: ${body}`,
    () => `${body}, ${clause()}`,
    () => `${body} while ${clause()}`,
    () => `${body}, ${enCameraName(p.camera, c)}`,
    () => `${body} with ${enCameraClause(p.camera, c, 'participle')}`,
    () => `${body}. ${capitalize(clause())}`,
  ];
  return c === FIRST ? `${body}, ${clause()}` : c.pick(forms)();
}

const enFinish = (text: string, c: Chooser) => {
  const t = c.bool(0.5) ? capitalize(text) : text;
  return c.bool(0.4) ? `${t}.` : t;
};

// ---------------------------------------------------------------------------------------------------------
// Chinese

const ZH_NUMBERS = ['', '一', '两', '三'] as const;

const ZH_PLACES: Readonly<Record<Background, readonly string[]>> = {
  white: ['在白色背景上', '在白色的背景上', '在白色背景前'],
  black: ['在黑色背景上', '在黑色的背景前'],
  gray: ['在灰色背景上', '在灰色的背景上'],
  sky: ['在蓝天中', '在天空中', '在空中', '在蓝色的天空中'],
  night: ['在夜空中', '在夜晚', '在晚上'],
  grass: ['在绿色草地上', '在草地上', '在草坪上', '在绿色的草坪上'],
  desert: ['在沙漠中', '在沙漠里', '在沙漠上'],
  sunset: ['在日落时分', '在夕阳下', '在黄昏时'],
  ocean: ['在海面上', '在大海上', '在海面之上'],
};

/** The background as a name, for "背景是…". */
const ZH_BACKGROUND_NAMES: Readonly<Record<Background, readonly string[]>> = {
  white: ['白色'], black: ['黑色'], gray: ['灰色'], sky: ['蓝天', '天空'], night: ['夜空'], grass: ['绿色草地', '草地'],
  desert: ['沙漠'], sunset: ['日落', '夕阳'], ocean: ['大海', '海面'],
};

/** 一个 / 另一个 / 两个 for new objects; 那个 / 这两个 / nothing for references and definite introductions. */
type ZhDet = 'new' | 'another' | 'ref' | 'bare';

interface ZhNounOptions {
  readonly attrs?: ReadonlySet<Attr>;
  readonly pre?: string;
}

function zhDeterminer(u: Unit, det: ZhDet, c: Chooser): string {
  if (u.count > 1) return det === 'ref' ? `${c.pick(['这', '那'])}${ZH_NUMBERS[u.count]}个` : `${ZH_NUMBERS[u.count]}个`;
  switch (det) {
    case 'new': return '一个';
    case 'another': return '另一个';
    case 'ref': return c.pick(['', '那个', '这个']);
    case 'bare': return '';
  }
}

function zhNoun(u: Unit, det: ZhDet, c: Chooser, o: ZhNounOptions = {}): string {
  const attrs = o.attrs ?? u.said;
  const { size, texture, color, shape } = u.obj;
  const sizeWord = attrs.has('size') ? c.pick(ZH.sizes[size].say) : '';
  // 中等大小 goes before the colour with 的; 小 / 大 right before the noun ("红色的小球") or before the colour ("小的红色球").
  const sizeFirst = sizeWord !== '' && (size === 'medium' || c.bool(0.3));
  let texturePart = '';
  if (attrs.has('texture')) {
    const word = c.pick(ZH.textures[texture].say);
    const verb = texture === 'plain' ? '' : c.pick(['', '带', '带有', '有']);
    // "带条纹的红色球", "条纹红色球": a phrase with 带/有 closes with 的.
    const endings = texture === 'plain' ? ['的'] : verb || sizeFirst ? ['的', '图案的'] : ['的', '', '图案的'];
    texturePart = `${verb}${word}${c.pick(endings)}`;
  }
  const colorPart = attrs.has('color') ? `${c.pick(ZH.colors[color].say)}${c.pick(['的', '', '的'])}` : '';
  return [
    zhDeterminer(u, det, c),
    o.pre ? `${o.pre}的` : '',
    texturePart,
    sizeFirst ? `${sizeWord}的` : '',
    colorPart,
    sizeFirst ? '' : sizeWord,
    attrs.has('shape') ? c.pick(ZH.shapes[shape].say) : c.pick(ZH.objects.say), // shapeless only in prompts
  ].join('');
}

function zhMotion(m: Motion, c: Chooser): string {
  const dir = DIRECTION_OF[m];
  const composed = dir ? [`${c.pick(ZH.directions[dir].say)}${c.pick(ZH.travel.say)}`] : [];
  const extra: Partial<Record<Motion, readonly string[]>> = {
    zigzag: ['走之字形', '之字形移动', '沿之字形路线移动'],
    orbit: ['绕圈运动', '做圆周运动'],
    static: ['保持不动'],
  };
  return c.pick([...composed, ...composed, ...ZH.motions[m].say, ...(extra[m] ?? [])]);
}

/** The motion as a predicate, sometimes progressive ("在弹跳"). */
const zhPredicate = (m: Motion, c: Chooser) => `${m !== 'static' && c.bool(0.35) ? c.pick(['在', '正在']) : ''}${zhMotion(m, c)}`;

const zhList = (items: readonly string[], c: Chooser) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join('、')}${c.pick(['和', '与'])}${items[items.length - 1]}`;

/** "在绿色草地上" or, before 有, sometimes without 在. */
const zhPlace = (background: Background, c: Chooser, existential = false) => {
  const place = c.pick(ZH_PLACES[background]);
  return existential && c.bool(0.5) ? place.slice(1) : place;
};

function zhInline(p: Plan, c: Chooser, det: 'new' | 'bare'): string | undefined {
  if (det === 'bare' && !introsDistinct(p.units)) return undefined;
  const { background } = p;
  const placeInside = !c.bool(0.4);
  const clauses = p.units.map((u, i) => {
    const d: ZhDet = det === 'new' && another(p.units, i, c) ? 'another' : det;
    const here = placeInside && i === 0 && background !== undefined ? zhPlace(background, c) : '';
    return u.saysMotion ? `${zhNoun(u, d, c)}${here}${zhPredicate(u.obj.motion, c)}` : `${zhNoun(u, d, c)}${here}`;
  });
  const body = clauses.join(c.pick(['，', '，', '；']));
  if (placeInside || background === undefined) return body;
  return c.bool(0.5) ? `${zhPlace(background, c)}，${body}` : `${body}，背景是${c.pick(ZH_BACKGROUND_NAMES[background])}`;
}

/** Motions as modifiers: "草地上有一个正在弹跳的红色小球". */
function zhModifiers(p: Plan, c: Chooser): string | undefined {
  const { background } = p;
  if (background === undefined) return undefined;
  const nouns = p.units.map((u, i) => {
    const pre = u.saysMotion ? `${u.obj.motion !== 'static' && c.bool(0.4) ? '正在' : ''}${zhMotion(u.obj.motion, c)}` : undefined;
    return zhNoun(u, another(p.units, i, c) ? 'another' : 'new', c, { pre });
  });
  return c.bool(0.6) ? `${zhPlace(background, c, true)}有${zhList(nouns, c)}` : `${zhList(nouns, c)}${zhPlace(background, c)}`;
}

function zhReferences(p: Plan, c: Chooser): string | undefined {
  const refs = p.units.length > 1 ? references(p.units, c, false) : undefined;
  const { background } = p;
  if (!refs || background === undefined) return undefined;
  const intro = zhList(p.units.map((u, i) => zhNoun(u, another(p.units, i, c) ? 'another' : 'new', c)), c);
  const clauses = [...refs].map(([u, attrs]) => `${zhNoun(u, 'ref', c, { attrs })}${zhPredicate(u.obj.motion, c)}`);
  const introduced = c.bool(0.5) ? `${zhPlace(background, c, true)}有${intro}` : `${intro}${zhPlace(background, c)}`;
  return `${introduced}${c.pick(['，', '。', '；'])}${clauses.join('，')}`;
}

function zhPronoun(p: Plan, c: Chooser): string | undefined {
  const [u] = p.units;
  const { background } = p;
  if (p.units.length !== 1 || !u.saysMotion || background === undefined) return undefined;
  const introduced = c.bool(0.5) ? `${zhPlace(background, c, true)}有${zhNoun(u, 'new', c)}` : `${zhNoun(u, 'new', c)}${zhPlace(background, c)}`;
  return `${introduced}，${u.count > 1 ? '它们' : '它'}${zhPredicate(u.obj.motion, c)}`;
}

function zhShared(p: Plan, c: Chooser): string | undefined {
  const m = p.units[0].obj.motion;
  const { background } = p;
  if (p.units.length < 2 || !p.units.every((u) => u.obj.motion === m) || !p.units.some((u) => u.saysMotion)) return undefined;
  if (background === undefined) return undefined;
  const subjects = zhList(p.units.map((u, i) => zhNoun(u, another(p.units, i, c) ? 'another' : 'new', c)), c);
  return `${subjects}${zhPlace(background, c)}${c.pick(['都', '一起', '全都'])}${zhPredicate(m, c)}`;
}

function zhCamera(camera: CameraMove, c: Chooser): string {
  const dir = DIRECTION_OF[camera];
  if (camera === 'static') return c.pick([...ZH.cameraMoves.static.say, '镜头静止不动', '镜头保持不动']);
  if (dir) {
    const verbs = dir === 'left' || dir === 'right' ? ['平移', '移动', '摇'] : ['摇', '移动'];
    return `镜头${c.pick(ZH.directions[dir].say)}${c.pick(verbs)}`;
  }
  return `镜头${c.pick(['', '', '慢慢', '缓缓'])}${c.pick(ZH.cameraMoves[camera].say)}`;
}

function zhWithCamera(body: string, p: Plan, c: Chooser): string {
  if (!p.saysCamera) return body;
  const camera = zhCamera(p.camera, c);
  if (c === FIRST) return `${body}，${camera}`;
  return c.pick([`${camera}，${body}`, `${camera}。${body}`, `${body}，${camera}`, `${body}，同时${camera}`, `${body}。${camera}`]);
}

const zhFinish = (text: string, c: Chooser) => (c.bool(0.4) ? `${text}。` : text);

// ---------------------------------------------------------------------------------------------------------
// Templates per language

type Template = (p: Plan, c: Chooser) => string | undefined;

interface Grammar {
  /** Every way to say a scene's objects and place; some decline a plan they could render ambiguously. */
  readonly templates: readonly Template[];
  /** Always applicable: every object with its own verb, "a"/"一个" introductions. */
  readonly plain: (p: Plan, c: Chooser) => string;
  readonly withCamera: (body: string, p: Plan, c: Chooser) => string;
  readonly finish: (text: string, c: Chooser) => string;
}

const GRAMMARS: Readonly<Record<Language, Grammar>> = {
  en: {
    templates: [
      (p, c) => enInline(p, c, 'a', 'finite'),
      (p, c) => enInline(p, c, 'a', 'participle'),
      (p, c) => enInline(p, c, 'a', 'relative'),
      (p, c) => enInline(p, c, 'a', 'pre'),
      (p, c) => enInline(p, c, 'the', c.pick(['finite', 'participle'])),
      enReferences,
      enPronoun,
      enShared,
    ],
    plain: (p, c) => enInline(p, c, 'a', 'finite') as string,
    withCamera: enWithCamera,
    finish: enFinish,
  },
  zh: {
    templates: [
      (p, c) => zhInline(p, c, 'new'),
      (p, c) => zhInline(p, c, 'new'),
      (p, c) => zhInline(p, c, 'bare'),
      zhModifiers,
      zhReferences,
      zhPronoun,
      zhShared,
    ],
    plain: (p, c) => zhInline(p, c, 'new') as string,
    withCamera: zhWithCamera,
    finish: zhFinish,
  },
};

/** Captions must fit the model's text window: `<bos>` plus the caption's words. */
const fitsWindow = (text: string) => words(text).length + 1 <= MAX_PROMPT_TOKENS;

function render(p: Plan, lang: Language, c: Chooser): string | undefined {
  const g = GRAMMARS[lang];
  for (const t of c.shuffle([...g.templates])) {
    const body = t(p, c);
    if (body !== undefined) return g.finish(g.withCamera(body, p, c), c);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/** One natural caption of the scene in `lang`, drawn with `rng`. Parses back to the scene (defaults filled). */
export function captionScene(scene: SceneSpec, lang: Language, rng: Rng): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const text = render(plan(scene, rng), lang, rng);
    if (text !== undefined && fitsWindow(text)) return text;
  }
  return describeScene(scene, lang); // the shortest form always fits
}

/** `counts[lang]` captions per language, distinct where the scene allows that many phrasings. */
export function captionVariants(scene: SceneSpec, rng: Rng, counts: { en: number; zh: number }): { en: string[]; zh: string[] } {
  const variants = (lang: Language, n: number) => {
    const seen = new Set<string>();
    const drawn: string[] = [];
    for (let attempt = 0; drawn.length < n && attempt < n * 12; attempt++) {
      const text = captionScene(scene, lang, rng);
      if (!seen.has(text)) drawn.push(text);
      seen.add(text);
    }
    // Few phrasings exist for very plain scenes: repeat rather than return fewer than asked.
    for (let i = 0; drawn.length < n; i++) drawn.push(drawn[i]);
    return drawn;
  };
  return { en: variants('en', counts.en), zh: variants('zh', counts.zh) };
}

/** The plain description of a scene (defaults left unsaid, first forms, no randomness): for logs and UIs. */
export function describeScene(scene: SceneSpec, lang: Language): string {
  return describePlan(plan(scene, FIRST), lang);
}

/** Stand-ins for the values a prompt leaves unsaid; `said`/`saysMotion` keep them out of the text. */
const UNSAID: ObjectSpec = { shape: 'ball', color: 'red', ...DEFAULTS };
const SAID_ATTRS: readonly Attr[] = ['shape', 'color', 'size', 'texture'];

/**
 * The plain description of what a prompt states and nothing more (first forms, no randomness): an unsaid
 * value stays unsaid ("an object bounces" has no shape, no colour, no background), a said default is said
 * ("a medium plain red ball stays still"). Parses back to `prompt`; it must name at least one object.
 * For tools that rewrite prompts (reference subjects: engine/reference.ts).
 */
export function describePrompt(prompt: PromptSpec, lang: Language): string {
  if (prompt.objects.length === 0) throw new Error('describePrompt: the prompt names no object');
  const units = prompt.objects.map(
    (o): Unit => ({
      obj: { ...UNSAID, ...o },
      count: 1,
      said: new Set(SAID_ATTRS.filter((a) => o[a] !== undefined)),
      saysMotion: o.motion !== undefined,
    }),
  );
  return describePlan({ units, background: prompt.background, camera: prompt.camera ?? DEFAULTS.camera, saysCamera: prompt.camera !== undefined }, lang);
}

function describePlan(p: Plan, lang: Language): string {
  const g = GRAMMARS[lang];
  return g.withCamera(g.plain(p, FIRST), p, FIRST);
}
