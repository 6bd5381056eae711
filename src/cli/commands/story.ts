/**
 * `cinesim story <script>`: a short script (a cast, then shots that name it; docs/STORY.md) made into a film
 * folder: each shot a clip, the cut with its sound, a storyboard, and story.json. Run it again on the same
 * folder after editing the script and only the changed shots are made again; `--reroll N` draws shot N anew.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { ERRORS, invalidArgument } from '../../errors.ts';
import type { ScriptShot, StoryPlan, StoryScript } from '../../story/index.ts';
import { formatShotLine, parseStory } from '../../story/script.ts';
import { optionalNumber, parseNumber, parseSeed } from '../options.ts';
import { checkOutPath, readTextArgument, type TextArgument } from '../input.ts';
import { checkModel } from '../models.ts';
import { counted } from '../../util/words.ts';
import { Progress } from '../progress.ts';
import { clipSecondsCheck, DEFAULT_MODEL, frameSize, parseClipFlags, runOnServer, withClipOptions, type ClipFlags } from './generate.ts';

/** What --out holds, for its message. */
const FILM_FOLDER = 'the film folder (film.mp4, storyboard.png, story.json and shots/ go in it)';

const SCRIPT: TextArgument = { what: 'the script', holds: 'a story script is text: a cast, then one shot per line', param: 'script' };

/** --reroll N names a shot of the script. */
function checkRerolls(rerolls: readonly number[], shots: number): void {
  for (const n of rerolls) if (n > shots) throw invalidArgument('--reroll', `--reroll ${n}: the script has ${counted(shots, 'shot')}`);
}

interface StoryFlags extends Omit<ClipFlags, 'seconds' | 'fps'> {
  out: string;
  model: string;
  seed?: string;
  negative?: string;
  reroll: string[];
  threads?: string;
  audio: boolean;
  dryRun: boolean;
  check: boolean;
  probe: string;
  quiet: boolean;
  server?: string;
  apiKey?: string;
}

export function registerStory(program: Command): void {
  withClipOptions(
    program
      .command('story')
      .description('Make a film from a story script: a cast described once, shots that name it (docs/STORY.md)')
      .argument('<script>', 'the story script (a text file; - reads standard input)'),
  )
    .option('--out <folder>', 'the film folder: film.mp4, storyboard.png, story.json, shots/', 'film/')
    .option('--model <name|dir>', 'model name under models/ or a model folder', DEFAULT_MODEL)
    .option('--seed <n>', 'story seed [integer] (default: the script\'s, else the folder\'s last, else random)')
    .option('--negative <text>', 'negative prompt for every shot')
    .option('--reroll <n>', 'make shot n again with a new seed (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--threads <n>', 'CPU threads for inference [integer] (default: all cores)')
    .option('--no-audio', 'no soundtrack (by default each shot gets the sound heard in its frames)')
    .option('--dry-run', 'print the plan (each shot\'s prompt, length and seed) and make nothing', false)
    .option('--check', 'afterwards, read each shot with the probe: does every character look as described?', false)
    .option('--probe <name|dir>', 'with --check: the probe that reads the shots', 'probe-shapes')
    .option('--quiet', 'no progress bar or summary; only the written files', false)
    .option('--server <url>', 'make the film on a Cinesim server (`cinesim serve`, POST /v1/stories) instead of locally')
    .option('--api-key <key>', 'API key for --server (default: $CINESIM_API_KEY)')
    .addHelpText(
      'after',
      '\nExample script (story.txt):\n' +
        '  title: Ruby\'s evening\n  cast:\n    Ruby: a small red striped ball\n    Max: a large blue square\n  shots:\n' +
        '    - 2s: Ruby bounces on green grass\n    - 3s: Max moves left on green grass, the camera pans left\n' +
        '    - 2s continue: Ruby bounces on green grass\n\n' +
        'Examples:\n  cinesim story story.txt --out film/\n  cinesim story story.txt --out film/ --reroll 2\n  cinesim story story.txt --dry-run\n' +
        '  cinesim story story.txt --out film/ --server http://127.0.0.1:8787   # run again after an edit: a remake\n' +
        '  cinesim story story.txt --out film/ --server http://127.0.0.1:8787 --reroll 2\n',
    )
    .action(async (script: string, flags: StoryFlags, command: Command) =>
      flags.server === undefined ? storyCommand(script, flags) : storyRemote(script, flags, command.getOptionValueSource('model') === 'cli'),
    );
}

