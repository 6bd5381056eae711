/**
 * The scene for the ambient bed, read off the background model (objects removed): its main colours,
 * brightness and texture, and from them a mix of ambient layers. The rules read colours, not background
 * names, so they apply to generated clips and to any other footage:
 *
 *   hum       most of the background is one flat colour (a studio backdrop, with maybe a still object on it)
 *   crickets  it is dark (night), or the lower part is green (a field)
 *   waves     the lower part is blue and darker than the upper part (water under a sky; a sky alone
 *             gets lighter toward the horizon)
 *   wind      the upper part is a bright sky, or the lower part is warm sand
 */
import type { BackgroundModel } from './background.ts';
import type { AmbientMix, SceneSound } from './events.ts';

const CLUSTERS = 3;
const KMEANS_ROUNDS = 8;

type Rgb = [number, number, number];

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function luma(c: Rgb): number {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

export function describeScene(model: BackgroundModel): SceneSound {
  const { width: w, height: h } = model;
  const { rgb, known } = model.middle;
  const pixels: Rgb[] = [];
  const third = Math.max(1, Math.floor(h / 3));
  const top = [0, 0, 0, 0], bottom = [0, 0, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (!known[p]) continue;
      const c: Rgb = [rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2]];
      pixels.push(c);
      const band = y < third ? top : y >= h - third ? bottom : undefined;
      if (band) {
        band[0] += c[0]; band[1] += c[1]; band[2] += c[2]; band[3]++;
      }
    }
  }
  if (pixels.length === 0) return { colors: [], brightness: 0, texture: 0, ambient: { wind: 0, waves: 0, crickets: 0, hum: 1 } };
  const lumas = pixels.map(luma);
  const mean = lumas.reduce((s, v) => s + v, 0) / lumas.length;
  const spread = Math.sqrt(lumas.reduce((s, v) => s + (v - mean) ** 2, 0) / lumas.length);
  const average = (band: number[]): Rgb => (band[3] ? [band[0] / band[3], band[1] / band[3], band[2] / band[3]] : [mean, mean, mean]);
  const brightness = mean / 255;
  const texture = clamp01(spread / 64);
  const colors = dominantColors(pixels);
  const main = colors[0].rgb;
  const plain = pixels.filter((c) => Math.hypot(c[0] - main[0], c[1] - main[1], c[2] - main[2]) <= PLAIN_DISTANCE).length / pixels.length;
  return { colors, brightness, texture, ambient: ambientMix(average(top), average(bottom), brightness, plain) };
}

/** Pixels this close (RGB) to the main colour count as that colour when judging a flat backdrop. */
const PLAIN_DISTANCE = 12;

/**
 * The ambient layers (see the module comment) from the mean colours of the top and bottom thirds, the
 * brightness (0..1) and the share of the background that is its main colour.
 */
export function ambientMix(top: Rgb, bottom: Rgb, brightness: number, plain: number): AmbientMix {
  const flat = clamp01((plain - 0.6) / 0.25);
  const dark = clamp01((0.3 - brightness) / 0.15);
  const blue = (c: Rgb) => clamp01((c[2] - Math.max(c[0], c[1]) - 15) / 50);
  const green = (c: Rgb) => clamp01((c[1] - Math.max(c[0], c[2]) + 5) / 40);
  const sand = (c: Rgb) => clamp01((c[0] - c[2] - 30) / 60) * clamp01((luma(c) - 100) / 60);
  const skyAbove = blue(top) * clamp01((luma(top) - 70) / 60);
  const scenic = 1 - flat;
  const mix: AmbientMix = {
    hum: flat,
    crickets: scenic * Math.max(dark, 0.6 * green(bottom)),
    waves: scenic * (1 - dark) * blue(bottom) * clamp01((luma(top) - luma(bottom) - 10) / 30),
    wind: scenic * (1 - dark) * Math.max(0.35, skyAbove, sand(bottom)) + 0.25 * scenic * dark,
  };
  // Loudest layer at 1, so the bed's level does not depend on how many layers play.
  const peak = Math.max(mix.hum, mix.crickets, mix.waves, mix.wind, 1e-9);
  return { hum: mix.hum / peak, crickets: mix.crickets / peak, waves: mix.waves / peak, wind: mix.wind / peak };
}

/** k-means on RGB, seeded at luma quantiles (deterministic); clusters by share, largest first. */
function dominantColors(pixels: readonly Rgb[]): SceneSound['colors'] {
  const byLuma = [...pixels].sort((a, b) => luma(a) - luma(b));
  const centres: Rgb[] = Array.from({ length: CLUSTERS }, (_, i) => [...byLuma[Math.floor(((i + 0.5) * byLuma.length) / CLUSTERS)]] as Rgb);
  const counts = new Array<number>(CLUSTERS).fill(0);
  for (let round = 0; round < KMEANS_ROUNDS; round++) {
    const sums = centres.map(() => [0, 0, 0]);
    counts.fill(0);
    for (const c of pixels) {
      let best = 0, bestD = Infinity;
      centres.forEach((m, i) => {
        const d = (c[0] - m[0]) ** 2 + (c[1] - m[1]) ** 2 + (c[2] - m[2]) ** 2;
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      });
      sums[best][0] += c[0]; sums[best][1] += c[1]; sums[best][2] += c[2];
      counts[best]++;
    }
    centres.forEach((m, i) => {
      if (counts[i] > 0) for (let ch = 0; ch < 3; ch++) m[ch] = sums[i][ch] / counts[i];
    });
  }
  return centres
    .map((m, i) => ({ rgb: m.map((v) => Math.round(v)) as Rgb, share: counts[i] / pixels.length }))
    .filter((c) => c.share > 0)
    .sort((a, b) => b.share - a.share);
}
