/**
 * Scene specifications: what a prompt says (PromptSpec), what a scene is (SceneSpec), and the format a
 * clip is rendered in (ClipFormat). These are the typed contracts between the parser, the sampler, the
 * simulator/renderer, the dataset writer and the probes.
 *
 * Coordinates: the world unit is the shorter side of the frame at zoom 1. At t = 0 the camera views
 * x in [0, width/m], y in [0, height/m] with m = min(width, height); y grows downwards, as in images.
 */
import type { Background, CameraMove, Color, Motion, Shape, Size, Texture } from './vocabulary.ts';

export interface ObjectSpec {
  shape: Shape;
  color: Color;
  size: Size;
  texture: Texture;
  motion: Motion;
}

/** A complete scene: every attribute decided. 1 to 3 objects. */
export interface SceneSpec {
  background: Background;
  objects: ObjectSpec[];
  camera: CameraMove;
}

/**
 * What a prompt states. Unstated object attributes stay undefined; `completeScene` (sampler.ts) fills them:
 * size → medium, texture → plain, motion → static, camera → static (captions omit exactly these defaults),
 * while an unstated colour, shape or background is drawn from the seed.
 */
export interface PromptSpec {
  background?: Background;
  objects: Partial<ObjectSpec>[];
  camera?: CameraMove;
}

export const MAX_OBJECTS = 3;

/** The model reads at most this many prompt tokens, `<bos>` included (tokenizer.ts); captions fit in it. */
export const MAX_PROMPT_TOKENS = 48;

/** The attribute values captions may leave unsaid, because an unstated value means exactly this. */
export const DEFAULTS = { size: 'medium', texture: 'plain', motion: 'static', camera: 'static' } as const;

export interface ClipFormat {
  width: number;
  height: number;
  fps: number;
  /** Number of frames, including frame 0. A clip of S seconds at F fps has S*F + 1 frames. */
  frames: number;
}

export function clipFormat(width: number, height: number, fps: number, seconds: number): ClipFormat {
  return { width, height, fps, frames: Math.round(seconds * fps) + 1 };
}

export function clipSeconds(format: ClipFormat): number {
  return (format.frames - 1) / format.fps;
}

/** An impact recorded by the simulator; later drives sound and is the ground truth for sound sync. */
export interface WorldEvent {
  frame: number;
  /** Seconds from the start of the clip (sub-frame precision). */
  time: number;
  kind: 'floor' | 'wall' | 'ceiling' | 'object';
  /** Indices into SceneSpec.objects: one for floor/wall/ceiling, two for object-object. */
  objects: number[];
  /** Position of the impact in world units. */
  x: number;
  y: number;
  /** Normal speed at impact in world units per second. */
  strength: number;
}

/** The state of one object at one instant, in world units. */
export interface ObjectState {
  x: number;
  y: number;
  /** Rotation in radians. */
  angle: number;
  /** Multiplies the size's radius (grow/shrink). */
  scale: number;
  /** Radius in world units after scale. */
  radius: number;
  /** Hidden objects are not drawn (used by the game when something spawns later). */
  visible: boolean;
}

/** The camera at one instant: the world point at the frame centre and the zoom (1 = initial view). */
export interface CameraState {
  cx: number;
  cy: number;
  zoom: number;
}

/** Everything the renderer needs for one frame. */
export interface FrameState {
  background: Background;
  camera: CameraState;
  objects: readonly (ObjectSpec & ObjectState)[];
  /** Seeds the background's procedural details (where clouds and stars are); 0 when absent. */
  variant?: number;
}
