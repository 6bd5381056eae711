/**
 * src/batch: many clips from one list (a prompt per line, each in a few variants), made one after another on one
 * loaded model or sent to a Cinesim server as jobs, with an overview sheet and a record; a run again keeps what is
 * already made.
 *
 *   const items = parseBatch(await readFile('prompts.txt', 'utf8'), 'prompts.txt', model, { seed: 7, variants: 4 });
 *   await makeBatch(pipe, items, { out: 'ads/', seed: 7, settings: { width: 64, height: 112, fps: 8, audio: true } });
 */
export { parseBatch, MAX_BATCH_CLIPS, type BatchItem, type BatchModel, type BatchOptions as BatchListOptions } from './list.ts';
export { lineImage, makeBatch, type BatchOptions, type BatchProgress } from './run.ts';
export {
  clipFileName,
  readBatchRecord,
  BATCH_FILES,
  type BatchClip,
  type BatchRecord,
  type BatchResult,
  type BatchSettings,
  type FailedClip,
} from './folder.ts';
