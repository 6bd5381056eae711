/**
 * Reference subject as a text bridge (engine/reference.ts): the shipped probe reads a rendered reference,
 * `applyReferences` writes what it read into prompts that parse back, and `cinesim generate --reference`
 * works end to end on the tiny fixtures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Probe } from '../../src/engine/probe.ts';
import { applyReferences, describeReference, REFERENCE_FRAMES } from '../../src/engine/reference.ts';
import { writePngFrames } from '../../src/media/image.ts';
import { sliceVideo } from '../../src/media/frames.ts';
import { describePrompt } from '../../src/world/captions.ts';
import { parsePrompt } from '../../src/world/parser.ts';
import { renderClip } from '../../src/world/render.ts';
import type { PromptSpec, SceneSpec } from '../../src/world/spec.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-reference-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FORMAT = { width: 64, height: 64, fps: 8, frames: 1 };
const redStar: SceneSpec = {
  background: 'white',
  objects: [{ shape: 'star', color: 'red', size: 'large', texture: 'striped', motion: 'static' }],
  camera: 'static',
};
const RED_STAR = { shape: 'star', color: 'red', texture: 'striped' } as const;
const BLUE_BALL = { shape: 'ball', color: 'blue', texture: 'plain' } as const;

describe('describeReference', () => {
  let probe: Probe;
  beforeAll(async () => {
    probe = await Probe.load('probe-shapes', { threads: 2 });
  });
  afterAll(() => probe.dispose());

  it('reads a rendered red striped star as one (probe-shapes)', async () => {
    const image = renderClip(redStar, FORMAT, 3).video;
    const subject = await describeReference(probe, image);
    expect(subject).toMatchObject(RED_STAR);
    expect(subject.confidence).toBeGreaterThan(0.5);
    expect(subject.confidence).toBe(Math.min(...Object.values(subject.probabilities)));
    expect(REFERENCE_FRAMES).toBeGreaterThan(1);
  });
});

describe('applyReferences', () => {
  const meaning = (prompt: string) => parsePrompt(prompt);

  it('adds the attributes a prompt leaves unsaid, keeping what it says', () => {
    const out = applyReferences('a star bounces on green grass', [RED_STAR]);
    expect(meaning(out)).toEqual({ background: 'grass', objects: [{ shape: 'star', color: 'red', texture: 'striped', motion: 'bounce' }] });
    const zh = applyReferences('一个物体在草地上弹跳，镜头向左平移', [RED_STAR]);
    expect(zh).toMatch(/\p{Script=Han}/u);
    expect(meaning(zh)).toEqual({ background: 'grass', camera: 'pan-left', objects: [{ shape: 'star', color: 'red', texture: 'striped', motion: 'bounce' }] });
  });

  it('leaves a prompt that already says it all unchanged', () => {
    expect(applyReferences('a striped red star spins', [RED_STAR])).toBe('a striped red star spins');
    expect(applyReferences('a ball', [])).toBe('a ball');
  });

  it('fails on a contradiction, naming both values and the reference', () => {
    expect(() => applyReferences('a blue star', [{ ...RED_STAR, label: 'subject.png' }])).toThrow(
      /first object is color "blue" but reference 1 \(subject\.png\) shows color "red"/,
    );
    expect(() => applyReferences('two stars', [RED_STAR, BLUE_BALL])).toThrow(/second object is shape "star"/);
  });

  it('adds the reference\'s object to a prompt with none, and maps several references in order', () => {
    expect(meaning(applyReferences('on green grass, the camera zooms in', [RED_STAR]))).toEqual({
      background: 'grass',
      camera: 'zoom-in',
      objects: [{ shape: 'star', color: 'red', texture: 'striped' }],
    });
    const two = meaning(applyReferences('a large object moves left and a ball bounces at night', [RED_STAR, BLUE_BALL]));
    expect(two.objects).toEqual([
      { shape: 'star', color: 'red', size: 'large', texture: 'striped', motion: 'move-left' },
      { shape: 'ball', color: 'blue', texture: 'plain', motion: 'bounce' },
    ]);
    expect(meaning(applyReferences('a star spins', [RED_STAR, BLUE_BALL])).objects).toHaveLength(2);
    expect(() => applyReferences('three balls', [{ ...BLUE_BALL }, BLUE_BALL, BLUE_BALL, BLUE_BALL])).toThrow(/at most 3/);
  });
});

describe('describePrompt', () => {
  it('says exactly what a prompt states, in both languages, and parses back to it', () => {
    const prompts: PromptSpec[] = [
      { objects: [{ motion: 'bounce' }] },
      { objects: [{ color: 'red' }], background: 'night' },
      { objects: [{ shape: 'ring', size: 'medium', texture: 'plain', motion: 'static' }], camera: 'static' },
      { objects: [{ shape: 'star', color: 'red' }, { color: 'blue', motion: 'fall' }, { shape: 'heart' }], background: 'ocean', camera: 'tilt-up' },
    ];
    for (const spec of prompts) {
      for (const lang of ['en', 'zh'] as const) expect(parsePrompt(describePrompt(spec, lang)), `${lang}: ${JSON.stringify(spec)}`).toEqual(spec);
    }
  });
});

describe('cinesim generate --reference', () => {
  const cinesim = (...args: string[]) => spawnSync(process.execPath, ['bin/cinesim.mjs', ...args], { cwd: root, encoding: 'utf8' });
  const tiny = (name: string) => join(root, 'test', 'fixtures', name);

  it('reads the picture with --probe and generates the prompt with its attributes', async () => {
    await writePngFrames(sliceVideo(renderClip(redStar, FORMAT, 3).video, 0, 1), join(work, 'ref'));
    const out = join(work, 'gen') + '/';
    const r = cinesim(
      'generate', 'an object bounces on green grass', '--model', tiny('tiny-model'), '--probe', tiny('tiny-probe'),
      '--reference', join(work, 'ref', 'frame-0000.png'), '--seed', '1', '--steps', '2', '--no-audio', '--out', out,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/reference frame-0000\.png: \w+ \w+ \w+ \(probe confidence [\d.]+\)/);
    const used = /prompt with references: (.*)/.exec(r.stderr)![1];
    expect(parsePrompt(used)).toMatchObject({ background: 'grass', objects: [{ motion: 'bounce' }] });
    const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
    expect(meta.prompt).toBe('an object bounces on green grass');
    expect(meta.settings.prompt).toBe(used);
    expect(meta.settings.references).toHaveLength(1);
  });

  it('refuses --reference with --server', () => {
    const r = cinesim('generate', 'a ball', '--reference', 'x.png', '--server', 'http://127.0.0.1:9');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--reference is not supported with --server yet/);
  });
});
