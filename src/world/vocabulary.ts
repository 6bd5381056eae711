/**
 * The closed vocabulary of Shapes World: every attribute a scene can have, its identifier, its physical
 * meaning (colour values, radii) and its canonical names in English and Chinese.
 *
 * This file is the single source of truth for what exists in the world. Captions, the prompt parser, the
 * renderer, the dataset writer, the tokenizer and the probes all read their lists from here, so adding a
 * colour or a motion is a change in one place. Surface forms (synonyms, inflections, phrasings) live in
 * `lexicon.ts`; this file only names things.
 */

export type RGB = readonly [number, number, number];

/** A vocabulary entry: a stable id plus canonical names for captions and user interfaces. */
export interface Named<Id extends string> {
  readonly id: Id;
  readonly en: string;
  readonly zh: string;
}

export const COLORS = [
  'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'white', 'black', 'gray', 'brown', 'cyan',
] as const;
export type Color = (typeof COLORS)[number];

/** sRGB values chosen to be far apart from each other so probes (and people) can tell them apart at 32 px. */
export const COLOR_RGB: Readonly<Record<Color, RGB>> = {
  red: [220, 38, 38],
  orange: [249, 128, 22],
  yellow: [250, 214, 21],
  green: [34, 160, 60],
  blue: [37, 84, 235],
  purple: [140, 60, 200],
  pink: [246, 120, 190],
  white: [250, 250, 250],
  black: [20, 20, 24],
  gray: [128, 128, 136],
  brown: [130, 80, 40],
  cyan: [30, 205, 220],
};

export const COLOR_NAMES: Readonly<Record<Color, Named<Color>>> = {
  red: { id: 'red', en: 'red', zh: '红色' },
  orange: { id: 'orange', en: 'orange', zh: '橙色' },
  yellow: { id: 'yellow', en: 'yellow', zh: '黄色' },
  green: { id: 'green', en: 'green', zh: '绿色' },
  blue: { id: 'blue', en: 'blue', zh: '蓝色' },
  purple: { id: 'purple', en: 'purple', zh: '紫色' },
  pink: { id: 'pink', en: 'pink', zh: '粉色' },
  white: { id: 'white', en: 'white', zh: '白色' },
  black: { id: 'black', en: 'black', zh: '黑色' },
  gray: { id: 'gray', en: 'gray', zh: '灰色' },
  brown: { id: 'brown', en: 'brown', zh: '棕色' },
  cyan: { id: 'cyan', en: 'cyan', zh: '青色' },
};

export const SHAPES = ['ball', 'square', 'triangle', 'star', 'ring', 'diamond', 'hexagon', 'heart'] as const;
export type Shape = (typeof SHAPES)[number];

export const SHAPE_NAMES: Readonly<Record<Shape, Named<Shape>>> = {
  ball: { id: 'ball', en: 'ball', zh: '球' },
  square: { id: 'square', en: 'square', zh: '方块' },
  triangle: { id: 'triangle', en: 'triangle', zh: '三角形' },
  star: { id: 'star', en: 'star', zh: '星星' },
  ring: { id: 'ring', en: 'ring', zh: '圆环' },
  diamond: { id: 'diamond', en: 'diamond', zh: '菱形' },
  hexagon: { id: 'hexagon', en: 'hexagon', zh: '六边形' },
  heart: { id: 'heart', en: 'heart', zh: '爱心' },
};

export const SIZES = ['small', 'medium', 'large'] as const;
export type Size = (typeof SIZES)[number];

/** Object radius as a fraction of the frame's shorter side. */
export const SIZE_RADIUS: Readonly<Record<Size, number>> = { small: 0.075, medium: 0.115, large: 0.165 };

export const SIZE_NAMES: Readonly<Record<Size, Named<Size>>> = {
  small: { id: 'small', en: 'small', zh: '小' },
  medium: { id: 'medium', en: 'medium', zh: '中等大小' },
  large: { id: 'large', en: 'large', zh: '大' },
};

export const TEXTURES = ['plain', 'striped', 'dotted', 'checkered'] as const;
export type Texture = (typeof TEXTURES)[number];

export const TEXTURE_NAMES: Readonly<Record<Texture, Named<Texture>>> = {
  plain: { id: 'plain', en: 'plain', zh: '纯色' },
  striped: { id: 'striped', en: 'striped', zh: '条纹' },
  dotted: { id: 'dotted', en: 'dotted', zh: '圆点' },
  checkered: { id: 'checkered', en: 'checkered', zh: '格子' },
};

