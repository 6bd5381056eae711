/** A job record → the API's video object (OpenAI's fields first, Cinesim's beside them). */
import { fromMilli } from '../accounts/ledger.ts';
import type { StoryPlan } from '../../story/plan.ts';
import type { JobRecord } from '../queue/types.ts';
import type { StoryShot, Video } from '../schemas/videos.ts';
import { MODE_NAMES } from './plan.ts';

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

export function presentVideo(job: JobRecord): Video {
  const p = job.params;
  return {
    id: job.id,
    object: 'video',
    status: job.status,
    progress: job.status === 'completed' ? 100 : job.progress,
    created_at: seconds(job.createdAt)!,
    completed_at: seconds(job.completedAt),
    expires_at: seconds(job.expiresAt),
    model: job.model,
    prompt: p.prompt,
    seconds: String(p.seconds),
    size: `${p.width}x${p.height}`,
    // A retry in waiting keeps its last error for the logs, but the video has not failed.
    error: job.status === 'failed' ? job.error : null,
    remixed_from_video_id: job.remixedFrom,
    negative_prompt: p.negativePrompt,
    seed: p.seed,
    steps: p.steps,
    guidance: p.guidance,
    shift: p.shift,
    sampler: p.sampler,
    fps: p.fps,
    frames: p.frames,
    audio: p.audio,
    mode: p.story ? 'story' : MODE_NAMES[p.mode],
    inputs: p.inputs.map((i) => ({ role: i.role, source: i.source })),
    cost: fromMilli(job.cost),
    attempts: job.attempts,
    started_at: seconds(job.startedAt),
    story: p.story ? { title: p.story.title, shots: presentShots(p.story, p.reusedShots) } : null,
  };
}

/** A story plan's shots as the API shows them (the cast lists stay inside); `reused` lists those a remake takes from its earlier film. */
export function presentShots(plan: StoryPlan, reused: readonly number[] = []): StoryShot[] {
  return plan.shots.map(({ index, text, prompt, seconds, transition, seed, image }) => ({
    index,
    text,
    prompt,
    seconds,
    transition,
    seed,
    ...(image === undefined ? {} : { image }),
    reused: reused.includes(index),
  }));
}
