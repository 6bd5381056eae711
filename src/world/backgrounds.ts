/**
 * The nine backgrounds, painted in world coordinates so camera pans, tilts and zooms visibly move them.
 * Every scene extends without bound and without seams: features repeat through hashed world-grid cells
 * (clouds, stars, grass noise) or smooth periodic functions of world x (dunes, hills, waves), so a pan
 * reveals new, deterministic content. Per-pixel work is a few multiplies and at most one sine or hash;
 * anything that depends on x or y alone is computed once per column or row.
 *
 * The palette constants double as each background's dominant colours, which the contrast rule
 * (contrast.ts) keeps objects away from.
 */
import { clamp01, len } from '../util/math.ts';
import { mix } from './color.ts';
import type { Background, RGB } from './vocabulary.ts';

/** Where the pixels of one frame lie in the world. */
export interface PaintContext {
  width: number;
  height: number;
  /** World x of each column's pixel centre. [width] */
  xs: Float64Array;
  /** World y of each row's pixel centre. [height] */
  ys: Float64Array;
  /** World units per pixel. */
  pixel: number;
  /** Size of the initial view in world units: scene features are laid out relative to it. */
  viewWidth: number;
  viewHeight: number;
  /** Seeds the procedural details (cloud and star placement, dune phase); 0 is a valid variant. */
  variant: number;
}

type Painter = (ctx: PaintContext, out: Uint8Array) => void;

// ---- palette ------------------------------------------------------------------------------------------
const SOLID_RGB: Readonly<Record<'white' | 'black' | 'gray', RGB>> = {
  white: [244, 244, 242],
  black: [10, 10, 14],
  gray: [126, 128, 132],
};
const SKY_TOP: RGB = [58, 122, 212];
const SKY_LOW: RGB = [165, 208, 243];
const CLOUD: RGB = [250, 251, 253];
const NIGHT_TOP: RGB = [6, 10, 34];
const NIGHT_LOW: RGB = [26, 38, 86];
const STAR: RGB = [255, 250, 225];
const MOON: RGB = [238, 236, 212];
const FIELD_FAR: RGB = [104, 172, 72];
const FIELD_NEAR: RGB = [52, 128, 42];
const DESERT_SKY_TOP: RGB = [84, 150, 222];
const DESERT_SKY_LOW: RGB = [205, 224, 236];
const DUNE_FAR: RGB = [236, 206, 150];
const DUNE_NEAR: RGB = [214, 166, 98];
const SUNSET_TOP: RGB = [60, 34, 104];
const SUNSET_MID: RGB = [176, 70, 118];
const SUNSET_LOW: RGB = [250, 150, 62];
const SUN: RGB = [255, 222, 120];
const HILLS: RGB = [46, 22, 50];
const WATER_FAR: RGB = [60, 130, 192];
const WATER_NEAR: RGB = [18, 66, 136];
const WAVE_CREST: RGB = [120, 180, 226];

/** The colours that cover most of each background: objects must stand out from all of them. */
export const BACKGROUND_DOMINANT: Readonly<Record<Background, readonly RGB[]>> = {
  white: [SOLID_RGB.white],
  black: [SOLID_RGB.black],
  gray: [SOLID_RGB.gray],
  sky: [SKY_TOP, mix(SKY_TOP, SKY_LOW, 0.5), SKY_LOW],
  night: [NIGHT_TOP, NIGHT_LOW],
  grass: [FIELD_FAR, FIELD_NEAR, mix(SKY_TOP, SKY_LOW, 0.6)],
  desert: [DUNE_FAR, DUNE_NEAR, mix(DESERT_SKY_TOP, DESERT_SKY_LOW, 0.5)],
  sunset: [SUNSET_TOP, SUNSET_MID, SUNSET_LOW, HILLS],
  ocean: [WATER_FAR, WATER_NEAR, mix(SKY_TOP, SKY_LOW, 0.6)],
};

/** The horizon of the landscape backgrounds, as a share of the initial view's height. */
export const HORIZON = 0.62;

