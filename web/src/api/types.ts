/**
 * The API's types, taken from the server's own schemas (type-only imports, erased from the bundle), so
 * the studio and the server cannot drift apart.
 */
export type { Model } from '../../../src/server/schemas/models.ts';
export type { PromptCheck, Vocabulary } from '../../../src/server/schemas/prompts.ts';
export type { Usage } from '../../../src/server/schemas/usage.ts';
export type { StoryPlan, Variant, Video, VideoList } from '../../../src/server/schemas/videos.ts';
export type { Preview } from '../../../src/server/jobs/previews.ts';
export type { World } from '../../../src/server/schemas/world.ts';

import type { Video } from '../../../src/server/schemas/videos.ts';

export type VideoStatus = Video['status'];
export type VideoMode = Video['mode'];

export const FINAL_STATUSES: readonly VideoStatus[] = ['completed', 'failed', 'cancelled'];

export function isFinal(video: Pick<Video, 'status'>): boolean {
  return FINAL_STATUSES.includes(video.status);
}
