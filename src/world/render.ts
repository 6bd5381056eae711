/**
 * The Shapes World renderer: one FrameState → one RGB frame, at any resolution and aspect ratio.
 *
 * The camera maps world units to pixels (the shorter side spans 1/zoom world units). The background is
 * painted in world coordinates, then each visible object is drawn in order over it: its signed distance
 * (shapes.ts), measured in pixels, gives anti-aliased coverage; a thin band inside the edge is the darker
 * outline; the interior is the exact vocabulary colour, mixed with a darker (or, for black, lighter)
 * accent by the texture, which lives in object-local coordinates so it turns with the object.
 *
 * Pure TypeScript, no allocation per pixel: objects only visit the pixels of their bounding box.
 */
import { clamp, clamp01, len } from '../util/math.ts';
import { accentColor, outlineColor } from './color.ts';
import { paintBackground, type PaintContext } from './backgrounds.ts';
import { SHAPE_EXTENT, SHAPE_SDF } from './shapes.ts';
import { simulate, type Simulation } from './simulate.ts';
import type { ClipFormat, FrameState, ObjectSpec, ObjectState, SceneSpec } from './spec.ts';
import { viewSize } from './view.ts';
import { COLOR_RGB } from './vocabulary.ts';
import { frameAt, makeFrames, type VideoFrames } from '../media/frames.ts';

type RenderedObject = ObjectSpec & ObjectState;

/**
 * Amount of accent colour (0..1) at local point (u, v) of an object whose radius is `rpx` pixels. Texture
 * features are sized in radii but never finer than ~3 px, so they stay readable on small objects.
 */
type TextureFn = (u: number, v: number, rpx: number) => number;

/**
 * Anti-aliased square wave of period p (local units): 1 inside the band centred on half periods, 0
 * outside, with a one-pixel ramp. The band at u = 0 is off, so object centres show the body colour.
 */
function band(u: number, p: number, rpx: number): number {
  const f = u / p - Math.floor(u / p);
  return clamp01((0.25 - Math.abs(f - 0.5)) * p * rpx + 0.5);
}

const striped: TextureFn = (u, _v, rpx) => band(u, Math.max(0.62, 3.2 / rpx), rpx);

const checkered: TextureFn = (u, v, rpx) => {
  const p = Math.max(0.9, 4.4 / rpx);
  const sx = 2 * band(u, p, rpx) - 1;
  const sy = 2 * band(v, p, rpx) - 1;
  return 0.5 - 0.5 * sx * sy;
};

const dotted: TextureFn = (u, v, rpx) => {
  const s = Math.max(0.66, 3.6 / rpx);
  // Dots sit at half-cell offsets: four around the centre, none on it.
  const qx = u / s + 0.5 - Math.round(u / s + 0.5);
  const qy = v / s + 0.5 - Math.round(v / s + 0.5);
  return clamp01(0.5 - (len(qx, qy) - 0.27) * s * rpx);
};

const plain: TextureFn = () => 0;

/**
 * A plain ball or ring looks the same at every angle, so when it spins it carries a small accent marker
 * near its rim; without it the spin would be invisible.
 */
function spinMarker(cx: number, cy: number, r: number): TextureFn {
  return (u, v, rpx) => clamp01(0.5 - (len(u - cx, v - cy) - r) * rpx);
}

function textureOf(obj: ObjectSpec): TextureFn {
  switch (obj.texture) {
    case 'striped':
      return striped;
    case 'checkered':
      return checkered;
    case 'dotted':
      return dotted;
    case 'plain':
      if (obj.motion !== 'rotate') return plain;
      if (obj.shape === 'ball') return spinMarker(0, -0.6, 0.2);
      if (obj.shape === 'ring') return spinMarker(0, -0.77, 0.16);
      return plain;
  }
}

/** Where the frame lies in the world: the left/top edges and the world size of a pixel. */
interface Viewport {
  left: number;
  top: number;
  pixel: number;
}

