/**
 * Flow-matching (rectified flow) sampler, after diffusers' FlowMatchEulerDiscreteScheduler and
 * FlowMatchHeunDiscreteScheduler, in plain TypeScript over Float32Array.
 *
 * Convention (docs/FORMATS.md): x_σ = (1 − σ)·x₀ + σ·ε, the network predicts v = ε − x₀, and a step from
 * σ to σ' is x ← x + (σ' − σ)·v. σ runs from 1 (pure noise) to 0 (clean).
 *
 * The contract, as in diffusers: `setTimesteps(steps)`, then one model evaluation per entry of
 * `timesteps` (the σ to feed the network), each followed by `step(velocity, index, sample)`, which returns
 * the sample for the next evaluation (after the last one: the clean sample). A second-order sampler simply
 * has more evaluations than steps; the loop that drives it does not change. The scheduler never holds a
 * model, so it can be rebuilt from its JSON config and swapped.
 */
import { CinesimError, ERRORS } from '../../errors.ts';

export const SAMPLERS = ['euler', 'heun'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export interface FlowMatchConfig {
  /**
   * Time shift (SD3 / Wan style): σ' = shift·σ / (1 + (shift − 1)·σ). Values above 1 spend more steps at
   * high noise, where a video's layout and motion are decided. Default 1 (no shift).
   */
  readonly shift?: number;
  /** 'euler' (1 evaluation per step) or 'heun' (2nd order: 2 per step, except the last). Default 'euler'. */
  readonly sampler?: SamplerName;
}

export interface SetTimestepsOptions {
  /** Overrides the config's shift for this schedule. */
  readonly shift?: number;
}

/** The first half of a Heun step: what the correction needs. */
interface PendingCorrection {
  readonly index: number;
  readonly sample: Float32Array;
  readonly velocity: Float32Array;
}

export class FlowMatchScheduler {
  readonly config: Readonly<Required<FlowMatchConfig>>;
  private sigmaSchedule: readonly number[] = [];
  private evaluationSigmas: readonly number[] = [];
  private pending: PendingCorrection | undefined;

  constructor(config: FlowMatchConfig = {}) {
    const sampler = config.sampler ?? 'euler';
    if (!SAMPLERS.includes(sampler)) {
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `unknown sampler '${sampler}' (known: ${SAMPLERS.join(', ')})`, {
        param: 'sampler',
      });
    }
    this.config = Object.freeze({ shift: checkShift(config.shift ?? 1), sampler });
  }

  /** Model evaluations per step: 1 for Euler, 2 for Heun. */
  get order(): 1 | 2 {
    return this.config.sampler === 'heun' ? 2 : 1;
  }

  /** The schedule: steps + 1 values from 1 down to 0 (after shift). */
  get sigmas(): readonly number[] {
    return this.sigmaSchedule;
  }

  /** σ fed to the network at each evaluation; `step` is called once per entry. */
  get timesteps(): readonly number[] {
    return this.evaluationSigmas;
  }

  /** Number of sampling steps of the current schedule. */
  get steps(): number {
    return Math.max(0, this.sigmaSchedule.length - 1);
  }

  /**
   * Builds the schedule, in order: (1) `steps + 1` evenly spaced σ from 1 to 0, (2) the time shift,
   * (3) the evaluation list for the sampler. Resets any half-done Heun step.
   */
  setTimesteps(steps: number, options: SetTimestepsOptions = {}): void {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `steps must be an integer >= 1, got ${steps}`, { param: 'steps' });
    }
    const shift = checkShift(options.shift ?? this.config.shift);
    const sigmas = Array.from({ length: steps + 1 }, (_, i) => shiftSigma(1 - i / steps, shift));
    sigmas[steps] = 0; // exact terminal value, whatever the arithmetic above gave
    this.sigmaSchedule = Object.freeze(sigmas);
    this.evaluationSigmas = Object.freeze(this.order === 1 ? sigmas.slice(0, -1) : heunEvaluations(sigmas));
    this.pending = undefined;
  }

  /** σ of the sample that `step(…, index, …)` returns: the next evaluation's σ, or 0 after the last. */
  sigmaAfter(index: number): number {
    this.checkIndex(index);
    return this.evaluationSigmas[index + 1] ?? 0;
  }

  /**
   * Advances the sample given the network's velocity at evaluation `index` (an index into `timesteps`,
   * not a σ). Returns a new array; `sample` and `velocity` are not modified.
   */
  step(velocity: Float32Array, index: number, sample: Float32Array): Float32Array {
    this.checkIndex(index);
    if (velocity.length !== sample.length) {
      throw new CinesimError(ERRORS.INTERNAL, `velocity has ${velocity.length} values, sample ${sample.length}`);
    }
    return this.order === 1 ? this.eulerStep(velocity, index, sample) : this.heunStep(velocity, index, sample);
  }

  private eulerStep(velocity: Float32Array, index: number, sample: Float32Array): Float32Array {
    return axpy(sample, this.sigmaSchedule[index + 1] - this.sigmaSchedule[index], velocity);
  }

  /**
   * Heun: evaluation 2i − 1 (i ≥ 1) predicts with Euler from σ_i to σ_{i+1}; the following evaluation, at
   * the predicted sample, corrects with the mean of both velocities. The last step, to σ = 0, stays Euler
   * (as in diffusers and Karras et al.): the network is least reliable at σ = 0 and it saves an evaluation.
   */
  private heunStep(velocity: Float32Array, index: number, sample: Float32Array): Float32Array {
    const { step, corrector } = heunPosition(index);
    const dt = this.sigmaSchedule[step + 1] - this.sigmaSchedule[step];
    if (!corrector) {
      const next = axpy(sample, dt, velocity);
      const isLastStep = step === this.steps - 1;
      this.pending = isLastStep ? undefined : { index, sample: sample.slice(), velocity: velocity.slice() };
      return next;
    }
    const first = this.pending;
    if (first === undefined || first.index !== index - 1) {
      throw new CinesimError(ERRORS.INTERNAL, `Heun correction at evaluation ${index} without its prediction at ${index - 1}`);
    }
    this.pending = undefined;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) out[i] = first.sample[i] + dt * 0.5 * (first.velocity[i] + velocity[i]);
    return out;
  }

  private checkIndex(index: number): void {
    if (this.evaluationSigmas.length === 0) {
      throw new CinesimError(ERRORS.INTERNAL, 'call setTimesteps(steps) before stepping the scheduler');
    }
    if (!Number.isInteger(index) || index < 0 || index >= this.evaluationSigmas.length) {
      const hint = Number.isInteger(index) ? '' : ' (pass the evaluation index, not the timestep σ)';
      throw new CinesimError(
        ERRORS.INTERNAL,
        `evaluation index ${index} out of range 0..${this.evaluationSigmas.length - 1}${hint}`,
      );
    }
  }
}