export const MOTIONS = [
  'static', 'move-left', 'move-right', 'move-up', 'move-down', 'bounce', 'fall', 'jump', 'rotate', 'grow', 'shrink',
  'orbit', 'zigzag',
] as const;
export type Motion = (typeof MOTIONS)[number];

/** Canonical verb phrases: English third person present, Chinese predicate. */
export const MOTION_NAMES: Readonly<Record<Motion, Named<Motion>>> = {
  static: { id: 'static', en: 'stays still', zh: '静止不动' },
  'move-left': { id: 'move-left', en: 'moves left', zh: '向左移动' },
  'move-right': { id: 'move-right', en: 'moves right', zh: '向右移动' },
  'move-up': { id: 'move-up', en: 'moves up', zh: '向上移动' },
  'move-down': { id: 'move-down', en: 'moves down', zh: '向下移动' },
  bounce: { id: 'bounce', en: 'bounces', zh: '弹跳' },
  fall: { id: 'fall', en: 'falls', zh: '落下' },
  jump: { id: 'jump', en: 'jumps', zh: '跳起' },
  rotate: { id: 'rotate', en: 'spins', zh: '旋转' },
  grow: { id: 'grow', en: 'grows', zh: '变大' },
  shrink: { id: 'shrink', en: 'shrinks', zh: '变小' },
  orbit: { id: 'orbit', en: 'orbits', zh: '绕圈运动' },
  zigzag: { id: 'zigzag', en: 'zigzags', zh: '走之字形' },
};

export const CAMERA_MOVES = ['static', 'pan-left', 'pan-right', 'tilt-up', 'tilt-down', 'zoom-in', 'zoom-out'] as const;
export type CameraMove = (typeof CAMERA_MOVES)[number];

export const CAMERA_NAMES: Readonly<Record<CameraMove, Named<CameraMove>>> = {
  static: { id: 'static', en: 'the camera is still', zh: '镜头固定' },
  'pan-left': { id: 'pan-left', en: 'the camera pans left', zh: '镜头向左平移' },
  'pan-right': { id: 'pan-right', en: 'the camera pans right', zh: '镜头向右平移' },
  'tilt-up': { id: 'tilt-up', en: 'the camera tilts up', zh: '镜头向上摇' },
  'tilt-down': { id: 'tilt-down', en: 'the camera tilts down', zh: '镜头向下摇' },
  'zoom-in': { id: 'zoom-in', en: 'the camera zooms in', zh: '镜头推近' },
  'zoom-out': { id: 'zoom-out', en: 'the camera zooms out', zh: '镜头拉远' },
};

export const BACKGROUNDS = ['white', 'black', 'gray', 'sky', 'night', 'grass', 'desert', 'sunset', 'ocean'] as const;
export type Background = (typeof BACKGROUNDS)[number];

/** Solid backgrounds are flat colours; the rest are scenes with a horizon and features a camera move reveals. */
export const SOLID_BACKGROUNDS: ReadonlySet<Background> = new Set<Background>(['white', 'black', 'gray']);

/** Canonical place phrases ("on green grass"): English prepositional phrase, Chinese locative. */
export const BACKGROUND_NAMES: Readonly<Record<Background, Named<Background>>> = {
  white: { id: 'white', en: 'on a white background', zh: '在白色背景上' },
  black: { id: 'black', en: 'on a black background', zh: '在黑色背景上' },
  gray: { id: 'gray', en: 'on a gray background', zh: '在灰色背景上' },
  sky: { id: 'sky', en: 'in the blue sky', zh: '在蓝天中' },
  night: { id: 'night', en: 'at night', zh: '在夜空中' },
  grass: { id: 'grass', en: 'on green grass', zh: '在绿色草地上' },
  desert: { id: 'desert', en: 'in the desert', zh: '在沙漠中' },
  sunset: { id: 'sunset', en: 'at sunset', zh: '在日落时分' },
  ocean: { id: 'ocean', en: 'over the ocean', zh: '在海面上' },
};

/** Every attribute that a scene spec carries, with its value list: probes and eval iterate over this. */
export const ATTRIBUTES = {
  color: COLORS,
  shape: SHAPES,
  size: SIZES,
  texture: TEXTURES,
  motion: MOTIONS,
  camera: CAMERA_MOVES,
  background: BACKGROUNDS,
} as const;
export type AttributeName = keyof typeof ATTRIBUTES;

/** Object attributes (per object) as opposed to scene attributes (camera, background). */
export const OBJECT_ATTRIBUTES = ['color', 'shape', 'size', 'texture', 'motion'] as const;
export type ObjectAttribute = (typeof OBJECT_ATTRIBUTES)[number];

export const LANGUAGES = ['en', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}