async function storyCommand(scriptPath: string, flags: StoryFlags): Promise<void> {
  // Flags and the script are checked before any model loads.
  const { steps, guidance, shift, sampler, size, aspect } = parseClipFlags(flags);
  const threads = optionalNumber(flags.threads, '--threads', { min: 1, max: 256, integer: true });
  const rerolls = flags.reroll.map((v) => parseNumber(v, '--reroll', { min: 1, integer: true }));

  const story = await import('../../story/index.ts');
  const engine = await import('../../engine/index.ts');
  const source = scriptPath === '-' ? 'stdin' : basename(scriptPath);
  const script = story.parseStory(await readTextArgument(scriptPath, SCRIPT), source);
  checkRerolls(rerolls, script.shots.length);

  const { dir, manifest } = await checkModel(flags.model, 'video');
  const probe = flags.check ? (await checkModel(flags.probe, 'probe', '--probe')).dir : undefined;
  const { formats } = manifest;
  const { width, height } = frameSize(formats, size, aspect);
  const fps = formats.fps;
  const tokenizer = new engine.Tokenizer(manifest.tokenizer.vocabulary, manifest.tokenizer.maxTokens);
  const earlier = await story.readRecord(flags.out);
  const seed = script.seed ?? (flags.seed !== undefined ? parseSeed(flags.seed) : earlier?.seed ?? parseSeed(undefined));
  const model = {
    tokenizer,
    defaultSeconds: (formats.frames - 1) / fps,
    checkSeconds: clipSecondsCheck(engine, manifest, { fps, width, height }, 'a shot'),
  };
  const plan = story.planStory(script, model, { seed, fps, seeds: shotSeeds(earlier, script, seed, rerolls, (shot, old) => old.text === shot.text) });
  // Shots' pictures are paths from the script's folder (from here for a script on standard input).
  const pictures = await story.readShotPictures(plan, { folder: scriptPath === '-' ? '.' : dirname(scriptPath), source, width, height });

  if (flags.dryRun || !flags.quiet) printPlan(plan, { model: manifest.name, width, height, fps });
  if (flags.dryRun) return;
  await checkOutPath(flags.out, { flag: '--out', folder: true, holds: FILM_FOLDER });

  // Loaded at the first shot made (makeFilm): a run again on the folder that reuses every shot loads none.
  let pipe: Awaited<ReturnType<typeof engine.VideoPipeline.load>> | undefined;
  try {
    const progress = new Progress('story', plan.shots.length, process.stderr, flags.quiet);
    const settings = { width, height, fps, steps, guidance, shift, sampler, negativePrompt: flags.negative, audio: flags.audio };
    const load = async () => (pipe = await engine.VideoPipeline.load(dir, { threads }));
    const result = await story.makeFilm({ manifest, load }, plan, {
      out: flags.out,
      settings,
      pictures,
      onProgress: (p) => progress.update(p.shot - 1 + (p.stage === 'reuse' ? 1 : p.stage === 'decode' ? p.step / p.total : 0), `shot ${p.shot}/${p.shots} ${p.stage}`),
    });
    if (!flags.quiet) {
      const made = result.shots.filter((s) => !s.reused);
      const seconds = (result.video.count - 1) / result.video.fps;
      process.stderr.write(
        `${counted(plan.shots.length, 'shot')}, ${seconds.toFixed(2)} s of film (${result.video.count} frames ${result.video.width}x${result.video.height} @ ${result.video.fps} fps)` +
          `${flags.audio ? ', with sound' : ''}; made ${made.length}, reused ${plan.shots.length - made.length}; ${progress.elapsed().toFixed(2)} s in all\n`,
      );
    }
    if (probe !== undefined) {
      const reader = await engine.Probe.load(probe, { threads });
      try {
        const report = await story.checkCast(reader, plan, script.cast, result.shots.map((s) => s.video));
        process.stderr.write(story.formatCastReport(report) + '\n');
      } finally {
        await reader.dispose();
      }
    }
    for (const f of [result.files.film, result.files.storyboard, result.files.plan]) process.stdout.write(`${f}\n`);
  } finally {
    await pipe?.dispose();
  }
}

