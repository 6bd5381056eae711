import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels, loadManifest, requireKind, resolveModel } from '../../src/engine/manifest.ts';
import { recordingLogger, TINY_MODEL } from './helpers.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cinesim-manifest-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A copy of the tiny model with its manifest edited by `edit`. */
async function modelCopy(name: string, edit: (m: Record<string, any>) => void = () => {}): Promise<string> {
  const dir = join(root, name);
  await cp(TINY_MODEL, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  edit(manifest);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('loadManifest', () => {
  it('loads the tiny model without warnings', async () => {
    const logger = recordingLogger();
    const m = requireKind(await loadManifest(TINY_MODEL, { logger }), 'video', TINY_MODEL);
    expect(m.name).toBe('tiny-random');
    expect(m.sessions.transformer).toBe('transformer.onnx');
    expect(m.vae.decoderCache).toHaveLength(3);
    expect(m.transformer.patch).toEqual([1, 2, 2]);
    expect(m.sampling).toEqual({ sampler: 'euler', steps: 4, guidance: 3, shift: 1 });
    expect(logger.warnings).toEqual([]);
  });

  it('warns once about unknown keys and still loads', async () => {
    const dir = await modelCopy('unknown-keys', (m) => {
      m.futureKey = 1;
      m.vae.extra = true;
      m.vae.decoderCache[0].hint = 'x';
    });
    const logger = recordingLogger();
    const m = await loadManifest(dir, { logger });
    expect(m.kind).toBe('video');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('futureKey');
    expect(logger.warnings[0]).toContain('vae.extra');
    expect(logger.warnings[0]).toContain('vae.decoderCache[0].hint');
    expect(m).not.toHaveProperty('futureKey');
  });

  it('fails on a missing required key, naming the key and the file', async () => {
    const dir = await modelCopy('missing-key', (m) => delete m.vae.decoderCache);
    const error = await loadManifest(dir).catch((e) => e);
    expect(error.code).toBe('CINE_ERR_MODEL_INVALID');
    expect(error.message).toContain("missing required key 'vae.decoderCache'");
    expect(error.message).toContain(join(dir, 'manifest.json'));
  });

  it('fails on a bad value with the key path', async () => {
    const dir = await modelCopy('bad-value', (m) => (m.sampling.sampler = 'ddim'));
    await expect(loadManifest(dir)).rejects.toThrow(/'sampling\.sampler'/);
  });

  it('fails when a listed ONNX file does not exist', async () => {
    const dir = await modelCopy('missing-onnx');
    await rm(join(dir, 'transformer.onnx'));
    const error = await loadManifest(dir).catch((e) => e);
    expect(error.code).toBe('CINE_ERR_MODEL_INVALID');
    expect(error.message).toContain('transformer → transformer.onnx');
  });

  it('rejects an unknown formatVersion and kind, and a missing kind', async () => {
    await expect(loadManifest(await modelCopy('v2', (m) => (m.formatVersion = 2)))).rejects.toThrow(/formatVersion 2/);
    await expect(loadManifest(await modelCopy('kind', (m) => (m.kind = 'audio')))).rejects.toThrow(/unknown kind "audio"/);
    await expect(loadManifest(await modelCopy('nokind', (m) => delete m.kind))).rejects.toThrow(/missing required key 'kind'/);
  });

  it('fails clearly on a folder without a manifest', async () => {
    const dir = join(root, 'empty');
    await mkdir(dir, { recursive: true });
    await expect(loadManifest(dir)).rejects.toThrow(/manifest\.json cannot be read/);
  });

  it('loads a probe manifest and refuses it where a video model is needed', async () => {
    const dir = join(root, 'probe');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'probe.onnx'), '');
    const probe = {
      formatVersion: 1,
      name: 'probe-test',
      kind: 'probe',
      sessions: { probe: 'probe.onnx' },
      heads: [{ name: 'color', values: ['red', 'blue'], multi: false }],
      training: {},
      metrics: { accuracy: 0.9 },
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(probe));
    const m = await loadManifest(dir);
    expect(m.kind === 'probe' && m.heads[0].name).toBe('color');
    expect(() => requireKind(m, 'video', dir)).toThrow(/holds a probe model \('probe-test'\), not a video model/);
  });

  it('loads the tiny world model strictly: every contract key checked', async () => {
    const tinyWorld = join(TINY_MODEL, '..', 'tiny-world');
    const logger = recordingLogger();
    const m = requireKind(await loadManifest(tinyWorld, { logger }), 'world', tinyWorld);
    expect(m.sessions.denoiser).toBe('denoiser.onnx');
    expect(m.frame).toEqual({ width: 64, height: 64, fps: 12 });
    expect([m.context, m.memory, m.actions]).toEqual([4, [4, 2], ['none', 'left', 'right', 'up', 'down']]);
    expect(m.sampling).toEqual({ steps: 2, contextSigma: 0.05 });
    expect(logger.warnings).toEqual([]);

    const dir = join(root, 'world-missing');
    await cp(tinyWorld, dir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    delete manifest.context;
    manifest.sampling.contextSigma = 2;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const error = loadManifest(dir);
    await expect(error).rejects.toThrow(/missing required key 'context'/);
    await expect(error).rejects.toThrow(/'sampling.contextSigma'/);
  });
});

describe('resolveModel', () => {
  const fixtures = join(TINY_MODEL, '..');

  it('takes a folder path as is', async () => {
    expect(await resolveModel(TINY_MODEL)).toBe(TINY_MODEL.replace(/\/$/, ''));
  });

  it('finds a name in the models folders, CINESIM_MODELS first', async () => {
    expect(await resolveModel('tiny-model', { modelsDirs: [fixtures], env: {} })).toBe(join(fixtures, 'tiny-model'));
    expect(await resolveModel('tiny-model', { modelsDirs: [], env: { CINESIM_MODELS: fixtures } })).toBe(join(fixtures, 'tiny-model'));
    expect(await listModels({ modelsDirs: [fixtures], env: {} })).toEqual(['tiny-model', 'tiny-probe', 'tiny-world', 'tiny-world-probe']);
  });

  it('lists the available models when a name is unknown', async () => {
    const error = await resolveModel('no-such-model', { modelsDirs: [fixtures], env: {} }).catch((e) => e);
    expect(error.code).toBe('CINE_ERR_MODEL_NOT_FOUND');
    expect(error.message).toContain('available: tiny-model');
    await expect(resolveModel('./no/such/dir')).rejects.toThrow(/no model folder at/);
  });
});