// ---- helpers ------------------------------------------------------------------------------------------
/** Integer hash of a grid cell and the variant → [0, 1). */
function hash(ix: number, iy: number, variant: number, salt: number): number {
  let h = Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1) ^ Math.imul(variant + salt, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Blends colour (r, g, b) over the pixel at byte offset o with opacity a. */
function blendRgb(out: Uint8Array, o: number, r: number, g: number, b: number, a: number): void {
  out[o] += (r - out[o]) * a;
  out[o + 1] += (g - out[o + 1]) * a;
  out[o + 2] += (b - out[o + 2]) * a;
}

function blend(out: Uint8Array, o: number, c: RGB, a: number): void {
  blendRgb(out, o, c[0], c[1], c[2], a);
}

function put(out: Uint8Array, o: number, r: number, g: number, b: number): void {
  out[o] = r;
  out[o + 1] = g;
  out[o + 2] = b;
}

/**
 * Per-row colours of a vertical gradient through `stops` placed at `at` (shares of the view height);
 * rows above the first or below the last stop keep its colour. Returns [height, 3].
 */
function rowGradient(ctx: PaintContext, stops: readonly RGB[], at: readonly number[]): Float32Array {
  const rows = new Float32Array(ctx.height * 3);
  for (let j = 0; j < ctx.height; j++) {
    const t = ctx.ys[j] / ctx.viewHeight;
    let k = 0;
    while (k < at.length - 2 && t > at[k + 1]) k++;
    const c = mix(stops[k], stops[k + 1], clamp01((t - at[k]) / (at[k + 1] - at[k])));
    rows.set(c, j * 3);
  }
  return rows;
}

function putRow(out: Uint8Array, o: number, rows: Float32Array, j: number): void {
  out[o] = rows[j * 3];
  out[o + 1] = rows[j * 3 + 1];
  out[o + 2] = rows[j * 3 + 2];
}

/** Anti-aliased disc coverage at distance d from a disc of radius r, for pixels of size `pixel`. */
function discCoverage(d: number, r: number, pixel: number): number {
  return clamp01((r - d) / pixel + 0.5);
}

// ---- scattered features: clouds, stars and grass tufts, one per hashed world-grid cell ------------------

/**
 * Features scattered one per cell of a world grid, with parameters hashed from the cell and the variant.
 * The cells a frame sees are tabulated once per frame; a pixel finds its cell through the precomputed
 * cell column of its column and cell row of its row, so the per-pixel cost is a table read. Each feature
 * stays inside its cell, so one cell per pixel is enough.
 */
class CellField {
  /** Cell column of each pixel column, counted from the first visible one. [width] */
  private readonly col: Int32Array;
  /** Cell row of each pixel row. [height] */
  private readonly row: Int32Array;
  private readonly nx: number;
  /** Parameters of each visible cell. [rows, cols, stride] */
  readonly params: Float64Array;

  constructor(
    ctx: PaintContext,
    cellW: number,
    cellH: number,
    readonly stride: number,
    fill: (ix: number, iy: number, params: Float64Array, o: number) => void,
  ) {
    const ix0 = Math.floor(ctx.xs[0] / cellW);
    const iy0 = Math.floor(ctx.ys[0] / cellH);
    this.col = Int32Array.from(ctx.xs, (x) => Math.floor(x / cellW) - ix0);
    this.row = Int32Array.from(ctx.ys, (y) => Math.floor(y / cellH) - iy0);
    this.nx = this.col[ctx.width - 1] + 1;
    const ny = this.row[ctx.height - 1] + 1;
    this.params = new Float64Array(this.nx * ny * stride);
    for (let cy = 0; cy < ny; cy++) {
      for (let cx = 0; cx < this.nx; cx++) fill(ix0 + cx, iy0 + cy, this.params, (cy * this.nx + cx) * stride);
    }
  }

  /** Offset into `params` of the cell under pixel (i, j). */
  at(i: number, j: number): number {
    return (this.row[j] * this.nx + this.col[i]) * this.stride;
  }
}

const CLOUD_CELL_W = 0.8;
const CLOUD_CELL_H = 0.36;
/** Odd cells stay empty this often; even cells always hold a cloud, so every stretch of sky has some. */
const CLOUD_GAP_CHANCE = 0.6;

/**
 * Clouds in cells that end above `limit` (world y), so none is cut by a horizon. Per cell:
 * [scale (0 = no cloud), centre x, centre y].
 */
function cloudField(ctx: PaintContext, limit: number): CellField {
  return new CellField(ctx, CLOUD_CELL_W, CLOUD_CELL_H, 3, (ix, iy, p, o) => {
    const v = ctx.variant;
    if ((iy + 1) * CLOUD_CELL_H > limit || ((ix & 1) === 1 && hash(ix, iy, v, 1) < CLOUD_GAP_CHANCE)) return;
    p[o] = 0.7 + 0.3 * hash(ix, iy, v, 2);
    p[o + 1] = (ix + 0.3 + 0.4 * hash(ix, iy, v, 3)) * CLOUD_CELL_W;
    p[o + 2] = (iy + 0.45 + 0.1 * hash(ix, iy, v, 4)) * CLOUD_CELL_H;
  });
}

/** Opacity of the cloud under pixel (i, j): a flat ellipse with two puffs on top, soft edges. */
function cloudAlpha(clouds: CellField, ctx: PaintContext, i: number, j: number): number {
  const o = clouds.at(i, j);
  const s = clouds.params[o];
  if (s === 0) return 0;
  const dx = (ctx.xs[i] - clouds.params[o + 1]) / s;
  const dy = (ctx.ys[j] - clouds.params[o + 2]) / s;
  if (dx < -0.22 || dx > 0.22 || dy < -0.16 || dy > 0.075) return 0; // outside every lobe
  // Density: 1 at a lobe's centre, 0 on its rim; the highest lobe wins.
  const base = 1 - (dx * dx) / (0.22 * 0.22) - (dy * dy) / (0.075 * 0.075);
  const puffA = 1 - ((dx + 0.07) * (dx + 0.07) + (dy + 0.045) * (dy + 0.045)) / (0.085 * 0.085);
  const puffB = 1 - ((dx - 0.06) * (dx - 0.06) + (dy + 0.06) * (dy + 0.06)) / (0.1 * 0.1);
  return 0.95 * clamp01(4 * Math.max(base, puffA, puffB));
}

const STAR_CELL = 0.09;
const STAR_CHANCE = 0.35;

/** Per cell: [radius (0 = no star), x, y, brightness]. Stars are at least about a pixel wide at any resolution. */
function starField(ctx: PaintContext): CellField {
  return new CellField(ctx, STAR_CELL, STAR_CELL, 4, (ix, iy, p, o) => {
    const v = ctx.variant;
    const h = hash(ix, iy, v, 5);
    if (h >= STAR_CHANCE) return;
    p[o] = Math.max(0.004 + 0.004 * (h / STAR_CHANCE), 0.6 * ctx.pixel);
    p[o + 1] = (ix + 0.2 + 0.6 * hash(ix, iy, v, 6)) * STAR_CELL;
    p[o + 2] = (iy + 0.2 + 0.6 * hash(ix, iy, v, 7)) * STAR_CELL;
    p[o + 3] = 0.55 + 0.45 * hash(ix, iy, v, 8);
  });
}

function starAlpha(stars: CellField, ctx: PaintContext, i: number, j: number): number {
  const o = stars.at(i, j);
  const r = stars.params[o];
  if (r === 0) return 0;
  const d = len(ctx.xs[i] - stars.params[o + 1], ctx.ys[j] - stars.params[o + 2]);
  return d > r + ctx.pixel ? 0 : discCoverage(d, r, ctx.pixel) * stars.params[o + 3];
}

// ---- painters -----------------------------------------------------------------------------------------
function solid(c: RGB): Painter {
  return (ctx, out) => {
    for (let o = 0; o < ctx.width * ctx.height * 3; o += 3) put(out, o, c[0], c[1], c[2]);
  };
}

/** Sky gradient with clouds. Writes every column of row j. */
function skyRow(ctx: PaintContext, out: Uint8Array, rows: Float32Array, clouds: CellField, j: number): void {
  for (let i = 0, o = j * ctx.width * 3; i < ctx.width; i++, o += 3) {
    putRow(out, o, rows, j);
    const a = cloudAlpha(clouds, ctx, i, j);
    if (a > 0) blend(out, o, CLOUD, a);
  }
}

const paintSky: Painter = (ctx, out) => {
  const rows = rowGradient(ctx, [SKY_TOP, SKY_LOW], [0, 1]);
  const clouds = cloudField(ctx, 0.8 * ctx.viewHeight);
  for (let j = 0; j < ctx.height; j++) skyRow(ctx, out, rows, clouds, j);
};

const paintNight: Painter = (ctx, out) => {
  const rows = rowGradient(ctx, [NIGHT_TOP, NIGHT_LOW], [0, 1]);
  const stars = starField(ctx);
  const moonX = ctx.viewWidth - 0.3;
  const moonY = 0.22 * ctx.viewHeight;
  const moonR = 0.085;
  const glowR = 2.2 * moonR;
  for (let j = 0, o = 0; j < ctx.height; j++) {
    const dy = ctx.ys[j] - moonY;
    for (let i = 0; i < ctx.width; i++, o += 3) {
      putRow(out, o, rows, j);
      const star = starAlpha(stars, ctx, i, j);
      if (star > 0) blend(out, o, STAR, star);
      const dx = ctx.xs[i] - moonX;
      if (dx * dx + dy * dy < glowR * glowR) {
        const d = len(dx, dy);
        blend(out, o, MOON, 0.18 * clamp01((glowR - d) / (glowR - moonR))); // glow
        blend(out, o, MOON, discCoverage(d, moonR, ctx.pixel));
      }
    }
  }
};

/**
 * The landscapes share a structure: sky (with clouds) above a per-column ground line, ground below it.
 * `ground` writes one ground pixel; `line` gives the ground's top edge at world x.
 */
function landscape(
  sky: Float32Array,
  ctx: PaintContext,
  out: Uint8Array,
  line: Float64Array,
  ground: (out: Uint8Array, o: number, i: number, j: number) => void,
): void {
  const w = ctx.width;
  const clouds = cloudField(ctx, (HORIZON - 0.1) * ctx.viewHeight);
  for (let j = 0; j < ctx.height; j++) {
    const y = ctx.ys[j];
    skyRow(ctx, out, sky, clouds, j);
    for (let i = 0, o = j * w * 3; i < w; i++, o += 3) {
      const edge = (y - line[i]) / ctx.pixel + 0.5; // > 0 below the ground line, anti-aliased over a pixel
      if (edge <= 0) continue;
      if (edge >= 1) {
        ground(out, o, i, j);
      } else {
        const r = out[o];
        const g = out[o + 1];
        const b = out[o + 2];
        ground(out, o, i, j);
        blendRgb(out, o, r, g, b, 1 - edge);
      }
    }
  }
}

/** Per-column ground line: the horizon plus a sum of sines (amplitude, frequency, phase triples). */
function groundLine(ctx: PaintContext, offset: number, waves: readonly number[]): Float64Array {
  const line = new Float64Array(ctx.width);
  const base = HORIZON * ctx.viewHeight + offset;
  const phase = ctx.variant * 1.618;
  for (let i = 0; i < ctx.width; i++) {
    let y = base;
    for (let k = 0; k < waves.length; k += 3) y += waves[k] * Math.sin(ctx.xs[i] * waves[k + 1] + waves[k + 2] + phase);
    line[i] = y;
  }
  return line;
}

const GRASS_CELL = 0.025;

const paintGrass: Painter = (ctx, out) => {
  const sky = rowGradient(ctx, [SKY_TOP, SKY_LOW], [0, HORIZON]);
  const field = rowGradient(ctx, [FIELD_FAR, FIELD_NEAR], [HORIZON, 1]);
  const line = groundLine(ctx, 0, [0.008, 9, 0]);
  // Mowing stripes: alternate bands 0.3 wide in world x, ±7 levels. [width]
  const stripe = new Float32Array(ctx.width);
  for (let i = 0; i < ctx.width; i++) stripe[i] = Math.floor(ctx.xs[i] / 0.3) % 2 === 0 ? 7 : -7;
  // Tufts: per-cell noise in world coordinates, ±10 levels.
  const tufts = new CellField(ctx, GRASS_CELL, GRASS_CELL, 1, (ix, iy, p, o) => {
    p[o] = 20 * hash(ix, iy, ctx.variant, 9) - 10;
  });
  landscape(sky, ctx, out, line, (o8, o, i, j) => {
    const d = stripe[i] + tufts.params[tufts.at(i, j)];
    put(o8, o, field[j * 3] + d, field[j * 3 + 1] + d, field[j * 3 + 2] + d * 0.5);
  });
};

const paintDesert: Painter = (ctx, out) => {
  const sky = rowGradient(ctx, [DESERT_SKY_TOP, DESERT_SKY_LOW], [0, HORIZON]);
  const far = groundLine(ctx, -0.04, [0.03, 3.1, 0, 0.015, 7.3, 1]);
  const near = groundLine(ctx, 0.12, [0.05, 2.3, 2, 0.02, 5.1, 4]);
  landscape(sky, ctx, out, far, (o8, o, i, j) => {
    const depth = ctx.ys[j] - near[i];
    const below = clamp01(depth / ctx.pixel + 0.5); // 1 inside the near dunes, anti-aliased at their crest
    // Near dunes darken with depth below their crest, which gives them volume.
    const shade = clamp01(depth / 0.25) * 22;
    put(
      o8,
      o,
      DUNE_FAR[0] + (DUNE_NEAR[0] - shade - DUNE_FAR[0]) * below,
      DUNE_FAR[1] + (DUNE_NEAR[1] - shade - DUNE_FAR[1]) * below,
      DUNE_FAR[2] + (DUNE_NEAR[2] - 0.6 * shade - DUNE_FAR[2]) * below,
    );
  });
};

const paintSunset: Painter = (ctx, out) => {
  const sky = rowGradient(ctx, [SUNSET_TOP, SUNSET_MID, SUNSET_LOW], [0, 0.35, HORIZON]);
  const hills = groundLine(ctx, 0.015, [0.035, 2.1, 0, 0.012, 6.7, 3]);
  const sunX = 0.38 * ctx.viewWidth;
  const sunY = HORIZON * ctx.viewHeight;
  const sunR = 0.14;
  const ground = rowGradient(ctx, [HILLS, [28, 12, 32]], [HORIZON, 1]);
  // The sun sits on the horizon behind the hills; draw it over the sky first.
  for (let j = 0, o = 0; j < ctx.height; j++) {
    for (let i = 0; i < ctx.width; i++, o += 3) {
      putRow(out, o, sky, j);
      const dx = ctx.xs[i] - sunX;
      const dy = ctx.ys[j] - sunY;
      if (dx * dx + dy * dy < 6.25 * sunR * sunR) {
        const d = len(dx, dy);
        blend(out, o, SUN, 0.25 * clamp01((sunR * 2.5 - d) / (sunR * 1.5)));
        blend(out, o, SUN, discCoverage(d, sunR, ctx.pixel));
      }
    }
  }
  for (let j = 0; j < ctx.height; j++) {
    for (let i = 0, o = j * ctx.width * 3; i < ctx.width; i++, o += 3) {
      const edge = clamp01((ctx.ys[j] - hills[i]) / ctx.pixel + 0.5);
      if (edge > 0) blendRgb(out, o, ground[j * 3], ground[j * 3 + 1], ground[j * 3 + 2], edge);
    }
  }
};

const paintOcean: Painter = (ctx, out) => {
  const sky = rowGradient(ctx, [SKY_TOP, SKY_LOW], [0, HORIZON]);
  const water = rowGradient(ctx, [WATER_FAR, WATER_NEAR], [HORIZON, 1]);
  const horizon = HORIZON * ctx.viewHeight;
  const line = new Float64Array(ctx.width).fill(horizon);
  // Wave bands: phase grows like log(depth) so bands crowd toward the horizon (perspective), and a
  // per-column wobble bends them. [height] and [width]
  const rowPhase = new Float64Array(ctx.height);
  for (let j = 0; j < ctx.height; j++) rowPhase[j] = 9 * Math.log(1 + 12 * Math.max(ctx.ys[j] - horizon, 0));
  const colPhase = new Float64Array(ctx.width);
  for (let i = 0; i < ctx.width; i++) colPhase[i] = 0.9 * Math.sin(ctx.xs[i] * 5.3 + ctx.variant);
  landscape(sky, ctx, out, line, (o8, o, i, j) => {
    put(o8, o, water[j * 3], water[j * 3 + 1], water[j * 3 + 2]);
    const crest = Math.sin(rowPhase[j] + colPhase[i]);
    if (crest > 0.55) blend(o8, o, WAVE_CREST, Math.min((crest - 0.55) * 1.6, 0.55));
  });
};

const PAINTERS: Readonly<Record<Background, Painter>> = {
  white: solid(SOLID_RGB.white),
  black: solid(SOLID_RGB.black),
  gray: solid(SOLID_RGB.gray),
  sky: paintSky,
  night: paintNight,
  grass: paintGrass,
  desert: paintDesert,
  sunset: paintSunset,
  ocean: paintOcean,
};

/** Paints the whole frame `out` ([height, width, 3] RGB) with the background. */
export function paintBackground(background: Background, ctx: PaintContext, out: Uint8Array): void {
  PAINTERS[background](ctx, out);
}
