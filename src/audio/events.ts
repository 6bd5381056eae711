/**
 * What the video analysis hands to the synthesiser: the sound events read off the frames. Positions are
 * in pixels of the analysed frames (x right, y down); speeds and strengths are in frame short-sides per
 * second, so they mean the same at any resolution.
 */

/** An abrupt change of an object's velocity: a bounce, a landing, a stop against something. */
export interface SoundImpact {
  /** Nearest frame index (round(time · fps)). */
  frame: number;
  /** Seconds from the start of the clip, with sub-frame precision. */
  time: number;
  /** Where it happened (the object's edge on the side it was hit; for a collision, midway between the two), pixels. */
  x: number;
  y: number;
  /** Size of the velocity change, short-sides per second. */
  strength: number;
  /** Radius of the (larger) object, as a share of the short side. */
  size: number;
  /** `impact`: one tracked object against something still; `collision`: two tracked objects against each other. */
  kind: 'impact' | 'collision';
  /** Ids of the tracks involved. */
  tracks: number[];
}

/** A stretch of time in which one object does something that sounds: moves fast, spins, grows, shrinks. */
export interface SoundMotion {
  kind: 'fast' | 'spin' | 'grow' | 'shrink';
  track: number;
  /** Seconds. */
  start: number;
  end: number;
  /** Peak speed, short-sides per second (0 for spin, grow, shrink). */
  speed: number;
  /** Mean horizontal position over the stretch, pixels. */
  x: number;
  /** Radius as a share of the short side. */
  size: number;
}

/** Layers of the ambient bed, each weighted 0..1. */
export interface AmbientMix {
  /** Filtered noise with slow gusts: open sky, desert. */
  wind: number;
  /** Slow swells of low noise: water. */
  waves: number;
  /** High chirps in groups: night, fields. */
  crickets: number;
  /** A soft low drone: flat studio backgrounds. */
  hum: number;
}

/** What the background looks like, for the ambient bed. */
export interface SceneSound {
  /** The main background colours, largest share first. */
  colors: { rgb: [number, number, number]; share: number }[];
  /** Mean luma, 0..1. */
  brightness: number;
  /** Spread of the background's luma (0 = flat colour), 0..1. */
  texture: number;
  ambient: AmbientMix;
}

export interface SoundEvents {
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Seconds: frames / fps. */
  duration: number;
  /** Whether a camera move was found (and compensated). */
  cameraMoving: boolean;
  impacts: SoundImpact[];
  motions: SoundMotion[];
  scene: SceneSound;
}
