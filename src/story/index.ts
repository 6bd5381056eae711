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
export { planStory, withCast, type PlanModel, type PlannedShot, type PlanOptions, type StoryPlan } from './plan.ts';
export { checkCast, formatCastReport, type CastCheck, type CastReport } from './check.ts';
export {
  makeFilm,
  STORY_FILES,
  STORY_FORMAT_VERSION,
  type FilmProgress,
  type FilmResult,
  type FilmSettings,
  type FilmShot,
  type MakeFilmOptions,
  type StoryRecord,
} from './film.ts';
