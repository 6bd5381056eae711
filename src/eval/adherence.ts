/**
 * Prompt adherence as read by the probe.
 *
 * For each attribute value a prompt states (colour, shape, size, texture, motion of each object; camera
 * and background of the scene), the clip is right when
 * - multi-hot heads ("present in the clip"): the stated value's probability is above 0.5;
 * - single-choice heads: the head's most probable value is the stated one.
 * Values are counted once per clip ("two red balls" states red once). Unstated attributes are not
 * scored: the prompt leaves them to the model (defaults such as "medium" or "static" included).
 *
 * Per-attribute adherence is the share of (clip, stated value) pairs read right; usable yield is the
 * share of clips with every stated value read right (a clip a user would keep). Binding is NOT measured:
 * the probe says what is present, not which object has it, so "a red ball and a blue square" read as
 * "a blue ball and a red square" scores as right.
 */
import { CinesimError, ERRORS } from '../errors.ts';
import type { PromptSpec } from '../world/spec.ts';
import { OBJECT_ATTRIBUTES } from '../world/vocabulary.ts';
import type { ProbeHead, ProbeReading } from './probe.ts';

/** Every attribute adherence is scored on, objects' first. */
export const SCORED_ATTRIBUTES = [...OBJECT_ATTRIBUTES, 'camera', 'background'] as const;
export type ScoredAttribute = (typeof SCORED_ATTRIBUTES)[number];

export interface StatedValue {
  readonly attribute: ScoredAttribute;
  readonly value: string;
}

export interface ValueCheck extends StatedValue {
  readonly correct: boolean;
  /** The probe's probability of the stated value. */
  readonly probability: number;
}

/** The attribute values a parsed prompt states, each once, in SCORED_ATTRIBUTES order. */
export function statedValues(prompt: PromptSpec): StatedValue[] {
  const out: StatedValue[] = [];
  for (const attribute of SCORED_ATTRIBUTES) {
    const values =
      attribute === 'camera' || attribute === 'background'
        ? [prompt[attribute]]
        : prompt.objects.map((o) => o[attribute]);
    for (const value of new Set(values)) if (value !== undefined) out.push({ attribute, value });
  }
  return out;
}

/** Checks each stated value against a probe reading. Throws when the probe cannot read an attribute or value. */
export function checkStated(stated: readonly StatedValue[], reading: ProbeReading, heads: readonly ProbeHead[]): ValueCheck[] {
  return stated.map(({ attribute, value }) => {
    const head = heads.find((h) => h.name === attribute);
    const index = head?.values.indexOf(value) ?? -1;
    const probs = reading.heads[attribute];
    if (head === undefined || index < 0 || probs === undefined) {
      throw new CinesimError(ERRORS.MODEL_INVALID, `the probe cannot read ${attribute} '${value}': it has no such head or value`);
    }
    return { attribute, value, correct: isRead(head, probs, index), probability: probs[index] };
  });
}

/** The one decision rule: a multi-hot value is read when p > 0.5, a single-choice value when it is the top one. */
function isRead(head: ProbeHead, probs: Float32Array, index: number): boolean {
  return head.multi ? probs[index] > 0.5 : argmax(probs) === index;
}

/** Everything the probe reads in a clip, as "attribute=value" (for reports: what a missed clip showed instead). */
export function readValues(reading: ProbeReading, heads: readonly ProbeHead[]): string[] {
  return heads.flatMap((head) => {
    const probs = reading.heads[head.name];
    return head.values.flatMap((value, i) => (isRead(head, probs, i) ? [`${head.name}=${value}`] : []));
  });
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

// --- aggregation ---------------------------------------------------------------------------------------

export interface AttributeScore {
  readonly correct: number;
  readonly total: number;
  /** correct / total; null when no clip of the group states this attribute. */
  readonly rate: number | null;
}

export interface GroupScore {
  readonly clips: number;
  /** Clips with every stated value right. */
  readonly usable: number;
  readonly usableYield: number | null;
  readonly attributes: Readonly<Record<ScoredAttribute, AttributeScore>>;
}

/** seen − held-out, as fractions (×100 for points); null where either side is missing. */
export interface AdherenceGap {
  readonly usableYield: number | null;
  readonly attributes: Readonly<Record<ScoredAttribute, number | null>>;
}

export interface AdherenceSummary {
  readonly all: GroupScore;
  readonly seen: GroupScore;
  readonly heldOut: GroupScore;
  readonly gap: AdherenceGap;
}

export interface ClipChecks {
  readonly heldOut: boolean;
  readonly checks: readonly ValueCheck[];
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

export function scoreGroup(clips: readonly (readonly ValueCheck[])[]): GroupScore {
  const attributes = Object.fromEntries(
    SCORED_ATTRIBUTES.map((attribute) => {
      const checks = clips.flatMap((c) => c.filter((v) => v.attribute === attribute));
      const correct = checks.filter((v) => v.correct).length;
      return [attribute, { correct, total: checks.length, rate: ratio(correct, checks.length) }];
    }),
  ) as Record<ScoredAttribute, AttributeScore>;
  const usable = clips.filter((c) => c.every((v) => v.correct)).length;
  return { clips: clips.length, usable, usableYield: ratio(usable, clips.length), attributes };
}

/** The share of every stated value read, all attributes pooled (one figure for "does it follow the prompt"). */
export function statedShare(score: GroupScore): number | null {
  const values = Object.values(score.attributes);
  return ratio(
    values.reduce((n, a) => n + a.correct, 0),
    values.reduce((n, a) => n + a.total, 0),
  );
}

/** All, seen and held-out scores of a set of clips, and the seen − held-out gap. */
export function summarizeAdherence(clips: readonly ClipChecks[]): AdherenceSummary {
  const all = scoreGroup(clips.map((c) => c.checks));
  const seen = scoreGroup(clips.filter((c) => !c.heldOut).map((c) => c.checks));
  const heldOut = scoreGroup(clips.filter((c) => c.heldOut).map((c) => c.checks));
  const gap: AdherenceGap = {
    usableYield: difference(seen.usableYield, heldOut.usableYield),
    attributes: Object.fromEntries(
      SCORED_ATTRIBUTES.map((a) => [a, difference(seen.attributes[a].rate, heldOut.attributes[a].rate)]),
    ) as Record<ScoredAttribute, number | null>,
  };
  return { all, seen, heldOut, gap };
}
