/**
 * The story script: a short, line-based text a person writes by hand — a cast of named characters, each
 * described once in the model's words, and a list of shots that name them.
 *
 *   title: Ruby's evening
 *   seed: 7
 *   cast:
 *     Ruby: a small red striped ball
 *     Max: a large blue square
 *   shots:
 *     - 2s: Ruby bounces on green grass
 *     - 3s: Max moves left on green grass, the camera pans left
 *     - 2s continue: Ruby bounces on green grass      (starts on the last frame of the shot before)
 *     - Ruby and Max at night                         (the model's own length)
 *     - 2s seed 42: Max falls at night                  (this shot's own seed)
 *     - 2s image board/05.png: Ruby falls at night      (opens on this picture: a storyboard frame)
 *
 * Chinese headers work too (标题, 种子, 角色, 镜头 or 分镜; durations as "3秒"; 接续 for continue; 种子 42 for a seed;
 * 图片 for an image). Blank lines
 * and lines starting with # are skipped. Everything wrong is reported with its line number; parsing
 * checks form only — words are checked against a model's vocabulary when the story is planned (plan.ts).
 */
import { CinesimError, ERRORS } from '../errors.ts';

export type Transition = 'cut' | 'continue';

export interface CastMember {
  readonly name: string;
  /** In the model's words: "a small red striped ball". */
  readonly description: string;
  readonly line: number;
}

export interface ScriptShot {
  /** 1-based, in script order. */
  readonly index: number;
  readonly line: number;
  /** Seconds, when the line gives them; else the model's own length. */
  readonly seconds?: number;
  /** `continue`: the shot opens on the last frame of the one before (same scene, carried in pixels). */
  readonly transition: Transition;
  /** The shot as written, cast names and all. */
  readonly text: string;
  /** Its own seed, when the line gives one (`- 2s seed 42: …`); else one derived from the story seed and its text. */
  readonly seed?: number;
  /**
   * The picture it opens on, as written (`- 2s image board/05.png: …`; a path from the script's folder, in
   * quotes when it has spaces): a storyboard frame made elsewhere, the shot's first frame (image-to-video).
   */
  readonly image?: string;
}

export interface StoryScript {
  /** Where the script came from, for messages ("story.txt"). */
  readonly source: string;
  readonly title?: string;
  readonly seed?: number;
  readonly cast: readonly CastMember[];
  readonly shots: readonly ScriptShot[];
}

/** Most shots one script may hold (a few minutes of film at the model's lengths). */
export const MAX_SHOTS = 200;

const KEYS: Readonly<Record<string, 'title' | 'seed' | 'cast' | 'shots'>> = {
  title: 'title',
  标题: 'title',
  seed: 'seed',
  种子: 'seed',
  cast: 'cast',
  characters: 'cast',
  角色: 'cast',
  shots: 'shots',
  镜头: 'shots',
  分镜: 'shots',
};

// A shot's head before the colon (full-width too): a length first, then `continue`, `seed N` and `image <path>` in
// any order: "- 3s continue: text", "2. 3秒: text", "2s seed 42 image a.png: text", "图片 "my board.png" 种子 5：text".
const HEAD_PART = String.raw`(?:continue|接续|(?:seed|种子)\s*\d+|(?:image|图片)\s*(?:"[^"]*"|'[^']*'|[^\s"']+?))`;
const SHOT = new RegExp(
  String.raw`^(?:(?<seconds>-?\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds|秒))?(?<parts>(?:\s*${HEAD_PART})*)\s*[:：]\s*(?<text>.*)$`,
  'i',
);
const PART = /(?<continue>continue|接续)|(?:seed|种子)\s*(?<seed>\d+)|(?:image|图片)\s*(?<image>"[^"]*"|'[^']*'|[^\s"']+)/gi;
/** A head that names a picture but did not read as one: its path has spaces and no quotes. */
const UNQUOTED_IMAGE = /^(?:-?\d+(?:\.\d+)?\s*(?:s|sec|secs|seconds|秒))?(?:\s*(?:continue|接续|(?:seed|种子)\s*\d+))*\s*(?:image|图片)\s*[^"'\s:：]+\s+[^:：]*[:：]/i;
const BULLET = /^(?:[-*•]|\d+[.)、])\s*/;
const KEY = /^(?<key>[^\s:：]+)\s*[:：]\s*(?<value>.*)$/;
const CAST = /^(?<name>[^\s:：=]+)\s*[:：=]\s*(?<description>.+)$/;