/**
 * `--server`: the script goes to POST /v1/stories (the server checks it line by line) and the film comes back
 * into the --out folder: film.mp4 with its metadata, storyboard.png, thumbnail.webp. Run again on the folder,
 * the film there (its metadata names the server's video) is the remake's source: the server reuses its
 * unchanged shots and charges only for the others. `--reroll N` draws shot N anew as the local command does,
 * and a shot drawn anew keeps its seed in later runs: the script sent gives those shots their seed
 * (`seed N` in their line). The pictures shots open on go with the script, read from its folder as the local
 * command reads them. --check and --dry-run are the local command's.
 */
async function storyRemote(scriptPath: string, flags: StoryFlags, modelGiven: boolean): Promise<void> {
  for (const [flag, given] of [['--check', flags.check], ['--dry-run', flags.dryRun], ['--threads', flags.threads !== undefined]] as const) {
    if (given) throw invalidArgument(flag, `${flag} is for a local story, not with --server`);
  }
  const rerolls = flags.reroll.map((v) => parseNumber(v, '--reroll', { min: 1, integer: true }));
  const text = await readTextArgument(scriptPath, SCRIPT);
  const { withCast } = await import('../../story/plan.ts');
  const parsed = parseStory(text, scriptPath === '-' ? 'stdin' : basename(scriptPath));
  checkRerolls(rerolls, parsed.shots.length);
  const images = await shotPictureFiles(parsed, scriptPath === '-' ? '.' : dirname(scriptPath));
  await checkOutPath(flags.out, { flag: '--out', folder: true, holds: FILM_FOLDER });
  const out = flags.out.endsWith('/') ? flags.out : `${flags.out}/`;
  const film = await serverFilmIn(out);
  if (rerolls.length > 0 && !film) throw invalidArgument('--reroll', `--reroll with --server draws a shot of the film in ${out} again; there is no film from a server there yet`);
  // A shot is the same as the film's when the server would ask the model the same; the story seed the server
  // uses is the script's, --seed, else (a remake) the earlier film's.
  const same = (shot: ScriptShot, old: ServerFilm['shots'][number]) =>
    old.prompt === withCast(shot.text, parsed.cast).prompt && (shot.seconds === undefined || shot.seconds === old.seconds) && old.transition === shot.transition;
  const seed = parsed.seed ?? (flags.seed !== undefined ? parseSeed(flags.seed) : film?.seed);
  const seeds = film ? shotSeeds(film, parsed, seed ?? film.seed, rerolls, same) : new Map<number, number>();
  const script = withShotSeeds(text, parsed.shots, seeds);
  const earlier = film?.id;
  const run = (reuse?: string) => runOnServer('story', flags, modelGiven, { script, reuse_video_id: reuse, images }, out);
  const { video, written, elapsed } = await run(earlier).catch((error: unknown) => {
    // The folder's film is gone from the server (deleted, expired) or is another server's: make the film anew.
    const { code, param } = (error ?? {}) as { code?: string; param?: string };
    if (earlier === undefined || code !== ERRORS.NOT_FOUND.code || param !== 'reuse_video_id') throw error;
    if (!flags.quiet) process.stderr.write(`cinesim: the film in ${out} (${earlier}) is not on this server; making every shot\n`);
    return run();
  });
  if (!flags.quiet) {
    const shots = video.story?.shots ?? [];
    const reused = shots.filter((s) => s.reused).length;
    process.stderr.write(
      `${video.id}: ${counted(shots.length, 'shot')}${reused > 0 ? ` (${reused} reused from ${earlier})` : ''}, ${video.seconds} s of film (${video.frames} frames ${video.size} @ ${video.fps} fps), ` +
        `seed ${video.seed}, ${video.cost} credits; ${elapsed.toFixed(2)} s in all\n`,
    );
  }
  for (const f of written) process.stdout.write(`${f}\n`);
}

/**
 * The files of the pictures the script's shots open on, by path as the script writes it: from the script's folder
 * (from here for a script on standard input), as src/story/pictures.ts finds them; their bytes are uploaded as they
 * are (the server fits them to the frame). A missing one is refused with its line, before anything is sent.
 */
