/**
 * Prompt → PromptSpec. Reads every caption phrasing and reasonable free text in English and Chinese.
 *
 * Three stages:
 * 1. `segment` (lexicon.ts) turns text into tokens with meanings; unknown words fail here, with suggestions.
 * 2. `compose` joins what the lexicon keeps apart: a travel verb and a direction ("moves … left", "向左移动"),
 *    a camera verb and a direction ("pans left", "向左摇"), and drops words a motion already implies
 *    ("falls down", "绕圈运动").
 * 3. `PromptBuilder` reads the items left to right like a small noun-phrase grammar:
 *    - modifiers (size, colour, texture) gather in an open phrase that the next shape noun closes; a phrase
 *      left without a noun ("a ball that is red", "球是红色的") describes the object before it;
 *    - a phrase with "a"/"一个"/"two" makes new objects; one with "the"/no article refers to the one earlier
 *      object it fits ("the red ball", "红色的球"), or makes a new one when none fits;
 *    - a motion belongs to the open phrase ("a bouncing ball", "弹跳的球"), else to the last phrase named, or
 *      to every object of the subject when the verb is plural or "both"/"都" says so ("a red ball and a blue
 *      ball bounce");
 *    - after "camera"/"镜头" the next motion is the camera's ("the camera moves left" → pan-left);
 *    - a colour right before a background describes the background ("green grass", "白色背景").
 */
import { CinesimError, ERRORS } from '../errors.ts';
import { segment, unknownWordsError, lexiconEntries, type Direction, type Meaning, type MeaningKind } from './lexicon.ts';
import { DEFAULTS, MAX_OBJECTS, type ObjectSpec, type PromptSpec } from './spec.ts';
import {
  COLOR_NAMES, MOTION_NAMES, SHAPE_NAMES, SOLID_BACKGROUNDS,
  type Background, type CameraMove, type Color, type Language, type Motion, type Shape,
} from './vocabulary.ts';

// ---------------------------------------------------------------------------------------------------------
// Tables

const MOTION_BY_DIRECTION: Readonly<Record<Direction, Motion>> = {
  left: 'move-left', right: 'move-right', up: 'move-up', down: 'move-down',
};

const CAMERA_BY_DIRECTION: Readonly<Record<Direction, CameraMove>> = {
  left: 'pan-left', right: 'pan-right', up: 'tilt-up', down: 'tilt-down',
};

/** The direction a motion already goes in, so "falls down" and "向上跳" are one motion. */
const IMPLIED_DIRECTION: Readonly<Partial<Record<Motion, Direction>>> = {
  fall: 'down', jump: 'up', 'move-left': 'left', 'move-right': 'right', 'move-up': 'up', 'move-down': 'down',
};

/** What a motion means when the camera does it ("the camera moves left", "镜头静止"). */
const CAMERA_BY_MOTION: Readonly<Partial<Record<Motion, CameraMove>>> = {
  static: 'static', 'move-left': 'pan-left', 'move-right': 'pan-right', 'move-up': 'tilt-up', 'move-down': 'tilt-down',
};

/** Colours that may describe a background: "green grass", "blue sky", "白色背景". */
export const BACKGROUND_COLORS: Readonly<Record<Background, readonly Color[]>> = {
  white: ['white'], black: ['black'], gray: ['gray'],
  sky: ['blue', 'cyan'], night: ['black', 'blue'], grass: ['green'], desert: ['yellow', 'orange', 'brown'],
  sunset: ['orange', 'red', 'pink', 'purple'], ocean: ['blue', 'cyan'],
};

/** Items that build a noun phrase; anything else ends a list of subjects. */
const PHRASE_KINDS: ReadonlySet<MeaningKind> = new Set(['determiner', 'one', 'color', 'size', 'texture', 'shape', 'object', 'de']);