/** Draws one object over `out` ([height, width, 3] RGB). */
function drawObject(obj: RenderedObject, out: Uint8Array, width: number, height: number, vp: Viewport): void {
  const rpx = obj.radius / vp.pixel;
  if (!(rpx > 0)) return;
  const px = (obj.x - vp.left) / vp.pixel; // continuous pixel coordinates: pixel i spans [i, i + 1)
  const py = (obj.y - vp.top) / vp.pixel;
  const reach = SHAPE_EXTENT[obj.shape] * rpx + 1;
  const i0 = Math.max(0, Math.floor(px - reach));
  const i1 = Math.min(width - 1, Math.ceil(px + reach));
  const j0 = Math.max(0, Math.floor(py - reach));
  const j1 = Math.min(height - 1, Math.ceil(py + reach));
  if (i0 > i1 || j0 > j1) return;

  const sdf = SHAPE_SDF[obj.shape];
  const texture = textureOf(obj);
  const body = COLOR_RGB[obj.color];
  const accent = accentColor(body);
  const line = outlineColor(body);
  const outlinePx = clamp(0.08 * rpx, 1, 2.5); // at least a pixel, so it shows at 64 px
  const cos = Math.cos(obj.angle);
  const sin = Math.sin(obj.angle);
  const inv = 1 / rpx;

  for (let j = j0; j <= j1; j++) {
    const dy = j + 0.5 - py;
    for (let i = i0, o = (j * width + i0) * 3; i <= i1; i++, o += 3) {
      const dx = i + 0.5 - px;
      // Rotate into the object's frame (by -angle) and scale to radius units.
      const u = (cos * dx + sin * dy) * inv;
      const v = (cos * dy - sin * dx) * inv;
      const d = sdf(u, v) * rpx; // signed distance in pixels
      const coverage = clamp01(0.5 - d);
      if (coverage === 0) continue;
      const a = texture(u, v, rpx);
      const inner = clamp01(0.5 - (d + outlinePx)); // 1 inside the outline band
      const r = line[0] + (body[0] + (accent[0] - body[0]) * a - line[0]) * inner;
      const g = line[1] + (body[1] + (accent[1] - body[1]) * a - line[1]) * inner;
      const b = line[2] + (body[2] + (accent[2] - body[2]) * a - line[2]) * inner;
      // + 0.5 rounds on the Uint8Array's truncating store (full coverage gives the exact body colour).
      out[o] = out[o] + (r - out[o]) * coverage + 0.5;
      out[o + 1] = out[o + 1] + (g - out[o + 1]) * coverage + 0.5;
      out[o + 2] = out[o + 2] + (b - out[o + 2]) * coverage + 0.5;
    }
  }
}

/** Renders one frame as RGB bytes [height, width, 3], into `out` when given. */
export function renderFrame(state: FrameState, width: number, height: number, out?: Uint8Array): Uint8Array {
  const bytes = width * height * 3;
  const data = out ?? new Uint8Array(bytes);
  if (data.length !== bytes) throw new Error(`renderFrame: out holds ${data.length} bytes, ${width}x${height} needs ${bytes}`);
  const view = viewSize(width, height);
  const { cx, cy, zoom } = state.camera;
  const pixel = 1 / (Math.min(width, height) * zoom);
  const vp: Viewport = { left: cx - (width / 2) * pixel, top: cy - (height / 2) * pixel, pixel };

  const xs = new Float64Array(width);
  for (let i = 0; i < width; i++) xs[i] = vp.left + (i + 0.5) * pixel;
  const ys = new Float64Array(height);
  for (let j = 0; j < height; j++) ys[j] = vp.top + (j + 0.5) * pixel;
  const ctx: PaintContext = {
    width,
    height,
    xs,
    ys,
    pixel,
    viewWidth: view.width,
    viewHeight: view.height,
    variant: state.variant ?? 0,
  };
  paintBackground(state.background, ctx, data);
  for (const obj of state.objects) if (obj.visible) drawObject(obj, data, width, height, vp);
  return data;
}

export interface RenderedClip {
  video: VideoFrames;
  simulation: Simulation;
}

/** Simulates a scene and renders every frame of the clip. Same inputs, same bytes. */
export function renderClip(scene: SceneSpec, format: ClipFormat, seed: number): RenderedClip {
  const simulation = simulate(scene, format, seed);
  const video = makeFrames(format.width, format.height, format.fps, format.frames);
  simulation.states.forEach((state, k) => renderFrame(state, format.width, format.height, frameAt(video, k)));
  return { video, simulation };
}
