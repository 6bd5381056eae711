/**
 * Reference subject ("keep this character", Vidu's reference-to-video), as a text bridge.
 *
 * The default models have no image-reference input: their only channel for what an object looks like is
 * the prompt. So a reference image is READ by the probe (a network trained on rendered clips) into the
 * attributes the prompt language has for an object's identity — shape, colour, texture — and those are
 * written into the prompt. What transfers is the attributes, not the pixels: a reference drawn in another
 * style, or a subject the vocabulary has no word for, comes out as the nearest Shapes World object.
 *
 *   describeReference(probe, image) → { shape, color, texture, confidence }
 *   applyReferences(prompt, [subject, …]) → the prompt with reference i's attributes on object i
 *
 * Size is left out on purpose: how large a subject looks depends on how the reference was framed, and
 * motion on what the prompt asks for.
 */
import { CinesimError, ERRORS } from '../errors.ts';
import { makeFrames, type VideoFrames } from '../media/frames.ts';
import { describePrompt } from '../world/captions.ts';
import { promptLanguage } from '../world/lexicon.ts';
import { parsePrompt } from '../world/parser.ts';
import { MAX_OBJECTS, type ObjectSpec, type PromptSpec } from '../world/spec.ts';
import { COLORS, isOneOf, OBJECT_ATTRIBUTES, SHAPES, TEXTURES, type Color, type Shape, type Texture } from '../world/vocabulary.ts';
import type { Probe } from './probe.ts';

/** The attributes a reference decides, in the order messages name them. */
export const REFERENCE_ATTRIBUTES = ['shape', 'color', 'texture'] as const;
export type ReferenceAttribute = (typeof REFERENCE_ATTRIBUTES)[number];

/** Frames of the still clip the probe reads an image as (it was trained on clips; a still is a clip that does not move). */
export const REFERENCE_FRAMES = 5;

export interface ReferenceSubject {
  readonly shape: Shape;
  readonly color: Color;
  readonly texture: Texture;
  /** The smallest of the three top probabilities: how sure the probe is of the weakest attribute. */
  readonly confidence: number;
  /** The top probability of each attribute. */
  readonly probabilities: Readonly<Record<ReferenceAttribute, number>>;
}

/** What `applyReferences` needs of a subject; `label` (a file name) names it in error messages. */
export type ReferenceInput = Pick<ReferenceSubject, ReferenceAttribute> & { readonly label?: string };

const VALUES = { shape: SHAPES, color: COLORS, texture: TEXTURES } as const;

/** Reads the object in `image` (its first frame, at the size it will be generated at) with the probe. */
export async function describeReference(probe: Probe, image: VideoFrames): Promise<ReferenceSubject> {
  const frame = image.data.subarray(0, image.width * image.height * 3);
  const still = makeFrames(image.width, image.height, image.fps, REFERENCE_FRAMES); // [F, H, W, 3]
  for (let f = 0; f < REFERENCE_FRAMES; f++) still.data.set(frame, f * frame.length);
  const reading = await probe.read(still);
  const top = Object.fromEntries(
    REFERENCE_ATTRIBUTES.map((attribute) => {
      const head = probe.head(attribute);
      const probs = reading.heads[attribute];
      let best = 0;
      for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
      const value = head.values[best];
      if (!isOneOf<string>(VALUES[attribute], value)) {
        throw new CinesimError(ERRORS.MODEL_INVALID, `probe '${probe.manifest.name}' reads ${attribute} '${value}', which Shapes World has no word for`);
      }
      return [attribute, { value, p: probs[best] }];
    }),
  ) as Record<ReferenceAttribute, { value: string; p: number }>;
  return {
    shape: top.shape.value as Shape,
    color: top.color.value as Color,
    texture: top.texture.value as Texture,
    confidence: Math.min(top.shape.p, top.color.p, top.texture.p),
    probabilities: { shape: top.shape.p, color: top.color.p, texture: top.texture.p },
  };
}

/**
 * The prompt with reference i's shape, colour and texture on the prompt's object i (in the order the
 * prompt names them). An attribute the prompt leaves unsaid is added; one it states differently is a
 * contradiction and fails, naming both. References beyond the prompt's objects add objects (a prompt
 * with no object gets the reference's). Returns the prompt unchanged when it already says everything;
 * otherwise its plain rewording (captions' `describePrompt`), which parses back to the merged meaning.
 */
export function applyReferences(prompt: string, references: readonly ReferenceInput[]): string {
  if (references.length === 0) return prompt;
  const said = parsePrompt(prompt);
  const total = Math.max(said.objects.length, references.length);
  if (total > MAX_OBJECTS) {
    throw new CinesimError(
      ERRORS.PROMPT_INVALID,
      `${references.length} references and ${said.objects.length} objects in the prompt make ${total} objects; a scene holds at most ${MAX_OBJECTS}`,
      { param: 'references' },
    );
  }
  const objects = Array.from({ length: total }, (_, i) => {
    const object = said.objects[i] ?? {};
    return i < references.length ? withReference(object, references[i], i) : object;
  });
  const merged: PromptSpec = { ...said, objects };
  if (sameMeaning(merged, said)) return prompt;
  const text = describePrompt(merged, promptLanguage(prompt));
  if (!sameMeaning(parsePrompt(text), merged)) {
    throw new CinesimError(ERRORS.INTERNAL, `the prompt with its references, "${text}", does not read back as ${JSON.stringify(merged)}`);
  }
  return text;
}

function withReference(object: Partial<ObjectSpec>, ref: ReferenceInput, index: number): Partial<ObjectSpec> {
  for (const attribute of REFERENCE_ATTRIBUTES) {
    const stated = object[attribute];
    if (stated !== undefined && stated !== ref[attribute]) {
      const name = `reference ${index + 1}${ref.label ? ` (${ref.label})` : ''}`;
      throw new CinesimError(
        ERRORS.PROMPT_INVALID,
        `the prompt's ${ordinal(index)} object is ${attribute} "${stated}" but ${name} shows ${attribute} "${ref[attribute]}"; keep one`,
        { param: 'references', details: { object: index, attribute, prompt: stated, reference: ref[attribute] } },
      );
    }
  }
  return { ...object, shape: ref.shape, color: ref.color, texture: ref.texture };
}

/** Attribute-by-attribute equality of two prompt meanings (absent and undefined keys compare alike). */
function sameMeaning(a: PromptSpec, b: PromptSpec): boolean {
  return (
    a.background === b.background &&
    a.camera === b.camera &&
    a.objects.length === b.objects.length &&
    a.objects.every((o, i) => OBJECT_ATTRIBUTES.every((k) => o[k] === b.objects[i][k]))
  );
}

function ordinal(index: number): string {
  return ['first', 'second', 'third'][index] ?? `#${index + 1}`;
}
