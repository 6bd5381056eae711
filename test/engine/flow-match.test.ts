import { describe, expect, it } from 'vitest';
import { FlowMatchScheduler, shiftSigma, type SamplerName } from '../../src/engine/schedulers/flow-match.ts';

/** Runs the scheduler's loop with a velocity field v(x, σ); returns the final sample and the evaluation count. */
function sample(
  scheduler: FlowMatchScheduler,
  x: Float32Array,
  field: (x: Float32Array, sigma: number) => Float32Array,
): { x: Float32Array; evaluations: number } {
  scheduler.timesteps.forEach((sigma, i) => {
    x = scheduler.step(field(x, sigma), i, x);
  });
  return { x, evaluations: scheduler.timesteps.length };
}

const x0 = Float32Array.from([0.5, -1.25, 2, 0]); // the "data point"
const eps = Float32Array.from([1, 0.3, -0.7, 2]); // the noise: x at σ = 1

describe('FlowMatchScheduler schedule', () => {
  it('runs from 1 to 0 in steps + 1 strictly decreasing values', () => {
    for (const steps of [1, 4, 8, 50]) {
      const s = new FlowMatchScheduler();
      s.setTimesteps(steps);
      expect(s.sigmas).toHaveLength(steps + 1);
      expect(s.sigmas[0]).toBe(1);
      expect(s.sigmas[steps]).toBe(0);
      for (let i = 1; i <= steps; i++) expect(s.sigmas[i]).toBeLessThan(s.sigmas[i - 1]);
      expect(s.timesteps).toEqual(s.sigmas.slice(0, -1));
      expect(s.order).toBe(1);
    }
  });

  it('applies the shift σ′ = shift·σ / (1 + (shift − 1)·σ)', () => {
    const s = new FlowMatchScheduler({ shift: 3 });
    s.setTimesteps(4);
    const plain = [1, 0.75, 0.5, 0.25, 0];
    expect(s.sigmas).toHaveLength(5);
    s.sigmas.forEach((v, i) => expect(v).toBeCloseTo((3 * plain[i]) / (1 + 2 * plain[i]), 12));
    expect(s.sigmas[2]).toBeCloseTo(0.75, 12); // 3·0.5 / 2
    expect(shiftSigma(1, 7)).toBe(1);
    expect(shiftSigma(0, 7)).toBe(0);
    // a per-call shift overrides the config
    s.setTimesteps(4, { shift: 1 });
    expect(s.sigmas).toEqual(plain);
  });

  it('lays out Heun as a predictor and a corrector per step, Euler for the last step', () => {
    const s = new FlowMatchScheduler({ sampler: 'heun' });
    s.setTimesteps(3);
    expect(s.order).toBe(2);
    const [s0, s1, s2] = s.sigmas; // 1, 2/3, 1/3
    expect(s.timesteps).toEqual([s0, s1, s1, s2, s2]);
    expect(s.sigmaAfter(0)).toBe(s.sigmas[1]);
    expect(s.sigmaAfter(4)).toBe(0);
  });

  it('rejects bad input with clear errors', () => {
    const s = new FlowMatchScheduler();
    expect(() => s.step(new Float32Array(1), 0, new Float32Array(1))).toThrow(/setTimesteps/);
    expect(() => s.setTimesteps(0)).toThrow(/steps must be an integer >= 1/);
    expect(() => s.setTimesteps(2.5)).toThrow(/steps must be an integer >= 1/);
    expect(() => new FlowMatchScheduler({ shift: Number.NaN })).toThrow(/shift must be a finite number/);
    expect(() => s.setTimesteps(4, { shift: Infinity })).toThrow(/shift must be a finite number/);
    expect(() => new FlowMatchScheduler({ sampler: 'ddim' as SamplerName })).toThrow(/unknown sampler 'ddim'/);
    s.setTimesteps(4);
    expect(() => s.step(new Float32Array(1), 0.75, new Float32Array(1))).toThrow(/not the timestep σ/);
    expect(() => s.step(new Float32Array(1), 4, new Float32Array(1))).toThrow(/out of range 0\.\.3/);
    const heun = new FlowMatchScheduler({ sampler: 'heun' });
    heun.setTimesteps(3);
    expect(() => heun.step(new Float32Array(1), 1, new Float32Array(1))).toThrow(/without its prediction/);
  });
});

describe('FlowMatchScheduler sampling', () => {
  const constant = () => Float32Array.from(eps, (e, i) => e - x0[i]); // v = ε − x₀: the straight path
  // The exact velocity towards a single data point: x = (1 − σ)x₀ + σε ⇒ v = (x − x₀)/σ.
  const toPoint = (x: Float32Array, sigma: number) => Float32Array.from(x, (v, i) => (v - x0[i]) / sigma);

  for (const sampler of ['euler', 'heun'] as const) {
    it(`${sampler}: lands exactly on x₀ along the straight path (constant v)`, () => {
      const s = new FlowMatchScheduler({ sampler, shift: 2 });
      s.setTimesteps(5);
      const { x } = sample(s, eps.slice(), constant);
      x.forEach((v, i) => expect(v).toBeCloseTo(x0[i], 5));
    });

    it(`${sampler}: lands on x₀ following the field v = (x − x₀)/σ`, () => {
      const s = new FlowMatchScheduler({ sampler });
      s.setTimesteps(4);
      const { x, evaluations } = sample(s, eps.slice(), toPoint);
      x.forEach((v, i) => expect(v).toBeCloseTo(x0[i], 5));
      expect(evaluations).toBe(sampler === 'heun' ? 7 : 4);
    });
  }

  it('Heun is second order: far closer than Euler on a curved field', () => {
    // dx/dσ = x  ⇒  x(0) = x(1)·e^{−1}
    const field = (x: Float32Array) => x.slice();
    const exact = Math.exp(-1);
    const error = (sampler: SamplerName) => {
      const s = new FlowMatchScheduler({ sampler });
      s.setTimesteps(10);
      return Math.abs(sample(s, Float32Array.of(1), field).x[0] - exact);
    };
    expect(error('heun')).toBeLessThan(error('euler') / 5);
  });

  it('does not modify its inputs', () => {
    const s = new FlowMatchScheduler();
    s.setTimesteps(2);
    const x = eps.slice();
    const v = constant();
    s.step(v, 0, x);
    expect(x).toEqual(eps);
    expect(v).toEqual(constant());
  });
});
