/**
 * A parsed script → the shots a model will make: each character's name replaced by its description (so a
 * character looks the same in every shot, as far as words carry it), every prompt checked against the
 * model's vocabulary with the script line it came from, a length and a seed per shot. Nothing runs here:
 * `cinesim story --dry-run` prints this plan.
 */
import { encodePrompt } from '../engine/tokenizer.ts';
import { CinesimError, ERRORS, rephrased } from '../errors.ts';
import { Rng } from '../util/random.ts';
import { parsePrompt } from '../world/parser.ts';
import type { CastMember, StoryScript, Transition } from './script.ts';

/** What planning needs of a model: its tokenizer (words, length), its default length, and which lengths it makes. */
export interface PlanModel {
  readonly tokenizer: { encode(text: string): number[] };
  readonly defaultSeconds: number;
  /** Throws (INVALID_ARGUMENT, with what would do) for a length the model cannot make. */
  checkSeconds(seconds: number): void;
}

export interface PlannedShot {
  readonly index: number;
  readonly line: number;
  /** As written in the script. */
  readonly text: string;
  /** What the model is asked: the text with each character's description in place of its name. */
  readonly prompt: string;
  readonly seconds: number;
  readonly transition: Transition;
  readonly seed: number;
  /** The picture it opens on, as the script gives it (a path from the script's folder; see pictures.ts). */
  readonly image?: string;
  /** The characters the shot names, in cast order. */
  readonly cast: readonly string[];
}

export interface StoryPlan {
  readonly title: string;
  readonly seed: number;
  readonly shots: readonly PlannedShot[];
  /** Seconds of film (a continued shot's first frame repeats the last one, and is cut). */
  readonly seconds: number;
}

export interface PlanOptions {
  /** The story's seed when the script gives none. */
  readonly seed: number;
  /** Shots drawn again with another seed (`--reroll`): index → seed; over a seed the script gives. */
  readonly seeds?: ReadonlyMap<number, number>;
  readonly fps: number;
}

/**
 * Each shot's name: its text, and which of the shots with that text it is ("…#2" for the second). A shot's seed
 * derives from its name, not its place, so inserting, removing or moving a shot leaves every other shot's seed,
 * and so its frames, as they were; editing a shot's text draws it anew.
 */
function shotNames(shots: readonly { readonly text: string }[]): string[] {
  const seen = new Map<string, number>();
  return shots.map((shot) => {
    const text = shot.text.trim().replace(/\s+/g, ' ');
    const n = (seen.get(text) ?? 0) + 1;
    seen.set(text, n);
    return `${text}#${n}`;
  });
}

export function planStory(script: StoryScript, model: PlanModel, options: PlanOptions): StoryPlan {
  const at = (line: number) => `${script.source}:${line}: `;
  for (const member of script.cast) checkCastMember(member, model, at(member.line));
  const seed = script.seed ?? options.seed;
  const names = shotNames(script.shots);
  const shots = script.shots.map((shot, k): PlannedShot => {
    const { prompt, cast } = withCast(shot.text, script.cast);
    try {
      encodePrompt(model.tokenizer, prompt);
    } catch (error) {
      throw rephrased(error, { prefix: at(shot.line), suffix: cast.length > 0 ? ` (as "${prompt}")` : '', param: 'script' });
    }
    const seconds = shot.seconds ?? model.defaultSeconds;
    try {
      model.checkSeconds(seconds);
    } catch (error) {
      throw rephrased(error, { prefix: at(shot.line), param: 'script' });
    }
    return {
      index: shot.index,
      line: shot.line,
      text: shot.text,
      prompt,
      seconds,
      transition: shot.transition,
      seed: options.seeds?.get(shot.index) ?? shot.seed ?? Rng.derive(seed, `shot:${names[k]}`).nextUint32(),
      ...(shot.image === undefined ? {} : { image: shot.image }),
      cast,
    };
  });
  return { title: script.title ?? 'Untitled', seed, shots, seconds: filmSeconds(shots, options.fps) };
}

/**
 * Seconds of film the shots make, or, given `reused`, the part of it made anew (what a remake is charged): each
 * shot adds its frames, a cut its first one too (a continued shot's first frame repeats the one before it,
 * and is cut); the film's own first frame is time zero.
 */
export function filmSeconds(shots: readonly Pick<PlannedShot, 'index' | 'seconds' | 'transition'>[], fps: number, reused?: ReadonlySet<number>): number {
  let frames = 0;
  shots.forEach((s, i) => {
    if (reused?.has(s.index)) return;
    // The first shot's first frame is time zero: it adds no time.
    frames += Math.round(s.seconds * fps) + (i === 0 ? 0 : s.transition === 'cut' ? 1 : 0);
  });
  return frames / fps;
}

/**
 * The shot's text with every character's name replaced by its description. Latin names match as whole
 * words in any case ("Ruby", "ruby"), others (Chinese) wherever they stand; longer names first, so "Max"
 * does not eat "Maxine".
 */
export function withCast(text: string, cast: readonly CastMember[]): { prompt: string; cast: string[] } {
  const named = new Set<string>();
  let prompt = text;
  for (const member of [...cast].sort((a, b) => b.name.length - a.name.length)) {
    const latin = /^[\p{Script=Latin}\d_'-]+$/u.test(member.name);
    const pattern = latin ? new RegExp(`(?<![\\p{L}\\d])${escape(member.name)}(?![\\p{L}\\d])`, 'giu') : new RegExp(escape(member.name), 'gu');
    prompt = prompt.replace(pattern, () => {
      named.add(member.name);
      return member.description;
    });
  }
  return { prompt, cast: cast.filter((c) => named.has(c.name)).map((c) => c.name) };
}

/** A character is one object the model can draw, and its name is not one of the model's words. */
function checkCastMember(member: CastMember, model: PlanModel, at: string): void {
  let isWord = true;
  try {
    model.tokenizer.encode(member.name);
  } catch {
    isWord = false;
  }
  if (isWord) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${at}"${member.name}" is a word the model knows; give the character another name`, { param: 'script' });
  try {
    model.tokenizer.encode(member.description);
    const objects = parsePrompt(member.description).objects;
    if (objects.length !== 1) {
      throw new CinesimError(ERRORS.PROMPT_INVALID, `describes ${objects.length} objects; a character is one ("a small red striped ball")`);
    }
  } catch (error) {
    throw rephrased(error, { prefix: `${at}${member.name}: `, param: 'script' });
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
