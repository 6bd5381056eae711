/**
 * src/audio: sound synchronised to what happens on screen. `soundtrack` reads impacts, motion and the
 * scene off the frames (analyze.ts — never a simulator's event log, so it works on generated clips) and
 * synthesises a stereo 48 kHz track of exactly the clip's duration (synth.ts), ready for `writeClip`'s or
 * `encodeMp4`'s `audio` option. `sync.ts` measures the detector against Shapes World's event log.
 */
import type { VideoFrames } from '../media/frames.ts';
import type { AudioSamples } from '../media/wav.ts';
import { analyzeVideo } from './analyze.ts';
import type { SoundEvents } from './events.ts';
import { synthesize } from './synth.ts';

export interface SoundtrackOptions {
  /** Seeds the noise of every voice and of the ambient bed (default 0). */
  seed?: number;
  /** Play the ambient bed under the effects (default true). */
  ambient?: boolean;
}

export interface Soundtrack {
  /** Interleaved stereo, 48 kHz, frames / fps seconds long, within [-1, 1]. */
  audio: AudioSamples;
  /** What was heard in the frames. */
  events: SoundEvents;
}

export async function soundtrack(video: VideoFrames, options: SoundtrackOptions = {}): Promise<Soundtrack> {
  const events = await analyzeVideo(video);
  return { audio: synthesize(events, options), events };
}

export { analyzeVideo } from './analyze.ts';
export { synthesize, SAMPLE_RATE, impactPitch, impactGain, type SynthOptions } from './synth.ts';
export type { AmbientMix, SceneSound, SoundEvents, SoundImpact, SoundMotion } from './events.ts';
export { evaluateSync, matchEvents, truthImpacts, SYNC_FORMATS, VISIBLE_PIXELS_PER_FRAME } from './sync.ts';
export type { MatchOptions, MatchResult, SyncFigures, SyncFormat, SyncOptions, SyncReport, TimedPoint, Truth, TruthImpact } from './sync.ts';
