/**
 * Seam matching for extend. An extension opens on the given clip's own frames, but its new frames are
 * decoded by the VAE, which renders the same scene a little differently (colours off by a few levels,
 * textures softened): at the seam the picture changes look as well as move. Two corrections, both read
 * from the given frames against their own re-decoding (which the extension decodes anyway):
 *
 * - colour: a per-channel gain and offset that maps the decoded frames onto the given ones (a least-squares
 *   fit over the given frames, the gain kept within [1/1.5, 1.5]), applied to every new frame: the VAE's
 *   colour bias is the same throughout;
 * - detail: the given last frame's difference from its decoding, added to the new frames where they still
 *   show what that frame showed (the weight falls as |new − decoded last| grows, so a moved object takes
 *   none of it and leaves no ghost), fading out over the first `fade` new frames.
 *
 * So the first new frame looks like the clip where nothing moved, and the look eases into the model's own
 * over `fade` frames (a second at shapes-64's 8 fps). On shapes-64, 16 extensions of suite entries 40–55 (apart from the eval's):
 * seam step / the normal step nearby 1.20 → 0.94, and no step while the match fades larger than 0.98 of the
 * unmatched video's normal step; entries 60–75: 1.51 → 1.07. Without the detail part (colour alone): 1.13;
 * the detail part at full weight everywhere (no "still shows it" test): 0.84, but a dark halo trails moving
 * objects. Longer context (the clip's last 17 frames, 4 latent frames of context) made the decoded
 * continuation smoother (1.19 → 1.01) but not what a user sees once matched (0.95), at 2.5× the time.
 *
 * A story's `continue` shot is the one-frame case (src/story/film.ts): on the same entries, a 2 s shot then one
 * continued from its last frame cut at 1.13 → 1.06, the largest step in the 8 frames after the cut 1.32 → 1.28.
 */
import { frameBytes, makeFrames, type VideoFrames } from '../media/frames.ts';

export interface SeamMatchOptions {
  /** New frames over which the detail correction fades out (default 8: one second at 8 fps). */
  readonly fade?: number;
  /** Mean |difference| in grey levels at which a pixel keeps 1/e of the detail correction (default 8). */
  readonly tolerance?: number;
}

export const SEAM_MATCH_DEFAULTS = Object.freeze({ fade: 8, tolerance: 8 });
const MAX_GAIN = 1.5;

/**
 * `video` is a decoded extension: its first `given.count` frames re-decode `given`, the rest are new. Returns
 * the video a user gets: `given` itself, then the new frames matched to it.
 */
export function matchPrefixSeam(given: VideoFrames, video: VideoFrames, options: SeamMatchOptions = {}): VideoFrames {
  const { fade = SEAM_MATCH_DEFAULTS.fade, tolerance = SEAM_MATCH_DEFAULTS.tolerance } = options;
  if (given.width !== video.width || given.height !== video.height) throw new Error(`matchPrefixSeam: ${given.width}x${given.height} and ${video.width}x${video.height} differ`);
  if (given.count < 1 || given.count > video.count) throw new Error(`matchPrefixSeam: ${given.count} given frames of a ${video.count}-frame video`);
  const n = frameBytes(video);
  const split = given.count * n;
  const decodedGiven = video.data.subarray(0, split);
  const colour = colourMap(given.data, decodedGiven);

  const out = new Uint8Array(video.data.length);
  out.set(given.data, 0);
  // The detail the decoder lost in the given last frame, and that frame as the matched new frames show it.
  const last = given.data.subarray(split - n, split);
  const decodedLast = Float32Array.from(decodedGiven.subarray(split - n), (v, i) => colour(i % 3, v));
  const matched = new Float32Array(3);
  for (let t = 0; given.count + t < video.count; t++) {
    const strength = Math.max(0, 1 - t / fade);
    const from = split + t * n;
    for (let p = 0; p < n; p += 3) {
      for (let c = 0; c < 3; c++) matched[c] = colour(c, video.data[from + p + c]);
      let weight = 0;
      if (strength > 0) {
        const moved = (Math.abs(matched[0] - decodedLast[p]) + Math.abs(matched[1] - decodedLast[p + 1]) + Math.abs(matched[2] - decodedLast[p + 2])) / 3;
        weight = strength * Math.exp(-moved / tolerance);
      }
      for (let c = 0; c < 3; c++) out[from + p + c] = clampByte(matched[c] + weight * (last[p + c] - decodedLast[p + c]));
    }
  }
  return makeFrames(video.width, video.height, video.fps, video.count, out);
}

/** Per channel, the gain and offset that best map `decoded` onto `target` (interleaved RGB). */
function colourMap(target: Uint8Array, decoded: Uint8Array): (channel: number, value: number) => number {
  const fits = [0, 1, 2].map((c) => {
    let sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
    for (let i = c; i < target.length; i += 3) {
      const x = decoded[i], y = target[i];
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      m++;
    }
    const mx = sx / m, my = sy / m;
    const variance = sxx / m - mx * mx;
    // A flat channel (one colour everywhere) says nothing about the gain: keep 1 and match the level.
    const gain = variance > 1 ? Math.min(MAX_GAIN, Math.max(1 / MAX_GAIN, (sxy / m - mx * my) / variance)) : 1;
    return { gain, offset: my - gain * mx };
  });
  return (channel, value) => fits[channel].gain * value + fits[channel].offset;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
