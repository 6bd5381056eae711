/**
 * A story from script to film on the default model (docs/STORY.md's four-shot example, 9.25 s of film):
 * made with sound, made without, and made again in the same folder with every shot reused; what one edited
 * line costs (that shot and the one continuing it), and a shot put first (only it). Wall time of `makeFilm` after the model has loaded.
 * `npm run bench -- story`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoPipeline } from '../src/engine/pipeline.ts';
import { makeFilm, parseStory, planStory, type FilmSettings } from '../src/story/index.ts';
import { counted } from '../src/util/words.ts';
import type { BenchRow } from './table.ts';

const MODEL = 'shapes-64';
/** docs/STORY.md's example script (the server bench remakes it too). */
export const SCRIPT = `title: Ruby's evening
seed: 7
cast:
  Ruby: a small red striped ball
  Max: a large blue square
shots:
  - 2s: Ruby bounces on green grass
  - 3s: Max moves left on green grass, the camera pans left
  - 2s continue: Max moves left on green grass
  - Ruby falls at night
`;

export async function run(): Promise<BenchRow[]> {
  const pipe = await VideoPipeline.load(MODEL);
  const dir = await mkdtemp(join(tmpdir(), 'cinesim-story-bench-'));
  const { manifest } = pipe;
  const fps = manifest.formats.fps;
  const [width, height] = manifest.formats.defaultSize;
  const model = { tokenizer: { encode: (text: string) => pipe.components.tokenizer.encode(text) }, defaultSeconds: (manifest.formats.frames - 1) / fps, checkSeconds: () => undefined };
  const plan = (text: string) => planStory(parseStory(text, 'bench'), model, { seed: 7, fps });
  const time = async (text: string, out: string, settings: FilmSettings) => {
    const t0 = performance.now();
    const film = await makeFilm(pipe, plan(text), { out: join(dir, out), settings });
    return { ms: performance.now() - t0, made: film.shots.filter((s) => !s.reused).length, seconds: (film.video.count - 1) / fps };
  };
  const rows: BenchRow[] = [];
  try {
    const base = { width, height, fps };
    const group = `story: ${MODEL}, 4 shots`;
    const row = (name: string, r: { ms: number; made: number; seconds: number }) =>
      rows.push({ group, name, value: r.ms, unit: 'ms', note: `${counted(r.made, 'shot')} made, ${r.seconds.toFixed(2)} s of film, ${(r.seconds / (r.ms / 1000)).toFixed(2)} film-seconds per wall-second` });
    await time(SCRIPT, 'warm-up', { ...base, audio: false });
    row('made, with sound', await time(SCRIPT, 'film', { ...base, audio: true }));
    row('made, no sound', await time(SCRIPT, 'silent', { ...base, audio: false }));
    row('made again, every shot reused', await time(SCRIPT, 'film', { ...base, audio: true }));
    const edited = SCRIPT.replace('moves left on green grass, the camera', 'moves right on green grass, the camera');
    row('shot 2 edited (and shot 3, which continues it)', await time(edited, 'film', { ...base, audio: true }));
    // Seeds come from a shot's text, so the shots after a new first shot are kept (they were all made again).
    row('a shot put first', await time(edited.replace('shots:\n', 'shots:\n  - 2s: Max falls at night\n'), 'film', { ...base, audio: true }));
  } finally {
    await pipe.dispose();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