async function shotPictureFiles(script: StoryScript, folder: string): Promise<Record<string, Blob> | undefined> {
  const { readShotPictureFile, uploadablePath } = await import('../../story/pictures.ts');
  const images: Record<string, Blob> = {};
  for (const shot of script.shots) {
    if (shot.image === undefined || shot.image in images) continue;
    if (!uploadablePath(shot.image)) {
      throw invalidArgument('script', `${script.source}:${shot.line}: ${shot.image}: a picture sent to a server cannot have [ or ] in its path; rename the file`);
    }
    images[shot.image] = new Blob([await readShotPictureFile({ image: shot.image, line: shot.line }, { folder, source: script.source })]);
  }
  return Object.keys(images).length > 0 ? images : undefined;
}

/** A film a `--server` run left in this folder: the server's id (its metadata's `extra.videoId`), story seed and shots. */
interface ServerFilm {
  readonly id: string;
  readonly seed: number;
  readonly shots: readonly { index: number; prompt: string; seconds: number; seed: number; transition: string }[];
}

async function serverFilmIn(out: string): Promise<ServerFilm | undefined> {
  const [{ sidecarPath }, { STORY_FILES }] = await Promise.all([import('../../media/metadata.ts'), import('../../story/record.ts')]);
  try {
    const metadata = JSON.parse(await readFile(sidecarPath(join(out, STORY_FILES.film)), 'utf8')) as {
      seed: number;
      extra?: { videoId?: unknown };
      settings: { story: { shot: number; prompt: string; seconds: number; seed: number; transition: string }[] };
    };
    if (typeof metadata.extra?.videoId !== 'string') return undefined; // a film made here, not by a server
    return { id: metadata.extra.videoId, seed: metadata.seed, shots: metadata.settings.story.map(({ shot, ...s }) => ({ index: shot, ...s })) };
  } catch {
    return undefined; // no film here yet
  }
}

/** The script's text with `seed N` written into the line of each shot `seeds` names (the rest as written). */
function withShotSeeds(text: string, shots: readonly ScriptShot[], seeds: ReadonlyMap<number, number>): string {
  const lines = text.split('\n');
  for (const shot of shots) {
    const seed = seeds.get(shot.index);
    if (seed === undefined) continue;
    lines[shot.line - 1] = formatShotLine({ ...shot, seed }, /^\s*/.exec(lines[shot.line - 1])![0]);
  }
  return lines.join('\n');
}

/**
 * Seeds carried from the film made before: each shot takes the seed of the first earlier shot, in order, that is
 * the `same` and not yet taken (so inserting, removing or moving shots keeps the others' seeds, as a shot
 * drawn anew by `--reroll` keeps its own), while the story seed stays the same; `--reroll` now draws new ones.
 * A seed the script's line gives is the seed.
 */
function shotSeeds<T extends { seed: number }>(
  earlier: { seed: number; shots: readonly T[] } | undefined,
  script: { shots: readonly ScriptShot[] },
  seed: number,
  rerolls: number[],
  same: (shot: ScriptShot, old: T) => boolean,
): Map<number, number> {
  const seeds = new Map<number, number>();
  if (earlier && earlier.seed === seed) {
    const taken = new Set<T>();
    for (const shot of script.shots) {
      const old = earlier.shots.find((s) => !taken.has(s) && same(shot, s));
      if (!old) continue;
      taken.add(old);
      if (shot.seed === undefined) seeds.set(shot.index, old.seed);
    }
  }
  for (const n of rerolls) seeds.set(n, parseSeed(undefined));
  return seeds;
}

function printPlan(plan: StoryPlan, what: { model: string; width: number; height: number; fps: number }): void {
  const lines = [
    `${plan.title}: ${counted(plan.shots.length, 'shot')}, ${plan.seconds.toFixed(2)} s, ${what.model} ${what.width}x${what.height} @ ${what.fps} fps, seed ${plan.seed}`,
    ...plan.shots.map(
      (s) => `  ${String(s.index).padStart(2)}. ${s.seconds} s${s.transition === 'continue' ? ', continues' : ''}${s.image === undefined ? '' : `, opens on ${s.image}`}, seed ${s.seed}: ${s.prompt}`,
    ),
  ];
  process.stderr.write(lines.join('\n') + '\n');
}