type ObjectAttr = keyof ObjectSpec;
const ATTR_ORDER: readonly ObjectAttr[] = ['shape', 'color', 'size', 'texture', 'motion'];
const ATTR_LABEL: Readonly<Record<ObjectAttr, string>> = {
  shape: 'shapes', color: 'colours', size: 'sizes', texture: 'textures', motion: 'motions',
};

const invalid = (message: string, details?: Record<string, unknown>) =>
  new CinesimError(ERRORS.PROMPT_INVALID, message, { param: 'prompt', ...(details && { details }) });

// ---------------------------------------------------------------------------------------------------------
// Stage 2: compose

/** A content token (fillers and punctuation that ends nothing are gone), possibly joined with a neighbour. */
interface Item {
  readonly text: string;
  readonly meaning: Meaning;
  readonly alt?: Meaning;
}

function joinDirection(a: Meaning, b: Meaning): Meaning | undefined {
  const [dir, other] = a.kind === 'direction' ? [a, b] : [b, a];
  if (dir.kind !== 'direction') return undefined;
  switch (other.kind) {
    case 'move':
      return { kind: 'motion', value: MOTION_BY_DIRECTION[dir.value], form: other.form };
    case 'cameraVerb':
      return { kind: 'camera', value: CAMERA_BY_DIRECTION[dir.value] };
    case 'motion':
      return IMPLIED_DIRECTION[other.value] === dir.value ? other : undefined;
    default:
      return undefined;
  }
}

/** A travel verb next to a motion adds nothing: "moves in a circle", "绕圈运动", "走之字形". */
function absorbTravel(a: Meaning, b: Meaning): Meaning | undefined {
  if (a.kind === 'move' && b.kind === 'motion') return { ...b, form: a.form };
  if (a.kind === 'motion' && b.kind === 'move') return { ...a, form: b.form };
  return undefined;
}

/** Joins neighbours with `join` wherever it returns a meaning, left to right. */
function mergePairs(items: Item[], join: (a: Meaning, b: Meaning) => Meaning | undefined): Item[] {
  const out = [...items];
  for (let i = 0; i + 1 < out.length; ) {
    const meaning = join(out[i].meaning, out[i + 1].meaning);
    if (meaning) out.splice(i, 2, { text: `${out[i].text} ${out[i + 1].text}`, meaning });
    else i += 1;
  }
  return out;
}

const DANGLING: Readonly<Partial<Record<MeaningKind, (text: string) => string>>> = {
  move: (t) => `"${t}" needs a direction: left, right, up or down (e.g. "${t} left")`,
  direction: (t) => `"${t}" needs a verb: e.g. "moves ${t}", or "the camera pans ${t}"`,
  cameraVerb: (t) => `"${t}" needs a direction: e.g. "${t} left"`,
};

