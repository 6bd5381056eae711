/**
 * The eval suite: a FIXED list of prompts, each with the full scene it means, whether it is built from a
 * combination held out of training, and the seed its clips use. It is written once by
 * `cinesim eval suite --write` (deterministic from the suite's seed) and from then on read from its JSON
 * file, so figures stay comparable when the sampler, captions or held-out list change.
 *
 * Order matters: every 4th entry is held-out and every 4th entry of each group is Chinese, so the first N
 * entries (`--limit N`) keep the suite's proportions.
 *
 * Loading re-parses every prompt and fails loudly when one no longer means its scene (the parser
 * changed): a drifted suite would score the model against the wrong answers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CinesimError, ERRORS } from '../errors.ts';
import { Rng } from '../util/random.ts';
import { captionScene, describeScene } from '../world/captions.ts';
import { applyDefaults, parsePrompt } from '../world/parser.ts';
import { DEFAULT_HELD_OUT, matchesHeldOut, sampleScene, type HeldOutRule } from '../world/sampler.ts';
import type { PromptSpec, SceneSpec } from '../world/spec.ts';
import {
  BACKGROUNDS,
  CAMERA_MOVES,
  COLORS,
  LANGUAGES,
  MOTIONS,
  OBJECT_ATTRIBUTES,
  SHAPES,
  SIZES,
  TEXTURES,
  type Language,
} from '../world/vocabulary.ts';

export const SUITE_FORMAT_VERSION = 1;
export const DEFAULT_SUITE = 'shapes-v1';

/** Where suite names are looked up: the committed suites next to this module. */
const SUITES_DIR = fileURLToPath(new URL('./suites/', import.meta.url));

/** How `cinesim eval suite --write` builds shapes-v1. Changing any of these makes a new suite (a new name). */
export const SHAPES_V1 = {
  name: 'shapes-v1',
  seed: 20_251_122,
  count: 240,
  description:
    'Shapes World prompt suite: 3 of 4 prompts sampled with the held-out combinations excluded, 1 of 4 built from ' +
    'a held-out combination (cycling through the rules); 1-3 objects (60/30/10%); 1 of 4 prompts in Chinese.',
} as const;

// --- schema --------------------------------------------------------------------------------------------

const objectSchema = z.strictObject({
  shape: z.enum(SHAPES),
  color: z.enum(COLORS),
  size: z.enum(SIZES),
  texture: z.enum(TEXTURES),
  motion: z.enum(MOTIONS),
});

const sceneSchema = z.strictObject({
  background: z.enum(BACKGROUNDS),
  objects: z.array(objectSchema).min(1).max(3),
  camera: z.enum(CAMERA_MOVES),
});

const ruleSchema = objectSchema.partial().extend({
  camera: z.enum(CAMERA_MOVES).optional(),
  background: z.enum(BACKGROUNDS).optional(),
});

const entrySchema = z.strictObject({
  id: z.string().min(1),
  prompt: z.string().min(1),
  lang: z.enum(LANGUAGES),
  spec: sceneSchema,
  /** The held-out rule this scene was built from; null for a scene of the training distribution. */
  heldOut: ruleSchema.nullable(),
  /** Seeds both the generated clip's noise and the rendered clip's layout. */
  seed: z.number().int().min(0).max(2 ** 31 - 1),
});

const suiteSchema = z.strictObject({
  formatVersion: z.literal(SUITE_FORMAT_VERSION),
  name: z.string().min(1),
  description: z.string(),
  seed: z.number().int(),
  generatedBy: z.string(),
  heldOutRules: z.array(ruleSchema),
  entries: z.array(entrySchema).min(1),
});

export interface SuiteEntry {
  readonly id: string;
  readonly prompt: string;
  readonly lang: Language;
  readonly spec: SceneSpec;
  readonly heldOut: HeldOutRule | null;
  readonly seed: number;
}

export interface SuiteFile {
  readonly formatVersion: typeof SUITE_FORMAT_VERSION;
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly generatedBy: string;
  /** The held-out rules in force when the suite was written. */
  readonly heldOutRules: readonly HeldOutRule[];
  readonly entries: readonly SuiteEntry[];
}

/** A loaded entry, with what its prompt states (parsed, defaults not filled). */
export interface LoadedEntry extends SuiteEntry {
  readonly said: PromptSpec;
}

export interface Suite extends Omit<SuiteFile, 'entries'> {
  /** The file it was read from. */
  readonly path: string;
  readonly entries: readonly LoadedEntry[];
}

// --- building ------------------------------------------------------------------------------------------

export interface BuildSuiteOptions {
  readonly name: string;
  readonly seed: number;
  /** Number of prompts. */
  readonly count: number;
  readonly description: string;
  readonly heldOutRules?: readonly HeldOutRule[];
}

const CAPTION_ATTEMPTS = 20;

