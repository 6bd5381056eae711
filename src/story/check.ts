/**
 * `cinesim story --check`: does each character look as described in the shots that name it? The probe
 * (trained on rendered clips only, src/eval) reads every shot; each character's described values (colour,
 * shape, size, texture) are checked against what it reads. The probe says which values a clip shows, not
 * which object shows them, so in a shot with two characters a swapped colour still reads as right.
 */
import type { Probe } from '../engine/probe.ts';
import { checkStated, statedValues, type ValueCheck } from '../eval/adherence.ts';
import type { VideoFrames } from '../media/frames.ts';
import { parsePrompt } from '../world/parser.ts';
import type { CastMember } from './script.ts';
import type { StoryPlan } from './plan.ts';

export interface CastCheck {
  readonly shot: number;
  readonly name: string;
  /** The character's described values and whether the probe reads each in the shot. */
  readonly checks: readonly ValueCheck[];
}

export interface CastReport {
  readonly checks: readonly CastCheck[];
  /** (shot, character) pairs with every described value read, and their count. */
  readonly consistent: number;
  readonly total: number;
}

/** `shots[k]` holds the frames of `plan.shots[k]`. */
export async function checkCast(probe: Probe, plan: StoryPlan, cast: readonly CastMember[], shots: readonly VideoFrames[]): Promise<CastReport> {
  const described = new Map(cast.map((c) => [c.name, statedValues(parsePrompt(c.description))]));
  const readings = await probe.readMany(shots);
  const checks = plan.shots.flatMap((shot, k) =>
    shot.cast.map((name) => ({ shot: shot.index, name, checks: checkStated(described.get(name) ?? [], readings[k], probe.heads) })),
  );
  return { checks, consistent: checks.filter((c) => c.checks.every((v) => v.correct)).length, total: checks.length };
}

export function formatCastReport(report: CastReport): string {
  const lines = report.checks.map(
    ({ shot, name, checks }) => `  shot ${String(shot).padStart(2)} ${name}: ${checks.map((v) => `${v.value} ${v.correct ? '✓' : '✗'}`).join(', ')}`,
  );
  const share = report.total === 0 ? 'no shot names a character' : `${report.consistent} of ${report.total} read as described`;
  return [`characters (probe): ${share}`, ...lines].join('\n');
}