function compose(items: Item[]): Item[] {
  const out = mergePairs(mergePairs(items, joinDirection), absorbTravel);
  for (const item of out) {
    const message = DANGLING[item.meaning.kind];
    if (message) throw invalid(message(item.text));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Stage 3: the noun-phrase reader

interface Determiner {
  readonly definite: boolean;
  readonly count?: number;
}

/** Words read since the last noun: they describe the next noun, or else the object before them. */
interface OpenPhrase {
  det?: Determiner;
  attrs: Partial<ObjectSpec>;
  words: string[];
  /** The last word was a colour: it may describe a background that follows ("on green grass"). */
  colorLast: boolean;
}

const describe = (o: Partial<ObjectSpec>) =>
  [o.color && COLOR_NAMES[o.color].en, o.shape ? SHAPE_NAMES[o.shape].en : 'object'].filter(Boolean).join(' ');

const valueName = (attr: ObjectAttr, value: string) => (attr === 'motion' ? MOTION_NAMES[value as Motion].en : value);

function setAttr(target: Partial<ObjectSpec>, attr: ObjectAttr, value: string, who: () => string): void {
  const old = target[attr];
  if (old !== undefined && old !== value) {
    throw invalid(`${who()} is given two ${ATTR_LABEL[attr]}: "${valueName(attr, old)}" and "${valueName(attr, value)}"`);
  }
  (target as Record<ObjectAttr, string>)[attr] = value;
}

const fits = (o: Partial<ObjectSpec>, attrs: Partial<ObjectSpec>) =>
  ATTR_ORDER.every((a) => attrs[a] === undefined || o[a] === undefined || o[a] === attrs[a]);

class PromptBuilder {
  private readonly objects: Partial<ObjectSpec>[] = [];
  /** Which mention made each object: objects made by one counted mention ("two balls") share it. */
  private readonly mentions: number[] = [];
  private phrase: OpenPhrase | undefined;
  /** Phrases waiting for the noun of a later one: "a red [ball] and a blue ball". */
  private elided: OpenPhrase[] = [];
  /** Objects of the last noun phrase: where a motion or late modifier goes by default. */
  private last: number[] = [];
  /** Objects of the current list of subjects ("a red ball and a blue ball"). */
  private subjects = new Set<number>();
  private listing = false;
  private allNext = false;
  private cameraSubject: string | undefined;
  private background: { value: Background; text: string } | undefined;
  private camera: { value: CameraMove; text: string } | undefined;
  private prev: Item | undefined;
  private closedPrev = false;

  feed(item: Item, next: Item | undefined): void {
    // "circles" right after a noun is the verb: "the ball circles".
    const m = item.alt && !this.phrase && this.closedPrev ? item.alt : item.meaning;
    let closed = false;
    if (this.elided.length > 0 && !PHRASE_KINDS.has(m.kind) && m.kind !== 'and') this.failElided();
    switch (m.kind) {
      case 'determiner':
        this.determiner(m, item.text);
        break;
      case 'one':
        if (this.phrase && this.hasAttrs(this.phrase)) {
          // "a blue one" is another of the shape just named; "the blue one" refers by its other words.
          const newOne = this.phrase.det?.definite === false && this.last.length > 0;
          this.noun(newOne ? this.objects[this.last[0]].shape : undefined, false, item.text);
          closed = true;
        } else {
          this.determiner({ definite: false, count: 1 }, item.text);
        }
        break;
      case 'color':
        if (!this.phrase && this.prev?.meaning.kind === 'backdrop' && SOLID_BACKGROUNDS.has(m.value as Background)) {
          this.setBackground(m.value as Background, `${this.prev.text} ${item.text}`); // "背景是白色", "background: white"
        } else {
          this.modify('color', m.value, item.text);
        }
        break;
      case 'size':
        this.modify('size', m.value, item.text);
        break;
      case 'texture':
        this.modify('texture', m.value, item.text);
        if (m.noun) this.closeBack();
        break;
      case 'pattern':
        if (this.phrase?.attrs.texture) this.closeBack();
        break;
      case 'shape':
      case 'object':
        this.noun(m.kind === 'shape' ? m.value : undefined, m.plural, item.text);
        closed = true;
        break;
      case 'motion':
        this.motion(m.value, m.form, item.text, next?.meaning.kind === 'de');
        break;
      case 'camera':
        this.flush();
        this.setCamera(m.value, item.text);
        break;
      case 'cameraSubject':
        // "推近镜头", "zoom in camera": the move came first.
        if (this.prev?.meaning.kind !== 'camera') {
          this.flush();
          this.cameraSubject = item.text;
        }
        break;
      case 'background':
        this.takeBackgroundWords(BACKGROUND_COLORS[m.value]);
        this.setBackground(m.value, item.text);
        break;
      case 'backdrop':
        this.backdrop(item.text);
        break;
      case 'all':
        this.flush();
        this.allNext = true;
        break;
      case 'and':
        if (this.closedPrev) this.listing = true;
        break;
      default:
        break; // 'de', and punctuation that only ends the list of subjects
    }
    if (m.kind !== 'and' && !PHRASE_KINDS.has(m.kind)) this.listing = false;
    this.closedPrev = closed;
    this.prev = item;
  }

  finish(): PromptSpec {
    if (this.elided.length > 0) this.failElided();
    this.flush();
    if (this.cameraSubject) {
      throw invalid(`"${this.cameraSubject}" needs a move: e.g. "pans left", "tilts up", "zooms in", "is still"`);
    }
    if (this.objects.length > MAX_OBJECTS) {
      throw invalid(`too many objects: the prompt names ${this.objects.length}, a scene holds at most ${MAX_OBJECTS}`);
    }
    if (this.objects.length === 0 && !this.background && !this.camera) throw describesNothing();
    const objects = this.objects.map((o) => {
      const out: Partial<ObjectSpec> = {};
      for (const a of ATTR_ORDER) if (o[a] !== undefined) (out as Record<ObjectAttr, string>)[a] = o[a];
      return out;
    });
    return {
      ...(this.background && { background: this.background.value }),
      objects,
      ...(this.camera && { camera: this.camera.value }),
    };
  }

  private hasAttrs(p: OpenPhrase): boolean {
    return ATTR_ORDER.some((a) => p.attrs[a] !== undefined);
  }

  private determiner(det: Determiner, text: string): void {
    const p = this.phrase;
    // "the two balls", "那两个": a definite article takes the count that follows it.
    if (p?.det?.definite && !this.hasAttrs(p) && det.count !== undefined) {
      p.det = { definite: true, count: det.count };
      p.words.push(text);
      return;
    }
    if (p?.det && this.hasAttrs(p) && this.prev?.meaning.kind === 'and') {
      this.elided.push(p); // "a red and a blue ball": the noun comes later
      this.phrase = undefined;
    }
    this.flush();
    this.phrase = { det, attrs: {}, words: [text], colorLast: false };
  }

  private modify(attr: 'color' | 'size' | 'texture' | 'motion', value: string, text: string): void {
    const p = (this.phrase ??= { attrs: {}, words: [], colorLast: false });
    setAttr(p.attrs, attr, value, () => `"${[...p.words, text].join(' ')}"`);
    p.words.push(text);
    p.colorLast = attr === 'color';
  }

  /** Closes the open noun phrase, and any waiting for this noun: the subjects of what follows. */
  private noun(shape: Shape | undefined, plural: boolean, text: string): void {
    const phrases = [...this.elided, this.phrase ?? { attrs: {}, words: [], colorLast: false }];
    this.elided = [];
    this.phrase = undefined;
    const targets = phrases.flatMap((p) => this.resolve(p, shape, plural, text));
    this.last = targets;
    if (!this.listing) this.subjects = new Set();
    for (const i of targets) this.subjects.add(i);
    this.listing = false;
  }

  /** The objects a noun phrase names: new ones, or the earlier ones it fits. */
  private resolve(p: OpenPhrase, shape: Shape | undefined, pluralNoun: boolean, text: string): number[] {
    const attrs: Partial<ObjectSpec> = { ...p.attrs, ...(shape && { shape }) };
    const words = [...p.words, text].join(' ');
    const count = p.det?.count;
    const plural = pluralNoun || (count ?? 1) > 1;
    if (p.det && !p.det.definite) return this.create(attrs, count ?? 1);
    const matches = this.objects.flatMap((o, i) => (fits(o, attrs) ? [i] : []));
    if (matches.length === 0) {
      if (plural && count === undefined) throw invalid(`how many? say e.g. "two ${words}"`);
      return this.create(attrs, count ?? 1);
    }
    const fill = (chosen: number[]) => {
      // A reference may add what the first mention left out ("a ball … the red ball"); `fits` rules out conflicts.
      for (const i of chosen) for (const a of ATTR_ORDER) if (attrs[a] !== undefined) setAttr(this.objects[i], a, attrs[a], () => '');
      return chosen;
    };
    if (plural ? matches.length >= 2 && (count === undefined || count === matches.length) : matches.length === 1) return fill(matches);
    if (!plural) {
      // "a ball and a red ball; the red ball …" means the one that is red, not one that may be.
      const named = ATTR_ORDER.filter((a) => attrs[a] !== undefined);
      const exact = matches.filter((i) => named.every((a) => this.objects[i][a] === attrs[a]));
      if (exact.length === 1 && named.length > 0) return fill(exact);
      // "two balls, the red one bounces and the blue one falls": the next of a counted mention's objects that
      // nothing has told apart yet (told apart, the blue one then fits only the other).
      const mention = this.mentions[matches[0]];
      if (exact.length === 0 && named.length > 0 && matches.every((i) => this.mentions[i] === mention)) return fill([matches[0]]);
    }
    const which = matches.map((i) => `the ${describe(this.objects[i])}`).join(', ');
    throw invalid(`"${words}" is ambiguous: it could mean ${which}; name it by colour, size or texture`);
  }

  private failElided(): never {
    const words = this.elided[0].words.join(' ');
    throw invalid(`"${words}" names no shape: add one, e.g. "${words} ball"`);
  }

  private create(attrs: Partial<ObjectSpec>, count: number): number[] {
    const start = this.objects.length;
    const mention = this.mentions.length === 0 ? 0 : this.mentions[this.mentions.length - 1] + 1;
    for (let k = 0; k < count; k++) {
      this.objects.push({ ...attrs });
      this.mentions.push(mention);
    }
    return Array.from({ length: count }, (_, k) => start + k);
  }

  private motion(value: Motion, form: 'base' | 'finite' | 'participle', text: string, beforeDe: boolean): void {
    if (this.cameraSubject !== undefined) {
      const camera = CAMERA_BY_MOTION[value];
      if (!camera) throw invalid(`the camera cannot "${text}": it pans, tilts, zooms or stays still`);
      this.setCamera(camera, `${this.cameraSubject} ${text}`);
      return;
    }
    // Inside a phrase ("a bouncing ball", "弹跳的球"): a modifier of the noun to come.
    if (this.phrase || beforeDe) {
      this.modify('motion', value, text);
      return;
    }
    const plural = this.allNext || (form === 'base' && this.subjects.size > 1);
    const targets = plural && this.subjects.size > 0 ? [...this.subjects] : this.last;
    if (targets.length === 0) {
      this.modify('motion', value, text); // "bouncing, a red ball …": waits for its noun
      return;
    }
    for (const i of targets) setAttr(this.objects[i], 'motion', value, () => `the ${describe(this.objects[i])}`);
    this.subjects = new Set();
    this.allNext = false;
  }

  /** Applies an open phrase without a noun to the object(s) named before it ("a ball with stripes"). */
  private closeBack(): void {
    if (this.phrase) this.phrase.det = undefined;
    this.flush();
  }

  private flush(): void {
    const p = this.phrase;
    this.phrase = undefined;
    if (!p || !this.hasAttrs(p)) return; // a lone "the" or "a"
    const words = p.words.join(' ');
    if (p.det && !p.det.definite) throw invalid(`"${words}" names no shape: add one, e.g. "${words} ball"`);
    if (this.last.length === 0) {
      if (p.attrs.motion && ATTR_ORDER.every((a) => a === 'motion' || p.attrs[a] === undefined)) {
        throw invalid(`"${words}" has no object: say what moves, e.g. "a red ball ${words}"`);
      }
      throw invalid(`"${words}" describes no object: add a shape, e.g. "${words} ball"`);
    }
    for (const i of this.last) {
      for (const a of ATTR_ORDER) {
        const value = p.attrs[a];
        if (value !== undefined) setAttr(this.objects[i], a, value, () => `the ${describe(this.objects[i])}`);
      }
    }
    if (p.attrs.motion) {
      this.subjects = new Set();
      this.allNext = false;
    }
  }

  /**
   * Takes the words of the open phrase that describe a background about to be named: its colour when it
   * came last and fits ("green grass", "白色背景"), and "plain" ("a plain white background"). The rest of
   * the phrase describes the object before it.
   */
  private takeBackgroundWords(colors: readonly Color[]): Color | undefined {
    const p = this.phrase;
    let taken: Color | undefined;
    if (p) {
      if (p.colorLast && p.attrs.color && colors.includes(p.attrs.color)) {
        taken = p.attrs.color;
        delete p.attrs.color;
        p.words.pop(); // the colour was the last word
      }
      if (p.attrs.texture === 'plain' && ATTR_ORDER.every((a) => a === 'texture' || p.attrs[a] === undefined)) delete p.attrs.texture;
      if (!this.hasAttrs(p)) this.phrase = undefined;
    }
    this.flush();
    return taken;
  }

  private backdrop(text: string): void {
    const color = this.phrase?.colorLast ? this.phrase.attrs.color : undefined;
    if (color !== undefined && !SOLID_BACKGROUNDS.has(color as Background)) {
      throw invalid(`there is no ${color} background: plain backgrounds are ${[...SOLID_BACKGROUNDS].join(', ')}`);
    }
    // Without a colour the name stands elsewhere: "sky background", "背景是白色".
    const taken = this.takeBackgroundWords(color ? [color] : []);
    if (taken) this.setBackground(taken as Background, `${taken} ${text}`);
  }

  private setBackground(value: Background, text: string): void {
    if (this.background && this.background.value !== value) {
      throw invalid(`two backgrounds: "${this.background.text}" and "${text}"; a scene has one`);
    }
    this.background ??= { value, text };
  }

  private setCamera(value: CameraMove, text: string): void {
    this.cameraSubject = undefined;
    if (this.camera && this.camera.value !== value) {
      throw invalid(`two camera moves: "${this.camera.text}" and "${text}"; a shot has one`);
    }
    this.camera ??= { value, text };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/** Words that name something a scene shows: an object or its looks, a motion, a background, the camera. */
const DESCRIBING: ReadonlySet<MeaningKind> = new Set([
  'color', 'shape', 'object', 'size', 'texture', 'motion', 'move', 'direction', 'camera', 'cameraVerb', 'cameraSubject', 'background',
]);

/** Refuses a prompt of only articles, numbers, fillers and punctuation ("the", "1 2", "[1,2]"): it describes nothing. */
function checkSubject(tokens: readonly { readonly meaning: Meaning; readonly alt?: Meaning }[]): void {
  if (tokens.every((t) => t.meaning.kind === 'filler' || t.meaning.kind === 'punctuation')) {
    throw invalid('empty prompt: describe a scene, e.g. "a small red ball bounces on green grass"');
  }
  if (!tokens.some((t) => DESCRIBING.has(t.meaning.kind) || (t.alt !== undefined && DESCRIBING.has(t.alt.kind)))) throw describesNothing();
}

const describesNothing = () => invalid('the prompt describes nothing: name an object, e.g. "a small red ball bounces on green grass"');

/**
 * What the generators ask of a prompt (a negative prompt is exempt: it may be a word or two): that it names
 * something the parser can read as an object, a motion, a background or a camera move. Throws PROMPT_INVALID
 * as `parsePrompt` does for such a prompt; anything else the parser would object to (an ambiguity, two
 * backgrounds) is left to it: the model still makes a clip of it. Unknown words are left to the model's tokenizer.
 */
export function checkPromptDescribes(text: string): void {
  const { tokens, unknown } = segment(text);
  if (unknown.length === 0) checkSubject(tokens);
}

/** Parses a prompt in English, Chinese or both. Throws CinesimError PROMPT_UNKNOWN_WORDS or PROMPT_INVALID. */
export function parsePrompt(text: string): PromptSpec {
  const { tokens, unknown } = segment(text);
  if (unknown.length > 0) throw unknownWordsError(unknown);
  checkSubject(tokens);
  const items = compose(tokens.filter((t) => t.meaning.kind !== 'filler'));
  const builder = new PromptBuilder();
  items.forEach((item, i) => builder.feed(item, items[i + 1]));
  return builder.finish();
}

/** A prompt with the defaults captions leave unsaid filled in; colour, shape and background stay as stated. */
export type DefaultedPrompt = {
  background?: Background;
  camera: CameraMove;
  objects: (Partial<ObjectSpec> & Pick<ObjectSpec, 'size' | 'texture' | 'motion'>)[];
};

/** Fills exactly the values in DEFAULTS (size, texture, motion, camera). A complete prompt becomes a SceneSpec. */
export function applyDefaults(prompt: PromptSpec): DefaultedPrompt {
  return {
    ...(prompt.background && { background: prompt.background }),
    objects: prompt.objects.map((o) => ({
      ...o,
      size: o.size ?? DEFAULTS.size,
      texture: o.texture ?? DEFAULTS.texture,
      motion: o.motion ?? DEFAULTS.motion,
    })),
    camera: prompt.camera ?? DEFAULTS.camera,
  };
}

export interface VocabularySection {
  readonly category: string;
  /** One row per value ("red": its words), or a single row with an empty value for word classes. */
  readonly entries: readonly { readonly value: string; readonly words: readonly string[] }[];
}

/** Section titles per meaning kind, in the order --help lists them. */
const SECTIONS: readonly { kind: MeaningKind; title: string }[] = [
  { kind: 'color', title: 'colours' },
  { kind: 'shape', title: 'shapes' },
  { kind: 'object', title: 'objects without a shape' },
  { kind: 'size', title: 'sizes' },
  { kind: 'texture', title: 'textures' },
  { kind: 'motion', title: 'motions' },
  { kind: 'move', title: 'travel verbs (with a direction: "moves left")' },
  { kind: 'direction', title: 'directions' },
  { kind: 'camera', title: 'camera moves' },
  { kind: 'cameraSubject', title: 'camera (with a motion: "the camera moves left")' },
  { kind: 'cameraVerb', title: 'camera verbs (with a direction: "pans left")' },
  { kind: 'background', title: 'backgrounds (white, black, gray: a colour + background)' },
  { kind: 'backdrop', title: 'background words' },
  { kind: 'pattern', title: 'pattern words' },
  { kind: 'determiner', title: 'articles and counts' },
  { kind: 'one', title: '"one"' },
  { kind: 'and', title: 'joining words' },
  { kind: 'all', title: 'all-of-them words' },
  { kind: 'de', title: 'modifier particle' },
  { kind: 'filler', title: 'ignored words' },
];

/** Accepted words per category, as data. */
export function vocabularySections(lang: Language): VocabularySection[] {
  const entries = lexiconEntries().filter((e) => e.lang === lang);
  return SECTIONS.flatMap(({ kind, title }) => {
    const rows = new Map<string, string[]>();
    for (const e of entries) {
      if (e.meaning.kind !== kind) continue;
      const value = 'value' in e.meaning ? String(e.meaning.value) : '';
      const list = rows.get(value) ?? [];
      if (!list.includes(e.text)) list.push(e.text);
      rows.set(value, list);
    }
    return rows.size ? [{ category: title, entries: [...rows].map(([value, words]) => ({ value, words })) }] : [];
  });
}

/** Accepted words per category as text, one line each: for `cinesim world vocab`, --help and issue notes. */
export function describeVocabulary(lang: Language): string {
  const sep = lang === 'zh' ? '、' : ', ';
  return vocabularySections(lang)
    .map((s) => `${s.category}: ${s.entries.map((e) => (e.value ? `${e.value} (${e.words.join(sep)})` : e.words.join(sep))).join('; ')}`)
    .join('\n');
}
