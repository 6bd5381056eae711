/**
 * Prompt checking for editors (the studio's live validation): the verdict comes from the model's own
 * tokenizer, exactly as `planGeneration` runs it when a video is created, so the editor and the API can
 * never disagree. The lexicon's segmentation adds what the verdict lacks: where each unknown word is, so
 * it can be underlined; and the parser says what the prompt describes, as a hint.
 */
import { encodePrompt } from '../../engine/tokenizer.ts';
import { isCinesimError } from '../../errors.ts';
import { normalizeText, segment, suggest, words } from '../../world/lexicon.ts';
import { parsePrompt } from '../../world/parser.ts';
import {
  ATTRIBUTES,
  BACKGROUND_NAMES,
  CAMERA_NAMES,
  COLOR_NAMES,
  MOTION_NAMES,
  SHAPE_NAMES,
  SIZE_NAMES,
  TEXTURE_NAMES,
  type AttributeName,
  type Named,
} from '../../world/vocabulary.ts';
import type { ServedModel } from '../models/catalog.ts';
import type { PromptCheck, PromptRole, Vocabulary } from '../schemas/prompts.ts';

type UnknownWord = PromptCheck['unknown'][number];

/**
 * Checks `text` for `model` as the `role` field of a create request; never throws for a bad prompt (that is the
 * answer). A prompt must describe something; a negative prompt only needs known words.
 */
export function checkPrompt(model: ServedModel, text: string, maxChars: number, role: PromptRole = 'prompt'): PromptCheck {
  const known = new Set(model.tokenizer.vocabulary);
  const unknown = placeUnknownWords(text, known, model.tokenizer.vocabulary);

  let error: PromptCheck['error'] = null;
  if (text.length > maxChars) error = { code: 'CINE_ERR_PROMPT_INVALID', message: `${role} is ${text.length} characters; this server takes at most ${maxChars}` };
  if (error === null && role === 'prompt' && text.trim() === '') error = { code: 'CINE_ERR_PROMPT_INVALID', message: 'prompt must not be empty' };
  try {
    // the verdict POST /v1/videos gives
    if (role === 'prompt') encodePrompt(model.tokenizer, text);
    else model.tokenizer.encode(text);
  } catch (e) {
    if (!isCinesimError(e)) throw e;
    error ??= { code: e.code, message: e.message };
    // Words the verdict names that the segmentation did not place (should not happen): listed without a place.
    const names = (e.details as { unknown?: string[]; suggestions?: Record<string, string[]> } | undefined) ?? {};
    for (const word of names.unknown ?? []) {
      if (!unknown.some((u) => u.word === word)) unknown.push({ word, start: null, end: null, suggestions: names.suggestions?.[word] ?? [] });
    }
  }

  let spec: PromptCheck['spec'] = null;
  let specWarning: string | null = null;
  if (unknown.length === 0 && text.trim() !== '') {
    try {
      spec = parsePrompt(text);
    } catch (e) {
      if (!isCinesimError(e)) throw e;
      specWarning = e.message;
    }
  }
  return {
    object: 'prompt_check',
    model: model.name,
    ok: error === null,
    error,
    unknown,
    tokens: 1 + words(text).length, // <bos> and the words, as the tokenizer counts them
    max_tokens: model.tokenizer.maxTokens,
    spec,
    spec_warning: specWarning,
  };
}

/**
 * Unknown words with their place in `text`: words outside the lexicon, and lexicon words this model's
 * vocabulary lacks (a model trained on an older lexicon). Suggestions come from the model's vocabulary,
 * as in the create error.
 */
function placeUnknownWords(text: string, known: ReadonlySet<string>, vocabulary: readonly string[]): UnknownWord[] {
  const toOriginal = offsetMap(text);
  const { tokens, unknown } = segment(text);
  const found = [
    ...unknown.map((u) => ({ word: u.word, start: u.start, end: u.end })),
    ...tokens.filter((t) => t.words.some((w) => !known.has(w))).map((t) => ({ word: t.text, start: t.start, end: t.end })),
  ];
  return found
    .sort((a, b) => a.start - b.start)
    .map(({ word, start, end }) => ({ word, start: toOriginal(start), end: toOriginal(end), suggestions: suggest(word, 3, vocabulary) }));
}

/**
 * Offsets into `normalizeText(text)` (NFKC, lowercase: what segment() reports) → offsets into `text`. Most
 * text maps one to one; a ligature or a full-width form changes lengths, so the map goes code point by code point.
 */
function offsetMap(text: string): (offset: number) => number {
  const starts: number[] = []; // normalised offset → original offset
  let original = 0;
  for (const ch of text) {
    const norm = normalizeText(ch);
    for (let i = 0; i < norm.length; i++) starts.push(original);
    original += ch.length;
  }
  starts.push(original);
  if (starts.length - 1 !== normalizeText(text).length) return (offset) => Math.min(offset, text.length); // composed across characters
  return (offset) => starts[Math.min(offset, starts.length - 1)];
}

const NAMES: Readonly<Record<AttributeName, Readonly<Record<string, Named<string>>>>> = {
  color: COLOR_NAMES,
  shape: SHAPE_NAMES,
  size: SIZE_NAMES,
  texture: TEXTURE_NAMES,
  motion: MOTION_NAMES,
  camera: CAMERA_NAMES,
  background: BACKGROUND_NAMES,
};

/** The attribute values of Shapes World with their canonical phrases, keeping those the model can read. */
export function modelVocabulary(model: ServedModel): Vocabulary {
  const readable = (phrase: string) => {
    try {
      model.tokenizer.encode(phrase);
      return true;
    } catch {
      return false;
    }
  };
  const attributes = (Object.keys(ATTRIBUTES) as AttributeName[]).map((attribute) => ({
    attribute,
    values: ATTRIBUTES[attribute]
      .map((id) => NAMES[attribute][id])
      .filter((n) => readable(n.en) && readable(n.zh))
      .map(({ id, en, zh }) => ({ id, en, zh })),
  }));
  return { object: 'vocabulary', model: model.name, attributes: attributes.filter((a) => a.values.length > 0) };
}
