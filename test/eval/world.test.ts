/**
 * `cinesim eval world` on the tiny random world model and probe: every figure present and in range, the
 * landmark walk really leaves the view and comes back, --write stores the figures (on a copy of the fixture),
 * and the command's flags.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizontalShift, runWorldEval } from '../../src/eval/world.ts';
import { formatWorldMarkdown, formatWorldReport, writeWorldResults, type WorldReport } from '../../src/eval/world-report.ts';
import { Game } from '../../src/world/game.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-eval-world-'));
const MODEL = join(work, 'tiny-world');
const PROBE = join(root, 'test', 'fixtures', 'tiny-world-probe');

let report: WorldReport;

beforeAll(async () => {
  cpSync(join(root, 'test', 'fixtures', 'tiny-world'), MODEL, { recursive: true });
  report = await runWorldEval({ model: MODEL, probe: PROBE, quick: true, threads: 1 });
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('runWorldEval (quick, tiny random model)', () => {
  it('measures every figure, in range', () => {
    expect(report.settings).toMatchObject({ episodes: 2, frames: 40, steps: 2, fps: 12 });
    const inRange = (v: number, lo: number, hi: number) => {
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThanOrEqual(hi);
    };
    expect(report.oneStep.predictions).toBeGreaterThan(10);
    inRange(report.oneStep.psnr, 0, 100);
    inRange(report.oneStep.ssim, -1, 1);
    expect(report.rollout.map((h) => h.steps)).toEqual([1, 8, 32]);
    for (const h of report.rollout) {
      inRange(h.trueActions.psnr, 0, 100);
      expect(h.controllability).toBeCloseTo(h.trueActions.psnr - h.randomActions.psnr, 9);
    }
    expect(Number.isFinite(report.controllability)).toBe(true);
    for (const rate of [report.actionAccuracy.generated, report.actionAccuracy.simulator, report.collapse.first.background, report.collapse.last.agentColor]) {
      inRange(rate, 0, 1);
    }
    expect(report.actionAccuracy.pairs).toBe(2 * 40);
    expect(report.collapse).toMatchObject({ frames: 40, window: 4 });
    expect(report.events.episodes).toBe(2);
    inRange(report.events.background.generated, 0, 1);
    expect(report.speed.fps).toBeGreaterThan(0);
    expect(report.speed.renderBytes).toBeGreaterThan(64 * 32 * 2); // a cell per pixel pair at least
    expect(report.targets.map((t) => t.name)).toEqual([
      'frames per second (terminal, CPU)',
      'input-to-frame latency, ms',
      'controllability, dB',
      'no collapse (last 4 vs first 4 frames)',
    ]);
  });

  it('walks the landmark out of view and back, and reads its colour off the simulator frames', () => {
    expect(report.consistency.episodes).toBe(2);
    expect(report.consistency.framesAway).toBeGreaterThan(0);
    // The simulator's own pixels read as the landmark's colour: the measure itself works.
    expect(report.consistency.colour.simulator).toBe(1);
    // The landmark leaves the view and comes back: the simulator's view travels over a quarter view each way.
    expect(report.consistency.scroll.simulator).toBeGreaterThan(2 * 16);
    expect(report.consistency.scroll.generated).toBeGreaterThanOrEqual(0);
  });

  it('reads the camera\'s scroll between two frames, within half a pixel', () => {
    const game = new Game({ seed: 5, width: 64, height: 64, fps: 12, background: 'grass' });
    game.reset();
    const frames = [game.render()];
    const cx = [game.state().camera.cx];
    for (let k = 0; k < 14; k++) {
      game.step('right');
      frames.push(game.render());
      cx.push(game.state().camera.cx);
    }
    // The camera's own move in pixels (64 px show one world unit), against the shift read from the pixels.
    const moves = cx.slice(1).map((x, k) => x - cx[k]);
    const k = moves.indexOf(Math.max(...moves));
    expect(moves[k]).toBeGreaterThan(0.03);
    expect(horizontalShift(frames[k], frames[k + 1], 64, 64)).toBeCloseTo(64 * moves[k], 0);
    expect(horizontalShift(frames[k + 1], frames[k], 64, 64)).toBeCloseTo(-64 * moves[k], 0);
    expect(horizontalShift(frames[0], frames[0], 64, 64)).toBe(0);
  });

  it('prints a table and a Markdown section with the command that reproduces it', () => {
    expect(formatWorldReport(report)).toMatch(/controllability \(mean over steps 1–32\)/);
    const md = formatWorldMarkdown(report);
    expect(md).toContain('## tiny-world');
    expect(md).toContain(`node bin/cinesim.mjs eval world --model ${MODEL} --probe ${PROBE}`);
    expect(md).toMatch(/\| 32 \| [\d.]+ dB/);
  });

  it('--write stores the figures in the manifest and the results page, keeping the rest', async () => {
    const results = join(work, 'RESULTS.md');
    await writeWorldResults(report, results);
    const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8'));
    expect(manifest.name).toBe('tiny-world');
    expect(manifest.context).toBe(4);
    expect(manifest.metrics.controllability).toBeCloseTo(report.controllability, 1);
    expect(manifest.metrics.rollout['8'].psnr).toBeCloseTo(report.rollout[1].trueActions.psnr, 1);
    const page = readFileSync(results, 'utf8');
    expect(page).toContain('<!-- results:tiny-world -->');
    expect(page).toContain('--quick --write');
  });
});

describe('cinesim eval world', () => {
  it('rejects bad flags with exit code 2', () => {
    for (const [flag, value, pattern] of [
      ['--episodes', '0', /--episodes must be at least 1/],
      ['--frames', 'many', /--frames must be a number/],
      ['--steps', '1.5', /--steps must be a whole number/],
    ] as const) {
      const r = spawnSync(process.execPath, ['bin/cinesim.mjs', 'eval', 'world', flag, value], { cwd: root, encoding: 'utf8' });
      expect(r.status, `${flag} ${value}`).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