export function parseStory(text: string, source = 'story'): StoryScript {
  const fail = (line: number, message: string) =>
    new CinesimError(ERRORS.INVALID_ARGUMENT, `${source}:${line}: ${message}`, { param: 'script', details: { line } });
  const checkSeed = (value: string, line: number) => {
    if (!/^\d+$/.test(value) || Number(value) >= 2 ** 32) throw fail(line, `seed must be a whole number from 0 to ${2 ** 32 - 1}, got "${value}"`);
    return Number(value);
  };
  let title: string | undefined;
  let seed: number | undefined;
  const cast: CastMember[] = [];
  const shots: ScriptShot[] = [];
  let section: 'top' | 'cast' | 'shots' = 'top';

  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) return;

    // A header or key: "cast:", "title: …", "seed: 7" (these words are reserved, wherever they stand).
    const key = KEY.exec(content.replace(/^\uFEFF/, ''))?.groups;
    const known = key && KEYS[key.key.toLowerCase()];
    if (key && known) {
      const value = key.value.trim();
      if (known === 'cast' || known === 'shots') {
        if (value !== '') throw fail(line, `"${key.key}:" starts a list; put its entries on the lines below`);
        section = known;
      } else if (known === 'title') {
        title = value;
      } else {
        seed = checkSeed(value, line);
      }
      return;
    }

    const entry = content.replace(BULLET, '');
    if (section === 'cast') {
      const m = CAST.exec(entry)?.groups;
      if (!m) throw fail(line, `a cast line names a character and describes it: "Ruby: a small red striped ball"`);
      if (cast.some((c) => c.name.toLowerCase() === m.name.toLowerCase())) throw fail(line, `"${m.name}" is already in the cast`);
      cast.push({ name: m.name, description: m.description.trim(), line });
      return;
    }
    // A shot: in the shots section, or any other line of a script without headers.
    const shot = SHOT.exec(entry)?.groups;
    if (!shot && UNQUOTED_IMAGE.test(entry)) throw fail(line, 'a picture\'s path with spaces goes in quotes: image "board/my picture.png"');
    const said = shot ? shot.text.trim() : entry;
    if (said === '') throw fail(line, 'this shot says nothing to show');
    const seconds = shot?.seconds === undefined ? undefined : Number(shot.seconds);
    if (seconds !== undefined && !(seconds > 0)) throw fail(line, `a shot lasts more than 0 s, got ${shot!.seconds}`);
    const head = headParts(shot?.parts ?? '', (message) => fail(line, message));
    const shotSeed = head.seed === undefined ? undefined : checkSeed(head.seed, line);
    if (head.image === '') throw fail(line, 'an image needs its file: "- 2s image board/05.png: …"');
    if (head.image !== undefined && head.continue) throw fail(line, 'a continue shot opens on the frame before it; give it no image');
    shots.push({
      index: shots.length + 1,
      line,
      seconds,
      transition: head.continue ? 'continue' : 'cut',
      text: said,
      ...(shotSeed === undefined ? {} : { seed: shotSeed }),
      ...(head.image === undefined ? {} : { image: head.image }),
    });
    if (shots.length > MAX_SHOTS) throw fail(line, `a story holds at most ${MAX_SHOTS} shots`);
  });

  if (shots.length === 0) throw fail(1, 'no shots: list them under "shots:", one per line ("- 2s: Ruby bounces on green grass")');
  if (shots[0].transition === 'continue') throw fail(shots[0].line, 'the first shot has no shot before it to continue');
  return { source, title, seed, cast, shots };
}

/** The parts of a shot's head after its length, each at most once; a picture's path without its quotes. */
function headParts(parts: string, fail: (message: string) => Error): { continue?: true; seed?: string; image?: string } {
  const head: { continue?: true; seed?: string; image?: string } = {};
  for (const m of parts.matchAll(PART)) {
    const g = m.groups!;
    const part = g.continue !== undefined ? 'continue' : g.seed !== undefined ? 'seed' : 'image';
    if (head[part] !== undefined) throw fail(`"${part}" is given twice before the colon`);
    if (part === 'continue') head.continue = true;
    else if (part === 'seed') head.seed = g.seed;
    else head.image = g.image.replace(/^(["'])(.*)\1$/, '$2').trim();
  }
  return head;
}

/**
 * A shot as a script line, in the form `parseStory` reads: `  - 2s continue seed 42: text`. Written by whatever
 * gives a script back (the studio's "Use settings") or sends one with seeds filled in (`story --server`).
 */
export function formatShotLine(
  shot: { readonly seconds?: number; readonly transition: Transition; readonly seed?: number; readonly image?: string; readonly text: string },
  indent = '  ',
): string {
  const image = shot.image === undefined ? '' : `image ${/\s/.test(shot.image) ? `"${shot.image}"` : shot.image}`;
  const head = [shot.seconds === undefined ? '' : `${shot.seconds}s`, shot.transition === 'continue' ? 'continue' : '', shot.seed === undefined ? '' : `seed ${shot.seed}`, image];
  const said = head.filter(Boolean).join(' ');
  return `${indent}- ${said}${said ? ': ' : ''}${shot.text}`;
}