/** Builds a suite deterministically from its seed: entry i depends only on (seed, i). */
export function buildSuite(options: BuildSuiteOptions = SHAPES_V1): SuiteFile {
  const rules = options.heldOutRules ?? DEFAULT_HELD_OUT;
  const counters = { seen: 0, heldOut: 0 };
  const entries = Array.from({ length: options.count }, (_, i): SuiteEntry => {
    const heldOut = rules.length > 0 && i % 4 === 3;
    const k = heldOut ? counters.heldOut++ : counters.seen++;
    const lang: Language = k % 4 === 3 ? 'zh' : 'en';
    const rng = Rng.derive(options.seed, `entry:${i}`);
    const rule = heldOut ? rules[k % rules.length] : null;
    const spec = rule
      ? sampleScene(rng, { heldOut: [rule], heldOutMode: 'only' })
      : sampleScene(rng, { heldOut: rules, heldOutMode: 'exclude' });
    return {
      id: `${heldOut ? 'heldout' : 'seen'}-${String(k + 1).padStart(3, '0')}`,
      prompt: captionFor(spec, lang, rng),
      lang,
      spec,
      heldOut: rule,
      seed: rng.int(2 ** 31),
    };
  });
  return {
    formatVersion: SUITE_FORMAT_VERSION,
    name: options.name,
    description: options.description,
    seed: options.seed,
    generatedBy: 'cinesim eval suite --write',
    heldOutRules: rules,
    entries,
  };
}

/** A natural caption that parses back to exactly `spec`; the plain description when none does. */
function captionFor(spec: SceneSpec, lang: Language, rng: Rng): string {
  for (let attempt = 0; attempt < CAPTION_ATTEMPTS; attempt++) {
    const text = captionScene(spec, lang, rng);
    if (sameScene(meaning(text), spec)) return text;
  }
  const plain = describeScene(spec, lang);
  if (!sameScene(meaning(plain), spec)) {
    throw new CinesimError(ERRORS.INTERNAL, `no caption of ${JSON.stringify(spec)} parses back to it (tried "${plain}")`);
  }
  return plain;
}

/** What a prompt means with the unsaid defaults filled in; undefined when it no longer parses. */
function meaning(prompt: string): ReturnType<typeof applyDefaults> | undefined {
  try {
    return applyDefaults(parsePrompt(prompt));
  } catch {
    return undefined;
  }
}

/** Attribute-by-attribute equality (objects in order), so absent and undefined keys compare alike. */
function sameScene(a: ReturnType<typeof applyDefaults> | undefined, b: SceneSpec): boolean {
  return (
    a !== undefined &&
    a.background === b.background &&
    a.camera === b.camera &&
    a.objects.length === b.objects.length &&
    a.objects.every((o, i) => OBJECT_ATTRIBUTES.every((k) => o[k] === b.objects[i][k]))
  );
}

// --- reading and writing -------------------------------------------------------------------------------

/** A suite file from a name (a committed suite) or a path to a .json file. */
export function suitePath(nameOrPath: string): string {
  const looksLikePath = isAbsolute(nameOrPath) || /[/\\]/.test(nameOrPath) || nameOrPath.endsWith('.json');
  return looksLikePath ? resolve(nameOrPath) : join(SUITES_DIR, `${nameOrPath}.json`);
}

/** Reads a suite and checks it: schema, unique ids, held-out labels, and every prompt still meaning its scene. */
export async function loadSuite(nameOrPath: string = DEFAULT_SUITE): Promise<Suite> {
  const path = suitePath(nameOrPath);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `cannot read suite ${path}: ${(cause as Error).message}`, { param: 'suite', cause });
  }
  const parsed = suiteSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `'${i.path.join('.')}': ${i.message}`);
    throw suiteError(path, `not a valid suite file: ${issues.join('; ')}`);
  }
  const file = parsed.data as SuiteFile;
  const problems = checkEntries(file);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('\n  ');
    const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : '';
    throw suiteError(path, `${problems.length} entr${problems.length === 1 ? 'y is' : 'ies are'} inconsistent:\n  ${shown}${more}`);
  }
  const entries = file.entries.map((e): LoadedEntry => ({ ...e, said: parsePrompt(e.prompt) }));
  return { ...file, path, entries };
}

function checkEntries(file: SuiteFile): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const e of file.entries) {
    if (ids.has(e.id)) problems.push(`${e.id}: duplicate id`);
    ids.add(e.id);
    const now = meaning(e.prompt);
    if (!sameScene(now, e.spec)) {
      problems.push(
        `${e.id}: "${e.prompt}" now parses to ${now ? JSON.stringify(now) : 'an error'}, ` +
          `not to its spec ${JSON.stringify(e.spec)} (the parser changed: fix it, or write a new suite under a new name)`,
      );
    }
    if (e.heldOut !== null && !matchesHeldOut(e.spec, [e.heldOut])) {
      problems.push(`${e.id}: labelled held-out by ${JSON.stringify(e.heldOut)} but its scene does not match that rule`);
    }
    if (e.heldOut === null && matchesHeldOut(e.spec, file.heldOutRules)) {
      problems.push(`${e.id}: labelled seen but its scene matches a held-out rule`);
    }
  }
  return problems;
}

function suiteError(path: string, message: string): CinesimError {
  return new CinesimError(ERRORS.INPUT_UNREADABLE, `suite ${path}: ${message}`, { param: 'suite', details: { path } });
}

/** The suite as JSON: header fields indented, one entry per line (reviewable diffs, ~60 kB). */
export function formatSuite(suite: SuiteFile): string {
  const { entries, ...header } = suite;
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '');
  return `${head},\n  "entries": [\n${entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]\n}\n`;
}

/** Writes a suite file (by default the committed one of its name); returns the path. */
export async function writeSuite(suite: SuiteFile, path: string = suitePath(suite.name)): Promise<string> {
  await writeFile(path, formatSuite(suite), 'utf8');
  return path;
}
