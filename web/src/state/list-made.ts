/**
 * Which videos of a list are made already. A list is the studio's `cinesim batch`, and as a batch run again keeps
 * its clips, Generate again sends only the requests that have no video yet: never sent, refused (a rate limit, the
 * credits), failed, cancelled or expired. A request is made when one of the user's videos that the studio has loaded
 * (the newest page, and every video it created) is a text-to-video clip of its prompt, seed and settings that has
 * not failed, been cancelled or expired; each video stands for one request, so a line given twice is made twice.
 */
import type { Video } from '../api/types.ts';

/** What says which video a list's create request (a CreateRequest) makes. */
export interface ListRequest {
  readonly prompt: string;
  readonly seed?: number;
  readonly model?: string;
  readonly seconds?: string;
  readonly size?: string;
  readonly fps?: number;
  readonly steps?: number;
  readonly guidance?: number;
  readonly negative_prompt?: string;
}

/** For each request, in order, the video that makes it, or undefined for one still to make. */
export function madeVideos(requests: readonly ListRequest[], videos: readonly Video[], now = Date.now()): (Video | undefined)[] {
  const free = videos.filter((v) => v.mode === 'text-to-video' && v.inputs.length === 0 && !spent(v, now));
  return requests.map((request) => {
    const i = free.findIndex((v) => sameRequest(v, request));
    return i < 0 ? undefined : free.splice(i, 1)[0];
  });
}

function spent(video: Video, now: number): boolean {
  return video.status === 'failed' || video.status === 'cancelled' || (video.expires_at !== null && video.expires_at * 1000 <= now);
}

/** The settings a list's request sends (the server fills the rest with the model's defaults, as for every list video). */
function sameRequest(video: Video, request: ListRequest): boolean {
  return (
    video.prompt === request.prompt &&
    video.seed === request.seed &&
    video.model === request.model &&
    video.seconds === request.seconds &&
    video.size === request.size &&
    video.fps === request.fps &&
    video.steps === request.steps &&
    video.guidance === request.guidance &&
    video.negative_prompt === (request.negative_prompt ?? '')
  );
}
