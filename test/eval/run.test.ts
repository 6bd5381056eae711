/**
 * runEval end to end on the tiny random fixtures (fast, meaningless figures: this checks the report's
 * structure and the --write outputs, not quality).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORED_ATTRIBUTES } from '../../src/eval/adherence.ts';
import { writeManifestMetrics, writeResults } from '../../src/eval/publish.ts';
import { formatMarkdown, formatReport, type EvalReport } from '../../src/eval/report.ts';
import { runEval, type EvalProgress } from '../../src/eval/run.ts';
import { loadManifest } from '../../src/engine/index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cinesim-eval-'));

let report: EvalReport;
const progress: EvalProgress[] = [];
beforeAll(async () => {
  report = await runEval({
    model: fixture('tiny-model'),
    probe: fixture('tiny-probe'),
    limit: 4,
    threads: 2,
    onProgress: (p) => progress.push(p),
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('runEval on the tiny fixtures, --limit 4', () => {
  it('reports every figure, for generated and rendered, seen and held-out', () => {
    expect(report.suite).toEqual({ name: 'shapes-v1', clips: 4, seen: 3, heldOut: 1, limit: 4 });
    expect(report.model.name).toBe('tiny-random');
    expect(report.settings).toMatchObject({ steps: 4, guidance: 3, shift: 1, sampler: 'euler', width: 32, height: 32, frames: 17 });
    for (const kind of ['generated', 'rendered'] as const) {
      for (const group of ['all', 'seen', 'heldOut'] as const) {
        const g = report.adherence[kind][group];
        expect(Object.keys(g.attributes)).toEqual([...SCORED_ATTRIBUTES]);
        expect(g.usableYield === null || (g.usableYield >= 0 && g.usableYield <= 1)).toBe(true);
      }
      expect(report.adherence[kind].all.clips).toBe(4);
    }
    expect(report.vae.clips).toBe(4);
    expect(report.vae.psnr).toBeGreaterThan(0);
    expect(report.vae.ssim).toBeLessThanOrEqual(1);
    // Every clip went through the VAE (the default), so its adherence columns are over the same clips as the main table's.
    const ceiling = report.vae.adherence!;
    expect(ceiling.throughVae.clips).toBe(4);
    expect(ceiling.blurred!.clips).toBe(4);
    expect(ceiling.rendered).toEqual(report.adherence.rendered.all);
    expect(ceiling.generated).toEqual(report.adherence.generated.all);
    expect(report.clips.every((c) => typeof c.vae?.usable === 'boolean')).toBe(true);
    expect(report.flicker.generated).toBeGreaterThanOrEqual(0);
    expect(report.flicker.rendered).toBeGreaterThanOrEqual(0);
    expect(report.frechet.generatedVsRendered).toBeGreaterThanOrEqual(0);
    expect(report.frechet.renderedVsRendered).toBeGreaterThanOrEqual(0);
    expect(report.targets.map((t) => t.name)).toContain('usable yield');
    expect(report.notes.join(' ')).toMatch(/[Bb]inding is not measured/);
    expect(report.clips.map((c) => c.id)).toEqual(['seen-001', 'seen-002', 'seen-003', 'heldout-001']);
    expect(report.command).toBe(
      `node bin/cinesim.mjs eval --model ${fixture('tiny-model')} --probe ${fixture('tiny-probe')} --suite shapes-v1 ` +
        '--steps 4 --guidance 3 --shift 1 --sampler euler --limit 4',
    );
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4]);
  });

  it('is plain JSON and prints as a table and as Markdown', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    const table = formatReport(report);
    expect(table).toMatch(/usable yield/);
    expect(table).toMatch(/VAE reconstruction \(4 rendered clips\)/);
    expect(formatMarkdown(report)).toMatch(/\| color \| \d+ \|/);
    expect(table).toMatch(/through VAE/);
    expect(formatMarkdown(report)).toMatch(/### What the VAE lets through[\s\S]*\| usable yield \| [\d.]+% \| [\d.]+% \| [\d.]+% \|/);
  });

  it('--write: merges the figures into the manifest and writes one section of the results page', async () => {
    const modelDir = join(work, 'model');
    cpSync(fixture('tiny-model'), modelDir, { recursive: true });
    const before = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
    await writeManifestMetrics(modelDir, report);
    const after = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
    expect({ ...after, metrics: undefined }).toEqual({ ...before, metrics: undefined });
    expect(after.metrics).toMatchObject({ suite: 'shapes-v1', clips: 4, settings: { steps: 4, guidance: 3 } });
    expect(after.metrics.command).toMatch(/--write$/);
    await loadManifest(modelDir);

    const results = join(work, 'RESULTS.md');
    await writeResults(report, results);
    await writeResults(report, results);
    const page = readFileSync(results, 'utf8');
    expect(page.match(/<!-- results:tiny-random -->/g)).toHaveLength(1);
    expect(page).toContain(`${report.command} --write`);
    expect(page).toMatch(/usable yield ≥ 75%/);
  });
});
