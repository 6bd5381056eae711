import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSuite, formatSuite, loadSuite, suitePath, type SuiteFile } from '../../src/eval/suite.ts';
import { applyDefaults, parsePrompt } from '../../src/world/parser.ts';
import { matchesHeldOut } from '../../src/world/sampler.ts';

const work = mkdtempSync(join(tmpdir(), 'cinesim-suite-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the committed suite shapes-v1', async () => {
  const suite = await loadSuite('shapes-v1');

  it('has ≥ 240 prompts, ≥ 50 of them held-out, about a quarter Chinese, mostly one object', () => {
    expect(suite.entries.length).toBeGreaterThanOrEqual(240);
    const heldOut = suite.entries.filter((e) => e.heldOut !== null);
    expect(heldOut.length).toBeGreaterThanOrEqual(50);
    const zh = suite.entries.filter((e) => e.lang === 'zh').length / suite.entries.length;
    expect(zh).toBeGreaterThan(0.2);
    expect(zh).toBeLessThan(0.3);
    const objects = [1, 2, 3].map((n) => suite.entries.filter((e) => e.spec.objects.length === n).length);
    expect(objects[0]).toBeGreaterThan(objects[1]);
    expect(objects[1]).toBeGreaterThan(0);
    expect(objects[2]).toBeGreaterThan(0);
  });

  it('every prompt parses to its spec', () => {
    for (const e of suite.entries) expect(applyDefaults(parsePrompt(e.prompt)), e.id).toEqual(e.spec);
  });

  it('labels held-out entries by a rule their scene matches, and seen ones match none', () => {
    for (const e of suite.entries) {
      if (e.heldOut) expect(matchesHeldOut(e.spec, [e.heldOut]), e.id).toBe(true);
      else expect(matchesHeldOut(e.spec, suite.heldOutRules), e.id).toBe(false);
    }
    const rulesUsed = new Set(suite.entries.flatMap((e) => (e.heldOut ? [JSON.stringify(e.heldOut)] : [])));
    expect(rulesUsed.size).toBe(suite.heldOutRules.length);
  });

  it('keeps its proportions in any prefix (--limit): every 4th entry is held-out, about a quarter Chinese', () => {
    const first = suite.entries.slice(0, 60);
    expect(first.filter((e) => e.heldOut !== null).length).toBe(15);
    expect(first.filter((e) => e.lang === 'zh').length).toBe(14); // 11 of 45 seen + 3 of 15 held-out
  });

  it('has unique ids and seeds a 32-bit engine accepts', () => {
    expect(new Set(suite.entries.map((e) => e.id)).size).toBe(suite.entries.length);
    for (const e of suite.entries) expect(Number.isInteger(e.seed) && e.seed >= 0 && e.seed < 2 ** 31).toBe(true);
  });
});

describe('buildSuite', () => {
  const small = { name: 'tiny', seed: 7, count: 16, description: 'test' };

  it('is deterministic from its seed', () => {
    expect(formatSuite(buildSuite(small))).toBe(formatSuite(buildSuite(small)));
    expect(formatSuite(buildSuite({ ...small, seed: 8 }))).not.toBe(formatSuite(buildSuite(small)));
  });

  it('writes a file that loads back with the same entries', async () => {
    const built = buildSuite(small);
    const path = join(work, 'tiny.json');
    writeFileSync(path, formatSuite(built));
    const loaded = await loadSuite(path);
    expect(loaded.entries.map(({ said: _, ...e }) => e)).toEqual(built.entries);
  });
});

describe('loadSuite', () => {
  const writeVariant = (name: string, change: (s: SuiteFile) => SuiteFile) => {
    const original = JSON.parse(readFileSync(suitePath('shapes-v1'), 'utf8')) as SuiteFile;
    const path = join(work, `${name}.json`);
    writeFileSync(path, JSON.stringify(change(original)));
    return path;
  };

  it('fails loudly when a prompt no longer means its spec', async () => {
    const path = writeVariant('drift', (s) => ({
      ...s,
      entries: s.entries.map((e, i) => (i === 0 ? { ...e, spec: { ...e.spec, background: e.spec.background === 'white' ? 'black' : 'white' } } : e)),
    }));
    await expect(loadSuite(path)).rejects.toThrow(/seen-001: .* now parses to .*not to its spec/);
  });

  it('rejects a malformed file and a wrong held-out label', async () => {
    await expect(loadSuite(writeVariant('bad', (s) => ({ ...s, entries: [] })))).rejects.toThrow(/not a valid suite/);
    const mislabelled = writeVariant('label', (s) => ({ ...s, entries: s.entries.map((e, i) => (i === 0 ? { ...e, heldOut: { shape: 'heart', background: 'desert' } } : e)) }));
    await expect(loadSuite(mislabelled)).rejects.toThrow(/labelled held-out/);
  });

  it('names the missing file', async () => {
    await expect(loadSuite('no-such-suite')).rejects.toThrow(/cannot read suite .*no-such-suite\.json/);
  });
});
