/**
 * Scene sampling: the training distribution of Shapes World and the completion of prompts into scenes.
 *
 * `sampleScene` draws every attribute from per-attribute weights (uniform by default), 1–3 objects,
 * only readable colour/background pairs (contrast.ts), distinct colour+shape per object, and never a
 * held-out combination (rejection), unless asked for held-out scenes only (the eval suite's).
 * `completeScene` fills what a prompt leaves unsaid: the caption defaults (DEFAULTS in spec.ts) for size,
 * texture, motion and camera, and seeded draws for colour, shape and background.
 */
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';
import type { Rng } from '../util/random.ts';
import { isReadable } from './contrast.ts';
import { DEFAULTS, MAX_OBJECTS, type ObjectSpec, type PromptSpec, type SceneSpec } from './spec.ts';
import {
  BACKGROUNDS,
  CAMERA_MOVES,
  COLORS,
  MOTIONS,
  SHAPES,
  SIZES,
  TEXTURES,
  type AttributeName,
  type ATTRIBUTES,
  type Background,
  type CameraMove,
  type Color,
  type Motion,
  type Shape,
  type Size,
  type Texture,
} from './vocabulary.ts';

/** A combination kept out of training: matched when one object (with the scene's camera/background) has all its values. */
export type HeldOutRule = Partial<{
  color: Color;
  shape: Shape;
  size: Size;
  texture: Texture;
  motion: Motion;
  camera: CameraMove;
  background: Background;
}>;

/**
 * Held out of training, kept for the eval suite: five object–object pairs and three object–scene pairs.
 * Each removes one cell of a two-attribute table, so every single value stays common in training, and
 * each colour is readable on the background it is paired with.
 */
export const DEFAULT_HELD_OUT: readonly HeldOutRule[] = [
  { color: 'red', shape: 'star' },
  { shape: 'ring', motion: 'bounce' },
  { color: 'blue', texture: 'striped' },
  { shape: 'triangle', motion: 'rotate' },
  { color: 'yellow', size: 'large' },
  { shape: 'heart', background: 'desert' },
  { motion: 'orbit', camera: 'zoom-in' },
  { color: 'pink', background: 'ocean' },
];

type Value<A extends AttributeName> = (typeof ATTRIBUTES)[A][number];

/** Relative weights per attribute value; a value left out keeps weight 1, weight 0 removes it. */
export type AttributeWeights = { [A in AttributeName]?: Partial<Record<Value<A>, number>> };

export interface SamplerOptions {
  weights?: AttributeWeights;
  /** Weights of scenes with 1, 2 and 3 objects. */
  objectCounts?: readonly [number, number, number];
  heldOut?: readonly HeldOutRule[];
  /** 'exclude' (default): never a scene matching a held-out rule; 'only': always one that does; 'allow': ignore the rules. */
  heldOutMode?: 'exclude' | 'only' | 'allow';
}

export const DEFAULT_OBJECT_COUNTS: readonly [number, number, number] = [0.6, 0.3, 0.1];

const OBJECT_KEYS = ['color', 'shape', 'size', 'texture', 'motion'] as const;

function ruleMatchesObject(rule: HeldOutRule, scene: SceneSpec, obj: ObjectSpec): boolean {
  if (rule.camera !== undefined && rule.camera !== scene.camera) return false;
  if (rule.background !== undefined && rule.background !== scene.background) return false;
  return OBJECT_KEYS.every((k) => rule[k] === undefined || rule[k] === obj[k]);
}

/** The first rule the scene matches, if any. */
export function matchingRule(scene: SceneSpec, rules: readonly HeldOutRule[]): HeldOutRule | undefined {
  return rules.find((rule) => scene.objects.some((obj) => ruleMatchesObject(rule, scene, obj)));
}

export function matchesHeldOut(scene: SceneSpec, rules: readonly HeldOutRule[] = DEFAULT_HELD_OUT): boolean {
  return matchingRule(scene, rules) !== undefined;
}

/** Picks from `list` by the partial weights (missing = 1), among values `allowed` accepts; undefined if none can be picked. */
function pickWeighted<T extends string>(
  rng: Rng,
  list: readonly T[],
  weights: Partial<Record<T, number>> | undefined,
  allowed: (v: T) => boolean = () => true,
): T | undefined {
  const w = list.map((v) => (allowed(v) ? Math.max(weights?.[v] ?? 1, 0) : 0));
  if (!w.some((x) => x > 0)) return undefined;
  return rng.weighted(list, w);
}

