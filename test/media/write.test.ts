import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { writeClip } from '../../src/media/write.ts';
import { probeVideo } from '../../src/media/decode.ts';
import { readMetadataJson } from '../../src/media/metadata.ts';
import { readWav } from '../../src/media/wav.ts';
import { ERRORS } from '../../src/errors.ts';
import { cinesimErrorOf, movingSquare, tempDir } from './helpers.ts';

const dir = await tempDir();
const video = movingSquare(64, 64, 8, 8);
const metadata = { source: 'simulator' as const, prompt: 'a red square slides', seed: 3 };

describe('writeClip', () => {
  it('picks the format from the extension, creates parent folders and writes a sidecar', async () => {
    const mp4 = join(dir, 'nested', 'deeper', 'clip.mp4');
    expect(await writeClip(video, mp4, { metadata, preset: 'ultrafast' })).toEqual([mp4, `${mp4}.json`]);
    expect((await probeVideo(mp4)).frames).toBe(8);
    const sidecar = await readMetadataJson(`${mp4}.json`);
    expect(sidecar).toMatchObject(metadata);
    expect(sidecar.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const gif = join(dir, 'CLIP.GIF');
    expect(await writeClip(video, gif)).toEqual([gif]); // no metadata, no sidecar
    expect((await sharp(gif).metadata()).pages).toBe(8);

    const sheet = join(dir, 'sheet.png');
    await writeClip(video, sheet, { contactSheet: { columns: 8, gap: 0 } });
    expect(await sharp(sheet).metadata()).toMatchObject({ width: 8 * 64, height: 64 });
  });

  it('writes a folder: frames, clip.mp4 with audio, clip.wav, contact.png, metadata.json', async () => {
    const out = join(dir, 'folder') + '/';
    const samples = new Float32Array(8000).fill(0.25);
    const files = await writeClip(video, out, { metadata, audio: { samples, sampleRate: 8000 }, preset: 'ultrafast' });
    const names = (await readdir(out)).sort();
    expect(names).toEqual(['clip.mp4', 'clip.wav', 'contact.png', ...Array.from({ length: 8 }, (_, i) => `frame-000${i}.png`), 'metadata.json']);
    expect(files.length).toBe(names.length);
    const info = await probeVideo(join(out, 'clip.mp4'));
    expect([info.frames, info.hasAudio, info.width]).toEqual([8, true, 256]);
    expect((await readWav(join(out, 'clip.wav'))).samples.length).toBe(8000);
    // The same completed record in the folder and in the MP4.
    const record = JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8'));
    expect(JSON.parse(info.tags.comment)).toEqual(record);

    // An existing folder without the trailing slash is a folder too.
    await writeClip(video, join(dir, 'folder'), { preset: 'ultrafast' });
  });

  it('rejects an unknown extension, naming the supported ones', async () => {
    const error = await cinesimErrorOf(() => writeClip(video, join(dir, 'clip.avi')), ERRORS.INVALID_ARGUMENT);
    expect(error.message).toContain('.mp4, .webp, .gif, .png');
  });
});
