/**
 * Video → sound events, from the frames alone (it must work on generated clips, which have no event log):
 *
 *   1. camera      global pan / tilt / zoom per frame (camera.ts), so a camera move is not object motion
 *   2. background  per-pixel median in camera-aligned coordinates (background.ts)
 *   3. foreground  coverage weights and blobs (foreground.ts, blobs.ts); a first pass's tracks tell where
 *                  objects went and their colours (sweep.ts), and a second background leaves those out,
 *                  which removes the ghosts of objects that stay in place
 *   4. tracks      blobs linked across frames, shared blobs split when objects touch (track.ts)
 *   5. events      impacts from trajectory kinks (impacts.ts), fused with the impact net's heat read off the
 *                  pixels (impact-net.ts), motions (motions.ts), the scene (scene.ts)
 */
import { frameAt, type VideoFrames } from '../media/frames.ts';
import { buildBackground, type BackgroundModel } from './background.ts';
import { findBlobs, type Blob } from './blobs.ts';
import { applySimilarity, estimateCamera, invert, type CameraPath } from './camera.ts';
import type { SoundEvents } from './events.ts';
import { estimateThresholds, foregroundWeights, makeScratch, type Thresholds } from './foreground.ts';
import { fuseImpacts, impactHeatmap } from './impact-net.ts';
import { detectImpacts, type ImpactOptions } from './impacts.ts';
import { detectMotions } from './motions.ts';
import { describeScene } from './scene.ts';
import { objectSweep } from './sweep.ts';
import { trackBlobs, type Track } from './track.ts';
import { invalidArgument } from '../errors.ts';

/** What the impact detector may be told beyond the frames: who keeps its candidates, who sees them (training). */
export interface AnalyzeOptions extends Pick<ImpactOptions, 'accept' | 'onCandidate'> {
  /** Fuse the tracked impacts with the impact net's (default true); false: the tracker's alone. */
  net?: boolean;
}

export async function analyzeVideo(video: VideoFrames, options: AnalyzeOptions = {}): Promise<SoundEvents> {
  const { width, height, fps, count } = video;
  const { net = true, ...impactChoices } = options;
  const { tracks, camera, model, impactOptions } = trackVideo(video);
  const tracked = detectImpacts(tracks, { ...impactOptions, ...impactChoices });
  const impacts = net ? fuseImpacts(tracked, await impactHeatmap(video), { fps, width, height, tracks, toScene: impactOptions.toScene }) : tracked;
  return {
    width,
    height,
    fps,
    frames: count,
    duration: count / fps,
    cameraMoving: camera.moving,
    impacts,
    motions: detectMotions(tracks, { fps, width, height, toScene: impactOptions.toScene }),
    scene: describeScene(model),
  };
}

/** Steps 1–4: the objects' tracks, and what the impact detector needs besides (training reruns it on them). */
export interface TrackedVideo {
  tracks: Track[];
  camera: CameraPath;
  model: BackgroundModel;
  impactOptions: ImpactOptions;
}

export function trackVideo(video: VideoFrames): TrackedVideo {
  const { width, height, count } = video;
  if (count < 1 || width < 4 || height < 4) throw invalidArgument('video', `cannot analyse a ${width}x${height} clip of ${count} frames`);
  if (!(video.fps > 0)) throw invalidArgument('video.fps', `fps must be positive, got ${video.fps}`);

  // 1–2. Camera path and a first background.
  const camera = estimateCamera(video);
  const first = buildBackground(video, camera);

  // 3. First-pass objects, then the second background without them.
  const rgb = (k: number) => frameAt(video, k);
  const firstPass = segment(video, first);
  const firstTracks = trackBlobs(firstPass.blobs, rgb, (k) => firstPass.weights[k], width, height);
  const scratch = makeScratch(video);
  const background = (k: number) => {
    first.frameBackground(k, scratch.background, scratch.known);
    return scratch.background;
  };
  const sweep = objectSweep({ blobs: firstPass.blobs, tracks: firstTracks, width, height, rgb, background });
  const model = buildBackground(video, camera, { sweep });
  const { blobs, weights } = segment(video, model);

  // 4. Tracks; what they do (5) is judged against the background (camera-compensated).
  const tracks = trackBlobs(blobs, rgb, (k) => weights[k], width, height);
  return { tracks, camera, model, impactOptions: impactOptionsFor(video, camera) };
}

/** The impact detector's view of a clip: its size and rate, and the camera path to judge motion against. */
export function impactOptionsFor(video: Pick<VideoFrames, 'fps' | 'width' | 'height'>, camera: CameraPath): ImpactOptions {
  const toScene = (k: number, x: number, y: number) => applySimilarity(camera.toFirst[k], x, y);
  const fromScene = (k: number, x: number, y: number) => applySimilarity(invert(camera.toFirst[k]), x, y);
  return { fps: video.fps, width: video.width, height: video.height, toScene, fromScene, cameraMoving: camera.moving };
}

interface Segmentation {
  thresholds: Thresholds;
  blobs: Blob[][];
  weights: Float32Array[];
}

function segment(video: VideoFrames, model: BackgroundModel): Segmentation {
  const { width, height } = video;
  const scratch = makeScratch(video);
  const thresholds = estimateThresholds(video, model, scratch);
  const out: Segmentation = { thresholds, blobs: [], weights: [] };
  for (let k = 0; k < video.count; k++) {
    const w = foregroundWeights(video, k, model, thresholds, scratch);
    const blobs = findBlobs(w, frameAt(video, k), width, height);
    out.weights.push(w);
    out.blobs.push(blobs);
  }
  return out;
}