/** σ' = shift·σ / (1 + (shift − 1)·σ): keeps 0 and 1 fixed, bends the middle towards 1 when shift > 1. */
export function shiftSigma(sigma: number, shift: number): number {
  return (shift * sigma) / (1 + (shift - 1) * sigma);
}

function checkShift(shift: number): number {
  if (!Number.isFinite(shift) || shift <= 0) {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `shift must be a finite number > 0, got ${shift}`, { param: 'shift' });
  }
  return shift;
}

/** [σ0, σ1, σ1, σ2, σ2, …, σ_{n−1}]: a predictor and a corrector per step, one evaluation for the last. */
function heunEvaluations(sigmas: readonly number[]): number[] {
  const steps = sigmas.length - 1;
  const out = [sigmas[0]];
  for (let i = 1; i < steps; i++) out.push(sigmas[i], sigmas[i]);
  return out;
}

/** Evaluation index → (step, is it the corrector?) for the layout of `heunEvaluations`. */
function heunPosition(index: number): { step: number; corrector: boolean } {
  if (index === 0) return { step: 0, corrector: false };
  const corrector = index % 2 === 1; // 1, 3, 5, … correct steps 0, 1, 2, …
  return { step: corrector ? (index - 1) / 2 : index / 2, corrector };
}

/** x + a·y, in a new array. */
function axpy(x: Float32Array, a: number, y: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = x[i] + a * y[i];
  return out;
}
