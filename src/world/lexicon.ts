/**
 * The lexicon of Shapes World: every surface form a prompt or caption may use, in English and Chinese, mapped
 * to what it means. `vocabulary.ts` names the things of the world; this file says how people write them.
 *
 * Entries are phrases. Text is cut into units (an English word, one Chinese character, one punctuation mark)
 * and matched longest-first against the entries, so "moves to the left" or "镜头推近" win over their parts and
 * Chinese needs no separate word segmenter. `segment()` returns the matched tokens with their meanings (the
 * parser's input); `words()` returns the strings the model tokenizer reads (English: one per word; Chinese:
 * one per lexicon entry).
 *
 * Meanings are small on purpose: a travel verb ("moves", "移动") and a direction ("left", "向左") are separate
 * entries that the parser composes, in either order, so "moves slowly to the left" and "向左移动" need no
 * phrase of their own. Each table lists `say` forms (natural enough for captions) and `also` forms (understood
 * in prompts, never generated).
 */
import { CinesimError, ERRORS } from '../errors.ts';
import type { Background, CameraMove, Color, Language, Motion, Shape, Size, Texture } from './vocabulary.ts';

export const DIRECTIONS = ['left', 'right', 'up', 'down'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** English verb forms matter to the parser: a plural verb ("bounce") applies to every object just named. */
export type VerbForm = 'base' | 'finite' | 'participle';

export type Meaning =
  | { kind: 'color'; value: Color }
  | { kind: 'shape'; value: Shape; plural: boolean }
  /** A noun that names an object without a shape ("object", "thing", "物体"). */
  | { kind: 'object'; plural: boolean }
  | { kind: 'size'; value: Size }
  /** `noun`: "stripes", "dots": said after the object ("a ball with stripes"), so it closes onto it. */
  | { kind: 'texture'; value: Texture; noun?: boolean }
  | { kind: 'motion'; value: Motion; form: VerbForm }
  /** A verb of travel ("moves", "slides", "移动"): a motion once it meets a direction. */
  | { kind: 'move'; form: VerbForm }
  | { kind: 'direction'; value: Direction }
  | { kind: 'camera'; value: CameraMove }
  /** "pans", "tilts", "摇": a camera move once it meets a direction. */
  | { kind: 'cameraVerb' }
  /** "camera", "镜头": turns the next motion ("moves left", "静止") into a camera move. */
  | { kind: 'cameraSubject' }
  | { kind: 'background'; value: Background }
  /** "background", "背景": takes its colour from the adjective before it ("a white background"). */
  | { kind: 'backdrop' }
  /** "pattern": closes "with a checkered pattern" onto the object before it. */
  | { kind: 'pattern' }
  /** Articles and counts: indefinite ones always introduce new objects; definite ones may refer back. */
  | { kind: 'determiner'; definite: boolean; count?: number }
  /** "one": a count before a noun ("one ball"), a noun after adjectives ("the red one"). */
  | { kind: 'one' }
  /** "both", "they", "都": the next motion applies to every object named since the last motion. */
  | { kind: 'all' }
  /** 的: after a motion it makes the motion a modifier of the noun that follows ("弹跳的球"). */
  | { kind: 'de' }
  /** "and", "和", a comma: joins noun phrases into one subject ("a red ball and a blue ball bounce"). */
  | { kind: 'and' }
  | { kind: 'filler' }
  | { kind: 'punctuation' };

export type MeaningKind = Meaning['kind'];

/** A phrase of the lexicon. `units` are its English words, or its Chinese characters. */
export interface LexEntry {
  readonly text: string;
  readonly lang: Language;
  readonly units: readonly string[];
  readonly meaning: Meaning;
  /** A second reading the parser may prefer by context ("circles": round shapes, or orbits). */
  readonly alt?: Meaning;
  /** Listed as a `say` form (or a function word): ranks first among spelling suggestions. */
  readonly common: boolean;
}

export interface LexToken {
  /** The matched text, as normalised (lowercase, NFKC). */
  readonly text: string;
  /** Offsets into the normalised text. */
  readonly start: number;
  readonly end: number;
  readonly lang: Language;
  /** What the model tokenizer reads: the entry's English words, or the one Chinese entry. */
  readonly words: readonly string[];
  readonly meaning: Meaning;
  readonly alt?: Meaning;
}

export interface UnknownWord {
  readonly word: string;
  readonly start: number;
  readonly end: number;
  readonly suggestions: readonly string[];
}

export interface Segmentation {
  readonly tokens: LexToken[];
  readonly unknown: UnknownWord[];
}

// ---------------------------------------------------------------------------------------------------------
// Tables. `say` forms appear in captions; `also` forms are understood in prompts.

export interface Forms<F = string> {
  readonly say: readonly F[];
  readonly also?: readonly F[];
}

/** English verb: [base ("bounce"), third person ("bounces"), participle ("bouncing")]. */
export type VerbForms = readonly [string, string, string];
/** English noun: [singular, plural]. */
export type NounForms = readonly [string, string];

export const EN = {
  colors: {
    red: { say: ['red'], also: ['crimson', 'scarlet'] },
    orange: { say: ['orange'] },
    yellow: { say: ['yellow'] },
    green: { say: ['green'] },
    blue: { say: ['blue'] },
    purple: { say: ['purple'], also: ['violet'] },
    pink: { say: ['pink'] },
    white: { say: ['white'] },
    black: { say: ['black'] },
    gray: { say: ['gray', 'grey'] },
    brown: { say: ['brown'] },
    cyan: { say: ['cyan'], also: ['aqua', 'turquoise'] },
  } satisfies Record<Color, Forms>,
  shapes: {
    ball: { say: [['ball', 'balls'], ['circle', 'circles']], also: [['sphere', 'spheres'], ['disc', 'discs'], ['disk', 'disks'], ['orb', 'orbs']] },
    square: { say: [['square', 'squares']], also: [['box', 'boxes'], ['cube', 'cubes'], ['block', 'blocks']] },
    triangle: { say: [['triangle', 'triangles']] },
    star: { say: [['star', 'stars']] },
    ring: { say: [['ring', 'rings']], also: [['donut', 'donuts'], ['doughnut', 'doughnuts'], ['hoop', 'hoops']] },
    diamond: { say: [['diamond', 'diamonds']], also: [['rhombus', 'rhombuses'], ['lozenge', 'lozenges']] },
    hexagon: { say: [['hexagon', 'hexagons']] },
    heart: { say: [['heart', 'hearts']] },
  } satisfies Record<Shape, Forms<NounForms>>,
  objects: { say: [['object', 'objects'], ['shape', 'shapes']], also: [['thing', 'things']] } satisfies Forms<NounForms>,
  sizes: {
    small: { say: ['small', 'little'], also: ['tiny'] },
    medium: { say: ['medium', 'medium sized', 'mid sized'], also: ['midsized', 'midsize', 'medium size'] },
    large: { say: ['large', 'big'], also: ['huge', 'giant'] },
  } satisfies Record<Size, Forms>,
  textures: {
    plain: { say: ['plain'], also: ['solid', 'unpatterned', 'solid colored', 'solid coloured'] },
    striped: { say: ['striped'], also: ['stripy', 'stripey'] },
    dotted: { say: ['dotted', 'spotted', 'polka dot'], also: ['spotty', 'dotty', 'polka dotted'] },
    checkered: { say: ['checkered', 'checked'], also: ['chequered', 'checkerboard', 'chequerboard'] },
  } satisfies Record<Texture, Forms>,
  /** Textures named as things the object has: "with stripes". */
  textureNouns: {
    plain: { say: [] },
    striped: { say: ['stripes'], also: ['stripe'] },
    dotted: { say: ['dots', 'polka dots', 'spots'], also: ['dot'] },
    checkered: { say: ['checks'], also: ['checkers'] },
  } satisfies Record<Texture, Forms>,
  /** Motions that are a verb of their own. The four moves are composed from `travel` and `directions`. */
  motions: {
    static: {
      say: [['stay still', 'stays still', 'staying still'], ['do not move', 'does not move', 'not moving']],
      also: [
        ['sit still', 'sits still', 'sitting still'], ['stand still', 'stands still', 'standing still'],
        ['remain still', 'remains still', 'remaining still'], ['stay put', 'stays put', 'staying put'],
        ['stay in place', 'stays in place', 'staying in place'], ['dont move', 'doesnt move', 'isnt moving'],
        ['arent moving', 'never moves', 'not moving at all'], ['hover', 'hovers', 'hovering'],
      ],
    },
    'move-left': { say: [] },
    'move-right': { say: [] },
    'move-up': { say: [], also: [['rise', 'rises', 'rising'], ['ascend', 'ascends', 'ascending'], ['climb', 'climbs', 'climbing']] },
    'move-down': { say: [], also: [['descend', 'descends', 'descending'], ['sink', 'sinks', 'sinking']] },
    bounce: {
      say: [['bounce', 'bounces', 'bouncing'], ['bounce up and down', 'bounces up and down', 'bouncing up and down']],
      also: [['move up and down', 'moves up and down', 'moving up and down'], ['go up and down', 'goes up and down', 'going up and down']],
    },
    fall: { say: [['fall', 'falls', 'falling'], ['drop', 'drops', 'dropping']], also: [['tumble', 'tumbles', 'tumbling']] },
    jump: { say: [['jump', 'jumps', 'jumping'], ['hop', 'hops', 'hopping']], also: [['leap', 'leaps', 'leaping']] },
    rotate: {
      say: [['spin', 'spins', 'spinning'], ['rotate', 'rotates', 'rotating']],
      also: [['turn', 'turns', 'turning'], ['twirl', 'twirls', 'twirling']],
    },
    grow: {
      say: [['grow', 'grows', 'growing'], ['get bigger', 'gets bigger', 'getting bigger']],
      also: [
        ['expand', 'expands', 'expanding'], ['grow bigger', 'grows bigger', 'growing bigger'],
        ['grow larger', 'grows larger', 'growing larger'], ['get larger', 'gets larger', 'getting larger'],
        ['enlarge', 'enlarges', 'enlarging'], ['swell', 'swells', 'swelling'],
      ],
    },
    shrink: {
      say: [['shrink', 'shrinks', 'shrinking'], ['get smaller', 'gets smaller', 'getting smaller']],
      also: [['contract', 'contracts', 'contracting'], ['grow smaller', 'grows smaller', 'growing smaller']],
    },
    orbit: {
      say: [['orbit', 'orbits', 'orbiting'], ['move in a circle', 'moves in a circle', 'moving in a circle']],
      also: [
        ['go around', 'goes around', 'going around'], ['go round', 'goes round', 'going round'],
        ['revolve', 'revolves', 'revolving'], ['circle around', 'circles around', 'circling'],
      ],
    },
    zigzag: {
      say: [['zigzag', 'zigzags', 'zigzagging'], ['move in a zigzag', 'moves in a zigzag', 'moving in a zigzag']],
      also: [['zig zag', 'zig zags', 'zig zagging']],
    },
  } satisfies Record<Motion, Forms<VerbForms>>,
  /** Motion words that are no verb: adjectives ("a stationary ball") and adverbial phrases ("in circles"). */
  motionWords: {
    static: { say: ['still', 'stationary', 'motionless'], also: ['static', 'unmoving', 'fixed'] },
    orbit: { say: [], also: ['in a circle', 'in circles', 'in an orbit'] },
    zigzag: { say: [], also: ['in a zigzag', 'in zigzags', 'in a zig zag'] },
  } satisfies Partial<Record<Motion, Forms>>,
  travel: {
    say: [['move', 'moves', 'moving'], ['slide', 'slides', 'sliding']],
    also: [
      ['go', 'goes', 'going'], ['glide', 'glides', 'gliding'], ['drift', 'drifts', 'drifting'],
      ['travel', 'travels', 'traveling'], ['travel', 'travels', 'travelling'], ['roll', 'rolls', 'rolling'],
      ['float', 'floats', 'floating'], ['fly', 'flies', 'flying'], ['head', 'heads', 'heading'],
      ['shift', 'shifts', 'shifting'],
    ],
  } satisfies Forms<VerbForms>,
  directions: {
    left: { say: ['left', 'to the left'], also: ['leftward', 'leftwards', 'towards the left', 'toward the left'] },
    right: { say: ['right', 'to the right'], also: ['rightward', 'rightwards', 'towards the right', 'toward the right'] },
    up: { say: ['up', 'upward'], also: ['upwards'] },
    down: { say: ['down', 'downward'], also: ['downwards'] },
  } satisfies Record<Direction, Forms>,
  cameraSubject: { say: ['camera'] } satisfies Forms,
  cameraVerbs: { say: [['pan', 'pans', 'panning'], ['tilt', 'tilts', 'tilting']] } satisfies Forms<VerbForms>,
  /** Camera moves said without a direction word; the rest are `cameraVerbs` or camera + motion. */
  cameraMoves: {
    static: { say: [], also: [] },
    'pan-left': { say: [] },
    'pan-right': { say: [] },
    'tilt-up': { say: [] },
    'tilt-down': { say: [] },
    'zoom-in': {
      say: [['zoom in', 'zooms in', 'zooming in']],
      also: [['push in', 'pushes in', 'pushing in'], ['dolly in', 'dollies in', 'dollying in']],
    },
    'zoom-out': {
      say: [['zoom out', 'zooms out', 'zooming out']],
      also: [['pull back', 'pulls back', 'pulling back'], ['pull out', 'pulls out', 'pulling out'], ['dolly out', 'dollies out', 'dollying out']],
    },
  } satisfies Record<CameraMove, Forms<VerbForms>>,
  cameraPhrases: {
    static: {
      say: ['static camera', 'fixed camera', 'still camera'],
      also: ['stationary camera', 'locked camera', 'locked off camera', 'steady camera', 'no camera movement', 'no camera motion'],
    },
  } satisfies Partial<Record<CameraMove, Forms>>,
  /** Colour-named backgrounds (white, black, gray) are a colour + `backdrops`; "green grass" is a colour + grass. */
  backgrounds: {
    white: { say: [] },
    black: { say: [], also: ['dark background'] },
    gray: { say: [] },
    sky: { say: ['sky'], also: ['air', 'midair', 'clouds'] },
    night: {
      say: ['night', 'night sky'],
      also: ['nighttime', 'night time', 'starry sky', 'starry night', 'starry night sky'],
    },
    grass: { say: ['grass', 'lawn', 'meadow', 'field'], also: ['grassy', 'grassland', 'fields', 'grass field'] },
    desert: { say: ['desert', 'sand'], also: ['sands', 'sandy', 'dunes', 'dune', 'sand dunes'] },
    sunset: { say: ['sunset', 'dusk'], also: ['twilight', 'sundown', 'sunset sky', 'evening sky', 'dusk sky'] },
    ocean: { say: ['ocean', 'sea', 'water'], also: ['waves', 'seaside', 'ocean waves', 'open sea'] },
  } satisfies Record<Background, Forms>,
  backdrops: { say: ['background'], also: ['backdrop'] } satisfies Forms,
  patterns: { say: ['pattern'], also: ['patterned', 'print'] } satisfies Forms,
  determiners: [
    { words: ['a', 'an', 'another'], definite: false, count: 1 },
    { words: ['two', '2'], definite: false, count: 2 },
    { words: ['three', '3'], definite: false, count: 3 },
    // More than a scene holds, known so the parser can say so rather than call them unknown.
    { words: ['four', '4'], definite: false, count: 4 },
    { words: ['five', '5'], definite: false, count: 5 },
    { words: ['the', 'this'], definite: true },
    { words: ['these', 'those'], definite: true },
  ],
  one: ['one', '1'],
  and: ['and'],
  all: ['both', 'all', 'they', 'each'],
  fillers: [
    'with', 'while', 'whilst', 'as', 'when', 'where', 'on', 'in', 'at', 'over', 'by', 'under', 'of', 'near',
    'above', 'below', 'beneath', 'across', 'against', 'through', 'into', 'onto', 'from', 'to', 'toward', 'towards',
    'around', 'about', 'is', 'are', 'be', 'being', 'was', 'were', 'has', 'have', 'having', 'that', 'which', 'who',
    'there', 'here', 'it', 'its', 'itself', 'them', 'then', 'also', 'too', 'just', 'very', 'really', 'same', 'time',
    'meanwhile', 'slowly', 'quickly', 'fast', 'gently', 'steadily', 'smoothly', 'softly', 'rapidly', 'gradually',
    'continuously', 'repeatedly', 'constantly', 'slow', 'quick', 'steady', 'smooth', 'gentle', 'together', 'clear',
    'open', 'bright', 'keeps', 'keep', 'continues', 'continue', 'starts', 'start', 'begins', 'begin', 'colored',
    'coloured', 'color', 'colour', 'video', 'clip', 'shot', 'scene', 'footage', 'animation', 'movie', 'film',
    'picture', 'frame', 'view', 'shows', 'show', 'showing', 'depicting', 'featuring', 'generate', 'create',
    'render', 'make', 'size', 'sized',
  ],
} as const;

/** Chinese has no inflection: a verb is one string. Counts combine a numeral with a measure word. */
export const ZH = {
  colors: {
    red: { say: ['红色'], also: ['红'] },
    orange: { say: ['橙色'], also: ['橘色', '橙', '橘黄色'] },
    yellow: { say: ['黄色'], also: ['黄'] },
    green: { say: ['绿色'], also: ['绿'] },
    blue: { say: ['蓝色'], also: ['蓝'] },
    purple: { say: ['紫色'], also: ['紫', '紫罗兰色'] },
    pink: { say: ['粉色', '粉红色'], also: ['粉红', '粉'] },
    white: { say: ['白色'], also: ['白'] },
    black: { say: ['黑色'], also: ['黑'] },
    gray: { say: ['灰色'], also: ['灰'] },
    brown: { say: ['棕色'], also: ['褐色', '咖啡色', '棕'] },
    cyan: { say: ['青色'], also: ['青', '蓝绿色'] },
  } satisfies Record<Color, Forms>,
  shapes: {
    ball: { say: ['球', '圆球'], also: ['球体', '圆形', '圆'] },
    square: { say: ['方块', '正方形'], also: ['方形', '盒子', '立方体', '方盒'] },
    triangle: { say: ['三角形'], also: ['三角'] },
    star: { say: ['星星', '星形'], also: ['五角星', '星'] },
    ring: { say: ['圆环', '环'], also: ['环形', '圆圈', '甜甜圈'] },
    diamond: { say: ['菱形'], also: ['钻石', '钻石形'] },
    hexagon: { say: ['六边形'], also: ['六角形'] },
    heart: { say: ['爱心', '心形'], also: ['心'] },
  } satisfies Record<Shape, Forms>,
  objects: { say: ['物体'], also: ['东西', '图形'] } satisfies Forms,
  sizes: {
    small: { say: ['小'], also: ['小号', '小型', '微小', '小小'] },
    medium: { say: ['中等大小', '中等'], also: ['中号', '中型', '大小中等', '不大不小'] },
    large: { say: ['大'], also: ['大号', '大型', '巨大', '大大'] },
  } satisfies Record<Size, Forms>,
  textures: {
    plain: { say: ['纯色'], also: ['单色', '素色'] },
    striped: { say: ['条纹'], also: ['斑马纹', '横条纹', '竖条纹'] },
    dotted: { say: ['圆点', '波点'], also: ['斑点', '点点', '点状'] },
    checkered: { say: ['格子', '棋盘格'], also: ['方格', '格纹', '棋盘'] },
  } satisfies Record<Texture, Forms>,
  motions: {
    static: { say: ['静止不动', '静止', '一动不动'], also: ['不动', '纹丝不动', '停着', '停住', '固定'] },
    'move-left': { say: [], also: ['左移'] },
    'move-right': { say: [], also: ['右移'] },
    'move-up': { say: ['上升'], also: ['上移', '升起', '升高'] },
    'move-down': { say: ['下降'], also: ['下移'] },
    bounce: { say: ['弹跳', '上下弹跳'], also: ['蹦跳', '跳动', '弹起', '弹来弹去', '上下跳动'] },
    fall: { say: ['落下', '下落', '掉落'], also: ['坠落', '掉下', '掉下来', '落下来', '掉', '落'] },
    jump: { say: ['跳起', '跳跃'], also: ['跳', '跳起来', '蹦'] },
    rotate: { say: ['旋转', '转动'], also: ['打转', '自转', '转'] },
    grow: { say: ['变大', '越来越大'], also: ['放大', '长大', '膨胀', '扩大', '越变越大'] },
    shrink: { say: ['变小', '缩小', '越来越小'], also: ['收缩', '越变越小'] },
    orbit: { say: ['绕圈', '转圈'], also: ['环绕', '绕圈圈', '兜圈', '兜圈子', '圆周运动', '画圈'] },
    zigzag: { say: ['之字形'], also: ['锯齿形', '之字'] },
  } satisfies Record<Motion, Forms>,
  travel: { say: ['移动', '滑动'], also: ['移', '走', '滑', '运动', '平移', '飘', '飘动', '飞', '行进'] } satisfies Forms,
  directions: {
    left: { say: ['向左', '往左'], also: ['朝左', '向左边', '往左边', '朝左边', '向左侧'] },
    right: { say: ['向右', '往右'], also: ['朝右', '向右边', '往右边', '朝右边', '向右侧'] },
    up: { say: ['向上', '往上'], also: ['朝上'] },
    down: { say: ['向下', '往下'], also: ['朝下'] },
  } satisfies Record<Direction, Forms>,
  cameraSubject: { say: ['镜头'], also: ['摄像机', '相机', '摄像头'] } satisfies Forms,
  cameraVerbs: { say: ['摇'], also: ['倾斜', '摇动'] } satisfies Forms,
  cameraMoves: {
    static: { say: ['镜头固定', '固定镜头'], also: ['固定机位'] },
    'pan-left': { say: [] },
    'pan-right': { say: [] },
    'tilt-up': { say: [] },
    'tilt-down': { say: [] },
    'zoom-in': { say: ['推近', '拉近'], also: ['推进', '镜头放大'] },
    'zoom-out': { say: ['拉远'], also: ['拉开', '镜头缩小', '推远'] },
  } satisfies Record<CameraMove, Forms>,
  backgrounds: {
    white: { say: [] },
    black: { say: [] },
    gray: { say: [] },
    sky: { say: ['天空', '蓝天', '空中'], also: ['天上', '白天', '蓝天白云', '晴空'] },
    night: { say: ['夜空', '夜晚', '晚上'], also: ['夜里', '黑夜', '夜间', '星空', '夜'] },
    grass: { say: ['草地', '草坪'], also: ['草原', '草', '青草', '青草地'] },
    desert: { say: ['沙漠'], also: ['沙地', '沙丘', '沙子', '沙'] },
    sunset: { say: ['日落', '夕阳', '黄昏'], also: ['傍晚', '晚霞', '日落时分'] },
    ocean: { say: ['海面', '大海'], also: ['海洋', '海', '水面'] },
  } satisfies Record<Background, Forms>,
  backdrops: { say: ['背景'], also: ['底色'] } satisfies Forms,
  numerals: [
    { words: ['一'], count: 1 }, { words: ['两', '二'], count: 2 }, { words: ['三'], count: 3 }, { words: ['四'], count: 4 },
    { words: ['五'], count: 5 },
  ],
  measureWords: ['个', '只', '颗', '枚', '块'],
  determiners: [
    { words: ['另一个', '另外一个', '又一个'], definite: false, count: 1 },
    { words: ['这个', '那个'], definite: true },
    { words: ['这两个', '那两个'], definite: true, count: 2 },
    { words: ['这三个', '那三个'], definite: true, count: 3 },
  ],
  and: ['和', '与', '跟', '及', '以及'],
  all: ['都', '一起', '它们', '全都'],
  de: ['的'],
  fillers: [
    '在', '上', '中', '里', '下', '前', '内', '之中', '之上', '还有', '并', '并且', '而',
    '同时', '然后', '接着', '正在', '正', '着', '地', '得', '很', '非常', '十分', '慢慢', '缓缓', '缓慢', '快速', '迅速',
    '轻轻', '不断', '持续', '一直', '不停', '是', '有', '带', '带有', '具有', '它', '视频', '画面', '场景', '图案', '花纹',
    '颜色', '形状', '做', '保持', '状', '时分', '时', '时候', '个', '开始', '继续', '沿', '沿着', '路线', '轨迹', '方向',
    '逐渐', '渐渐', '里面', '上面', '生成', '请',
  ],
} as const;

// ---------------------------------------------------------------------------------------------------------
// Building the entry list from the tables.

const forms = <F>(f: Forms<F>): { form: F; common: boolean }[] => [
  ...f.say.map((form) => ({ form, common: true })),
  ...(f.also ?? []).map((form) => ({ form, common: false })),
];

const VERB_FORMS: readonly VerbForm[] = ['base', 'finite', 'participle'];

function tableEntries<K extends string, F>(
  table: Readonly<Record<K, Forms<F>>>,
  emit: (key: K, form: F, common: boolean) => void,
): void {
  for (const key of Object.keys(table) as K[]) for (const { form, common } of forms(table[key])) emit(key, form, common);
}

function buildEntries(): LexEntry[] {
  const out: LexEntry[] = [];
  const add = (lang: Language, text: string, meaning: Meaning, common: boolean, alt?: Meaning) =>
    out.push({ text, lang, units: lang === 'en' ? text.split(' ') : [...text], meaning, common, ...(alt && { alt }) });
  const en = (text: string, meaning: Meaning, common: boolean, alt?: Meaning) => add('en', text, meaning, common, alt);
  const zh = (text: string, meaning: Meaning, common: boolean) => add('zh', text, meaning, common);
  const enVerb = (verb: VerbForms, meaning: (form: VerbForm) => Meaning, common: boolean) =>
    verb.forEach((text, i) => en(text, meaning(VERB_FORMS[i]), common));

  // English
  tableEntries(EN.colors, (value, f, c) => en(f, { kind: 'color', value }, c));
  tableEntries(EN.shapes, (value, [one, many], c) => {
    en(one, { kind: 'shape', value, plural: false }, c);
    // "circles" is also a verb: "the ball circles" (the parser picks by position).
    const alt: Meaning | undefined = many === 'circles' ? { kind: 'motion', value: 'orbit', form: 'finite' } : undefined;
    en(many, { kind: 'shape', value, plural: true }, c, alt);
  });
  for (const { form: [one, many], common } of forms(EN.objects)) {
    en(one, { kind: 'object', plural: false }, common);
    en(many, { kind: 'object', plural: true }, common);
  }
  tableEntries(EN.sizes, (value, f, c) => en(f, { kind: 'size', value }, c));
  tableEntries(EN.textures, (value, f, c) => en(f, { kind: 'texture', value }, c));
  tableEntries(EN.textureNouns, (value, f, c) => en(f, { kind: 'texture', value, noun: true }, c));
  tableEntries(EN.motions, (value, verb, c) => enVerb(verb, (form) => ({ kind: 'motion', value, form }), c));
  tableEntries(EN.motionWords, (value, f, c) => en(f, { kind: 'motion', value, form: 'participle' }, c));
  for (const { form, common } of forms(EN.travel)) enVerb(form, (f) => ({ kind: 'move', form: f }), common);
  tableEntries(EN.directions, (value, f, c) => en(f, { kind: 'direction', value }, c));
  for (const { form, common } of forms(EN.cameraSubject)) en(form, { kind: 'cameraSubject' }, common);
  for (const { form, common } of forms(EN.cameraVerbs)) enVerb(form, () => ({ kind: 'cameraVerb' }), common);
  tableEntries(EN.cameraMoves, (value, verb, c) => enVerb(verb, () => ({ kind: 'camera', value }), c));
  tableEntries(EN.cameraPhrases, (value, f, c) => en(f, { kind: 'camera', value }, c));
  tableEntries(EN.backgrounds, (value, f, c) => en(f, { kind: 'background', value }, c));
  for (const { form, common } of forms(EN.backdrops)) en(form, { kind: 'backdrop' }, common);
  for (const { form, common } of forms(EN.patterns)) en(form, { kind: 'pattern' }, common);
  for (const d of EN.determiners) {
    const meaning: Meaning = { kind: 'determiner', definite: d.definite, ...('count' in d && { count: d.count }) };
    for (const w of d.words) en(w, meaning, true);
  }
  for (const w of EN.one) en(w, { kind: 'one' }, true);
  for (const w of EN.and) en(w, { kind: 'and' }, true);
  for (const w of EN.all) en(w, { kind: 'all' }, true);
  for (const w of EN.fillers) en(w, { kind: 'filler' }, true);

  // Chinese
  tableEntries(ZH.colors, (value, f, c) => zh(f, { kind: 'color', value }, c));
  tableEntries(ZH.shapes, (value, f, c) => zh(f, { kind: 'shape', value, plural: false }, c));
  for (const { form, common } of forms(ZH.objects)) zh(form, { kind: 'object', plural: false }, common);
  tableEntries(ZH.sizes, (value, f, c) => zh(f, { kind: 'size', value }, c));
  tableEntries(ZH.textures, (value, f, c) => zh(f, { kind: 'texture', value }, c));
  tableEntries(ZH.motions, (value, f, c) => zh(f, { kind: 'motion', value, form: 'finite' }, c));
  for (const { form, common } of forms(ZH.travel)) zh(form, { kind: 'move', form: 'finite' }, common);
  tableEntries(ZH.directions, (value, f, c) => zh(f, { kind: 'direction', value }, c));
  for (const { form, common } of forms(ZH.cameraSubject)) zh(form, { kind: 'cameraSubject' }, common);
  for (const { form, common } of forms(ZH.cameraVerbs)) zh(form, { kind: 'cameraVerb' }, common);
  tableEntries(ZH.cameraMoves, (value, f, c) => zh(f, { kind: 'camera', value }, c));
  tableEntries(ZH.backgrounds, (value, f, c) => zh(f, { kind: 'background', value }, c));
  for (const { form, common } of forms(ZH.backdrops)) zh(form, { kind: 'backdrop' }, common);
  for (const n of ZH.numerals) {
    for (const numeral of n.words) {
      for (const m of ZH.measureWords) zh(numeral + m, { kind: 'determiner', definite: false, count: n.count }, true);
    }
  }
  for (const d of ZH.determiners) {
    const meaning: Meaning = { kind: 'determiner', definite: d.definite, ...('count' in d && { count: d.count }) };
    for (const w of d.words) zh(w, meaning, true);
  }
  for (const w of ZH.and) zh(w, { kind: 'and' }, true);
  for (const w of ZH.all) zh(w, { kind: 'all' }, true);
  for (const w of ZH.de) zh(w, { kind: 'de' }, true);
  for (const w of ZH.fillers) zh(w, { kind: 'filler' }, true);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The lexicon: a trie over units for longest-first matching.

interface TrieNode {
  readonly next: Map<string, TrieNode>;
  entry?: LexEntry;
}

const sameMeaning = (a: Meaning, b: Meaning) => JSON.stringify(a) === JSON.stringify(b);

class Lexicon {
  readonly entries: readonly LexEntry[];
  private readonly root: TrieNode = { next: new Map() };
  /** Every English word used by an entry: hyphenated input joins into one of these ("zig-zag" → "zigzag"). */
  readonly englishWords: ReadonlySet<string>;

  constructor(entries: LexEntry[]) {
    const kept: LexEntry[] = [];
    for (const entry of entries) {
      let node = this.root;
      for (const unit of entry.units) {
        let child = node.next.get(unit);
        if (!child) node.next.set(unit, (child = { next: new Map() }));
        node = child;
      }
      if (node.entry) {
        // A phrase listed twice must mean the same thing twice: catches table mistakes at load.
        if (!sameMeaning(node.entry.meaning, entry.meaning)) {
          throw new Error(`lexicon: "${entry.text}" has two meanings (${node.entry.meaning.kind}, ${entry.meaning.kind})`);
        }
        continue;
      }
      node.entry = entry;
      kept.push(entry);
    }
    this.entries = kept;
    this.englishWords = new Set(kept.filter((e) => e.lang === 'en').flatMap((e) => e.units));
  }

  /** Every entry that starts at units[i], longest first, with the number of units it spans. */
  matchesAt(units: readonly Unit[], i: number): { entry: LexEntry; length: number }[] {
    const found: { entry: LexEntry; length: number }[] = [];
    let node: TrieNode | undefined = this.root;
    for (let j = i; j < units.length && node; j++) {
      node = units[j].kind === 'punct' ? undefined : node.next.get(units[j].text);
      if (node?.entry) found.push({ entry: node.entry, length: j - i + 1 });
    }
    return found.reverse();
  }

  /**
   * The segmentation of units into entries with the fewest unknown units, then the fewest entries; ties go
   * to the longer match first. Greedy longest-match would read "大环绕圈" as 大/环绕/圈 and leave 圈 unknown;
   * this finds 大/环/绕圈. `choice[i]` is the entry length to take at i (0: unit i is unknown or punctuation).
   */
  segmentUnits(units: readonly Unit[]): number[] {
    const n = units.length;
    const UNKNOWN = 1000;
    const cost = new Array<number>(n + 1).fill(0);
    const choice = new Array<number>(n).fill(0);
    for (let i = n - 1; i >= 0; i--) {
      cost[i] = (units[i].kind === 'punct' ? 0 : UNKNOWN) + cost[i + 1];
      if (units[i].kind === 'punct') continue;
      for (const { length } of this.matchesAt(units, i)) {
        const c = 1 + cost[i + length];
        if (c < cost[i]) {
          cost[i] = c;
          choice[i] = length;
        }
      }
    }
    return choice;
  }
}

const LEXICON = new Lexicon(buildEntries());

/** The lexicon's entries after removing exact duplicates (same text, same meaning). */
export function lexiconEntries(): readonly LexEntry[] {
  return LEXICON.entries;
}

// ---------------------------------------------------------------------------------------------------------
// Text → units → tokens.

interface Unit {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly kind: 'word' | 'han' | 'punct';
}

/** One Han character, a run of other letters/digits (with inner hyphens and apostrophes), or one other mark. */
const UNIT_PATTERN = /(\p{Script=Han})|((?:(?!\p{Script=Han})[\p{L}\p{N}])+(?:[-'’](?:(?!\p{Script=Han})[\p{L}\p{N}])+)*)|(\S)/gu;

export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function splitUnits(norm: string, englishWords: ReadonlySet<string>): Unit[] {
  const units: Unit[] = [];
  for (const m of norm.matchAll(UNIT_PATTERN)) {
    const start = m.index;
    if (m[1]) units.push({ text: m[1], start, end: start + m[1].length, kind: 'han' });
    else if (m[3]) units.push({ text: m[3], start, end: start + m[3].length, kind: 'punct' });
    else {
      // Apostrophes vanish ("doesn't" → "doesnt"); hyphenated words join when the lexicon knows the joined
      // word ("zig-zag" → "zigzag") and split otherwise ("polka-dot" → "polka dot").
      const word = m[2].replace(/['’]/g, '');
      const joined = word.replace(/-/g, '');
      if (!word.includes('-') || englishWords.has(joined)) {
        units.push({ text: joined, start, end: start + m[2].length, kind: 'word' });
      } else {
        let offset = start;
        for (const part of m[2].split('-')) {
          units.push({ text: part.replace(/['’]/g, ''), start: offset, end: offset + part.length, kind: 'word' });
          offset += part.length + 1;
        }
      }
    }
  }
  return units;
}

/** Commas list noun phrases like "and"; other marks only end what came before. */
const LIST_MARKS: ReadonlySet<string> = new Set([',', '、', '，']);

/** A piece of segmented text: a lexicon token or an unknown word, in text order. */
type Piece = { token: LexToken } | { unknown: UnknownWord };

function pieces(text: string): Piece[] {
  const norm = normalizeText(text);
  const units = splitUnits(norm, LEXICON.englishWords);
  const out: Piece[] = [];
  const choice = LEXICON.segmentUnits(units);
  let han: Unit[] = [];
  const flushHan = () => {
    if (han.length === 0) return;
    // Unmatched Chinese characters in a row form one unknown word.
    const word = han.map((u) => u.text).join('');
    out.push({ unknown: { word, start: han[0].start, end: han[han.length - 1].end, suggestions: suggest(word) } });
    han = [];
  };
  for (let i = 0; i < units.length; ) {
    const unit = units[i];
    const length = choice[i];
    const match = length > 0 ? { entry: LEXICON.matchesAt(units, i).find((m) => m.length === length)!.entry, length } : undefined;
    if (unit.kind === 'han' && !match) {
      han.push(unit);
      i += 1;
      continue;
    }
    flushHan();
    if (unit.kind === 'punct') {
      const meaning: Meaning = LIST_MARKS.has(unit.text) ? { kind: 'and' } : { kind: 'punctuation' };
      const token: LexToken = { text: unit.text, start: unit.start, end: unit.end, lang: 'en', words: [], meaning };
      out.push({ token });
      i += 1;
    } else if (match) {
      const span = units.slice(i, i + match.length);
      const { entry } = match;
      const start = span[0].start;
      const end = span[span.length - 1].end;
      const words = entry.lang === 'en' ? span.map((u) => u.text) : [entry.text];
      out.push({ token: { text: norm.slice(start, end), start, end, lang: entry.lang, words, meaning: entry.meaning, ...(entry.alt && { alt: entry.alt }) } });
      i += match.length;
    } else {
      out.push({ unknown: { word: unit.text, start: unit.start, end: unit.end, suggestions: suggest(unit.text) } });
      i += 1;
    }
  }
  flushHan();
  return out;
}

/** Splits text into lexicon tokens (punctuation included) and the words the lexicon does not know. */
export function segment(text: string): Segmentation {
  const tokens: LexToken[] = [];
  const unknown: UnknownWord[] = [];
  for (const p of pieces(text)) {
    if ('token' in p) tokens.push(p.token);
    else unknown.push(p.unknown);
  }
  return { tokens, unknown };
}

/**
 * The word-level strings the model tokenizer reads, in order: English normalised words, Chinese lexicon words
 * (one per entry), unknown words as they are (the tokenizer rejects them). Punctuation is dropped.
 */
export function words(text: string): string[] {
  return pieces(text).flatMap((p) => ('token' in p ? p.token.words : [p.unknown.word]));
}

/** Every string `words()` can produce from known text, sorted by code point: the tokenizer's vocabulary. */
export function lexiconWords(): string[] {
  const set = new Set<string>();
  for (const e of LEXICON.entries) {
    if (e.lang === 'en') for (const u of e.units) set.add(u);
    else set.add(e.text);
  }
  return [...set].sort(compareCodePoints);
}

/** Locale-independent ordering, so every machine builds the same vocabulary. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// Spelling suggestions.

/** Optimal string alignment distance: edits are insert, delete, substitute and swap of neighbours. */
export function editDistance(a: string, b: string): number {
  const A = [...a];
  const B = [...b];
  const d: number[][] = Array.from({ length: A.length + 1 }, (_, i) => [i, ...Array<number>(B.length).fill(0)]);
  for (let j = 1; j <= B.length; j++) d[0][j] = j;
  for (let i = 1; i <= A.length; i++) {
    for (let j = 1; j <= B.length; j++) {
      const cost = A[i - 1] === B[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && A[i - 1] === B[j - 2] && A[i - 2] === B[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[A.length][B.length];
}

const HAN = /\p{Script=Han}/u;

/** The language a prompt is written in: Chinese when it has any Han character (mixed prompts read as Chinese). */
export function promptLanguage(text: string): Language {
  return HAN.test(text) ? 'zh' : 'en';
}

/** Candidate words with a rank (0: common) per script, built once. */
const SUGGESTION_POOL: { readonly en: Map<string, number>; readonly zh: Map<string, number> } = (() => {
  const en = new Map<string, number>();
  const zh = new Map<string, number>();
  const put = (map: Map<string, number>, word: string, rank: number) => map.set(word, Math.min(rank, map.get(word) ?? rank));
  for (const e of LEXICON.entries) {
    const rank = e.common ? 0 : 1;
    if (e.lang === 'en') for (const u of e.units) put(en, u, rank);
    else put(zh, e.text, rank);
  }
  return { en, zh };
})();

/** Up to `limit` known words close to `word` by edit distance, closest and most common first. */
export function suggest(word: string, limit = 3, pool?: Iterable<string>): string[] {
  const chinese = HAN.test(word);
  const length = [...word].length;
  const maxDistance = chinese ? (length <= 2 ? 1 : 2) : length <= 3 ? 1 : length <= 6 ? 2 : 3;
  const ranks = chinese ? SUGGESTION_POOL.zh : SUGGESTION_POOL.en;
  const candidates = pool ? [...pool].filter((w) => HAN.test(w) === chinese) : [...ranks.keys()];
  const scored: { word: string; distance: number; rank: number }[] = [];
  for (const candidate of candidates) {
    if (Math.abs([...candidate].length - length) > maxDistance) continue;
    const distance = editDistance(word, candidate);
    if (distance > 0 && distance <= maxDistance) scored.push({ word: candidate, distance, rank: ranks.get(candidate) ?? 1 });
  }
  scored.sort((a, b) => a.distance - b.distance || a.rank - b.rank || compareCodePoints(a.word, b.word));
  return scored.slice(0, limit).map((s) => s.word);
}

/** The error for words outside the vocabulary: names each, with suggestions, and carries them as data. */
export function unknownWordsError(unknown: readonly Pick<UnknownWord, 'word' | 'suggestions'>[]): CinesimError {
  const seen = new Map<string, readonly string[]>();
  for (const u of unknown) if (!seen.has(u.word)) seen.set(u.word, u.suggestions);
  const parts = [...seen].map(([word, s]) => (s.length ? `"${word}" (did you mean ${s.map((x) => `"${x}"`).join(', ')}?)` : `"${word}"`));
  return new CinesimError(ERRORS.PROMPT_UNKNOWN_WORDS, `unknown words in prompt: ${parts.join(', ')}`, {
    param: 'prompt',
    details: { unknown: [...seen.keys()], suggestions: Object.fromEntries([...seen].map(([w, s]) => [w, [...s]])) },
  });
}
