/**
 * runModesEval end to end on the tiny random fixtures with tiny limits (fast, meaningless figures: this
 * checks the report's structure and the --write outputs, not quality).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/engine/index.ts';
import { runModesEval, type ModesProgress } from '../../src/eval/modes.ts';
import { formatModesMarkdown, formatModesReport, MODE_PARTS, type ModesReport } from '../../src/eval/modes-report.ts';
import { RESULTS_FILE, RESULTS_HEADER, writeModesResults } from '../../src/eval/publish.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cinesim-modes-'));

let report: ModesReport;
const progress: ModesProgress[] = [];
beforeAll(async () => {
  report = await runModesEval({
    model: fixture('tiny-model'),
    probe: fixture('tiny-probe'),
    limit: 3,
    long: { prompts: 1, seconds: 4 },
    drift: { prompts: 1, seconds: 8 },
    syncClips: 2,
    threads: 2,
    onProgress: (p) => progress.push(p),
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const isRate = (v: number | null) => v === null || (v >= 0 && v <= 1);

describe('runModesEval on the tiny fixtures', () => {
  it('measures every part', () => {
    expect(report.parts).toEqual([...MODE_PARTS]);
    expect(report.suite).toMatchObject({ name: 'shapes-v1', clips: 3, limit: 3 });
    expect(report.textToVideo.generated.clips).toBe(3);

    expect(report.firstFrame!.psnr.first).toBeGreaterThan(0);
    expect(report.firstFrame!.psnr.last).toBeNull();
    expect(report.firstLast!.psnr.last).toBeGreaterThan(0);
    // Given latents are kept exactly and the causal decoder's frame 0 sees only latent 0: i2v frame 0 is the VAE's.
    expect(report.firstFrame!.psnr.first).toBeCloseTo(report.firstFrame!.vaePsnr.first!, 6);

    expect(report.extend).toMatchObject({ clips: 3, prefixFrames: 5, newFrames: 12, delivered: { seams: 3 }, unmatched: { seams: 3 }, decoded: { seams: 3 } });
    expect(report.extend!.matchFade.frames).toBe(8);
    // the largest step while the match fades includes the seam's own
    expect(report.extend!.matchFade.ratio.max!).toBeGreaterThanOrEqual(report.extend!.matchFade.ratio.mean!);
    expect(report.long!.videos).toHaveLength(1);
    expect(report.long!.seams.seams).toBe(report.long!.videos[0].chunks - 1);
    expect(report.long!.seams.ratio.max).toBeGreaterThanOrEqual(report.long!.seams.ratio.mean!);
    expect(report.long!.seams.localRatio.max).toBeGreaterThanOrEqual(report.long!.seams.localRatio.mean!);
    // One seam per extended clip: its neighbourhood is the whole video, so both readings agree.
    expect(report.extend!.delivered.localRatio.mean).toBeCloseTo(report.extend!.delivered.ratio.mean!, 6);
    expect(report.drift).toMatchObject({ seconds: 8, edgeSeconds: 4, windowFrames: 17 });
    expect(report.drift!.videos[0].windows).toBe(2);

    expect(report.aspect!.sizes.map((s) => `${s.width}x${s.height}`)).toEqual(['32x32', '48x32', '32x48']);
    expect(report.aspect!.sizes[0].gap).toBe(0);
    expect(isRate(report.camera!.byFlag) && isRate(report.camera!.inWords) && isRate(report.camera!.rendered)).toBe(true);
    for (const k of ['shape', 'color', 'texture', 'all'] as const) {
      expect(isRate(report.reference!.generated[k]) && isRate(report.reference!.rendered[k])).toBe(true);
    }
    expect(report.sync).toMatchObject({ clips: 2, toleranceFrames: 1 });
    expect(new Set(progress.map((p) => p.part))).toEqual(
      new Set(['t2v 32x32', 't2v 48x32', 't2v 32x48', 'i2v', 'flf', 'extend', 'long', 'drift', 'camera', 'reference']),
    );
  });

  it('holds the issue\'s targets and the command that reproduces it', () => {
    const names = report.targets.map((t) => t.name).join('\n');
    for (const pattern of [/extend: seam/, /extend: largest step while the seam match fades/, /long video: seam/, /drift/, /reference identity/, /aspect .*48x32/, /aspect .*32x48/, /camera by flag/, /sound sync precision/, /sound sync recall/]) {
      expect(names).toMatch(pattern);
    }
    expect(report.command).toBe(
      `node bin/cinesim.mjs eval modes --model ${fixture('tiny-model')} --probe ${fixture('tiny-probe')} --suite shapes-v1 --limit 3 ` +
        '--steps 4 --guidance 3 --shift 1 --sampler euler --long-prompts 1 --long-seconds 4 --drift-prompts 1 --drift-seconds 8 --sync-clips 2',
    );
  });

  it('is plain JSON and prints as tables and as Markdown', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(formatModesReport(report)).toMatch(/Reference identity/);
    const md = formatModesMarkdown(report);
    for (const title of ['Targets', 'First and last frame', 'Extend', 'Long video', 'Drift', 'Aspect ratio', 'Camera by flag', 'Reference identity', 'Sound sync']) {
      expect(md).toContain(`### ${title}`);
    }
    expect(md).toMatch(/Attributes transfer, not pixels/);
  });

  it('--write: sets metrics.modes in the manifest and the NAME:modes section of the results page', async () => {
    const modelDir = join(work, 'model');
    cpSync(fixture('tiny-model'), modelDir, { recursive: true });
    const before = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
    const results = join(work, 'RESULTS.md');
    const moved = { ...report, model: { ...report.model, dir: modelDir } };
    await writeModesResults(moved, results);
    await writeModesResults(moved, results);
    const after = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
    expect({ ...after, metrics: undefined }).toEqual({ ...before, metrics: undefined });
    expect(after.metrics.modes).toMatchObject({ clips: 3, suite: 'shapes-v1', extend: { clips: 3 }, sync: { clips: 2 } });
    expect(after.metrics.modes.command).toMatch(/--write$/);
    await loadManifest(modelDir);
    const page = readFileSync(results, 'utf8');
    expect(page.match(/<!-- results:tiny-random:modes -->/g)).toHaveLength(1);
    expect(page).toContain(`${report.command} --write`);
  });

  it('keeps the results page\'s method section as publish.ts writes it', () => {
    expect(readFileSync(RESULTS_FILE, 'utf8').startsWith(RESULTS_HEADER)).toBe(true);
  });

  it('runs only the parts asked for', async () => {
    const few = await runModesEval({ model: fixture('tiny-model'), probe: fixture('tiny-probe'), limit: 1, parts: ['i2v'], threads: 2 });
    expect(few.parts).toEqual(['i2v']);
    expect(few.firstFrame?.clips).toBe(1);
    expect([few.firstLast, few.extend, few.long, few.drift, few.aspect, few.camera, few.reference, few.sync]).toEqual(new Array(8).fill(null));
    expect(few.targets).toEqual([]);
    expect(few.command).toMatch(/--parts i2v$/);
  });
});
