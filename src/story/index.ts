/**
 * src/story: from a short script to a film — a cast described once, shots that name it, each shot made by
 * the engine (continued shots open on the frame before), sound per shot, the cut, a storyboard, and a
 * record that makes the film again and lets an edited script remake only what changed.
 *
 *   const script = parseStory(await readFile('story.txt', 'utf8'), 'story.txt');
 *   const plan = planStory(script, model, { seed: 7, fps: 8 });
 *   await makeFilm(pipe, plan, { out: 'film/', settings: { width: 64, height: 64, fps: 8, audio: true } });
 */
export { parseStory, MAX_SHOTS, type CastMember, type ScriptShot, type StoryScript, type Transition } from './script.ts';
export { filmSeconds, planStory, withCast, type PlanModel, type PlannedShot, type PlanOptions, type StoryPlan } from './plan.ts';
export { checkCast, formatCastReport, type CastCheck, type CastReport } from './check.ts';
export { makeFilm, type FilmProgress, type FilmResult, type FilmShot, type MakeFilmOptions, type UnloadedFilmModel } from './film.ts';
export { readShotPictures, type ShotPicture } from './pictures.ts';
export {
  parseRecord,
  readRecord,
  reusableFiles,
  matchEarlierShots,
  shotKeys,
  STORY_FILES,
  STORY_FORMAT_VERSION,
  type FilmSettings,
  type StoryRecord,
} from './record.ts';