const MAX_ATTEMPTS = 1000;

/**
 * One draw of a scene, with the values of `forced` (a held-out rule) imposed on the scene and on one
 * object. Undefined when the draw hits a dead end (no readable colour left); the caller draws again.
 */
function drawScene(rng: Rng, options: SamplerOptions, forced: HeldOutRule | undefined): SceneSpec | undefined {
  const weights = options.weights ?? {};
  const count = rng.weighted([1, 2, 3], options.objectCounts ?? DEFAULT_OBJECT_COUNTS);
  const background = forced?.background ?? pickWeighted(rng, BACKGROUNDS, weights.background);
  const camera = forced?.camera ?? pickWeighted(rng, CAMERA_MOVES, weights.camera);
  if (background === undefined || camera === undefined) return undefined;
  const forcedIndex = rng.int(count);
  const objects: ObjectSpec[] = [];
  for (let i = 0; i < count; i++) {
    const f = i === forcedIndex ? forced : undefined;
    const shape = f?.shape ?? pickWeighted(rng, SHAPES, weights.shape);
    const taken = (c: Color) => objects.some((o) => o.color === c && o.shape === shape);
    const color = f?.color ?? pickWeighted(rng, COLORS, weights.color, (c) => isReadable(c, background) && !taken(c));
    const size = f?.size ?? pickWeighted(rng, SIZES, weights.size);
    const texture = f?.texture ?? pickWeighted(rng, TEXTURES, weights.texture);
    const motion = f?.motion ?? pickWeighted(rng, MOTIONS, weights.motion);
    if (!shape || !color || !size || !texture || !motion) return undefined;
    if (!isReadable(color, background) || taken(color)) return undefined;
    objects.push({ shape, color, size, texture, motion });
  }
  return { background, objects, camera };
}

/** Draws a scene from the training distribution (or, with heldOutMode 'only', from the held-out combinations). */
export function sampleScene(rng: Rng, options: SamplerOptions = {}): SceneSpec {
  const rules = options.heldOut ?? DEFAULT_HELD_OUT;
  const mode = options.heldOutMode ?? 'exclude';
  if (mode === 'only' && rules.length === 0) throw invalidArgument('heldOut', 'heldOutMode "only" needs at least one held-out rule');
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const scene = drawScene(rng, options, mode === 'only' ? rng.pick(rules) : undefined);
    if (scene === undefined) continue;
    if (mode === 'exclude' && matchesHeldOut(scene, rules)) continue;
    return scene;
  }
  throw new CinesimError(ERRORS.INVALID_ARGUMENT, 'sampler weights and held-out rules leave no scene to draw', {
    param: 'weights',
  });
}

/**
 * A full scene from what a prompt states. Unstated size, texture, motion and camera take the caption
 * defaults; an unstated background is drawn among those every stated colour reads on; an unstated colour
 * among those readable on the background (and unused by the other objects when possible); an unstated
 * shape uniformly. A prompt with no object gets one.
 */
export function completeScene(prompt: PromptSpec, rng: Rng): SceneSpec {
  if (prompt.objects.length > MAX_OBJECTS) {
    throw invalidArgument('prompt', `a scene holds at most ${MAX_OBJECTS} objects, the prompt has ${prompt.objects.length}`);
  }
  const stated = prompt.objects.length > 0 ? prompt.objects : [{}];
  const statedColors = stated.flatMap((o) => (o.color ? [o.color] : []));
  const background =
    prompt.background ??
    pickWeighted(rng, BACKGROUNDS, undefined, (b) => statedColors.every((c) => isReadable(c, b))) ??
    rng.pick(BACKGROUNDS);
  const objects: ObjectSpec[] = [];
  for (const o of stated) {
    const used = (c: Color) => objects.some((p) => p.color === c) || statedColors.includes(c);
    const color =
      o.color ??
      pickWeighted(rng, COLORS, undefined, (c) => isReadable(c, background) && !used(c)) ??
      pickWeighted(rng, COLORS, undefined, (c) => isReadable(c, background)) ??
      rng.pick(COLORS);
    objects.push({
      shape: o.shape ?? rng.pick(SHAPES),
      color,
      size: o.size ?? DEFAULTS.size,
      texture: o.texture ?? DEFAULTS.texture,
      motion: o.motion ?? DEFAULTS.motion,
    });
  }
  return { background, objects, camera: prompt.camera ?? DEFAULTS.camera };
}
