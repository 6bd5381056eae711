import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  contactSheetLayout,
  frameDelays,
  readImage,
  writeAnimatedImage,
  writeContactSheet,
  writePngFrames,
  writeThumbnail,
} from '../../src/media/image.ts';
import { frameAt } from '../../src/media/frames.ts';
import { ERRORS } from '../../src/errors.ts';
import { cinesimErrorOf, movingSquare, tempDir } from './helpers.ts';

const dir = await tempDir();
const video = movingSquare(32, 24, 10, 8);

/** A 40x20 PNG: left half red, right half blue. */
async function twoTonePng(path: string): Promise<void> {
  const data = new Uint8Array(40 * 20 * 3);
  for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) data.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
  await sharp(data, { raw: { width: 40, height: 20, channels: 3 } }).png().toFile(path);
}

describe('readImage', () => {
  it('reads a PNG at its own size, or covers / contains a requested size', async () => {
    const path = join(dir, 'two-tone.png');
    await twoTonePng(path);
    const native = await readImage(path);
    expect([native.width, native.height, native.data.length]).toEqual([40, 20, 40 * 20 * 3]);
    expect(Array.from(native.data.subarray(0, 3))).toEqual([255, 0, 0]);

    const cover = await readImage(path, { width: 16, height: 16, fit: 'cover' });
    expect([cover.width, cover.height]).toEqual([16, 16]);
    const contain = await readImage(await readFile(path), { width: 16, height: 16, fit: 'contain', background: [0, 255, 0] });
    expect(Array.from(contain.data.subarray(0, 3))).toEqual([0, 255, 0]); // letterbox bar on top
    const mid = (8 * 16 + 2) * 3;
    expect(contain.data[mid]).toBeGreaterThan(200); // red half in the middle rows
  });

  it('rejects non-images, missing files and decompression bombs as INPUT_UNREADABLE', async () => {
    const text = join(dir, 'not-an-image.png');
    await writeFile(text, 'hello, I am text');
    expect((await cinesimErrorOf(() => readImage(text), ERRORS.INPUT_UNREADABLE)).message).toContain(text);
    await cinesimErrorOf(() => readImage(join(dir, 'missing.png')), ERRORS.INPUT_UNREADABLE);
    const bomb = await cinesimErrorOf(() => readImage(join(dir, 'two-tone.png'), { maxInputPixels: 100 }), ERRORS.INPUT_UNREADABLE);
    expect(bomb.message).toMatch(/pixel limit/);
    const gif = join(dir, 'still.gif');
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).gif().toFile(gif);
    expect((await cinesimErrorOf(() => readImage(gif), ERRORS.INPUT_UNREADABLE)).message).toContain('png, jpeg, webp');
  });
});

describe('writing images', () => {
  it('animated WebP and GIF have one page per frame, loop forever, and keep the clip duration', async () => {
    for (const format of ['webp', 'gif'] as const) {
      const path = join(dir, `anim.${format}`);
      await writeAnimatedImage(video, path, format);
      const meta = await sharp(path).metadata();
      expect(meta.format).toBe(format);
      expect(meta.pages).toBe(10);
      expect(meta.height).toBe(24); // one page
      expect(meta.width).toBe(32);
      expect(meta.loop).toBe(0);
      expect(meta.delay!.reduce((a, b) => a + b, 0)).toBe(1250); // 10 frames at 8 fps
    }
    // The lossless WebP holds the frames exactly.
    const pages = await sharp(join(dir, 'anim.webp'), { pages: -1 }).removeAlpha().raw().toBuffer();
    expect(Buffer.compare(pages, Buffer.from(video.data))).toBe(0);
  });

  it('spreads GIF centisecond rounding so the total duration is right', () => {
    const delays = frameDelays(24, 24, 10);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(new Set(delays)).toEqual(new Set([40, 50]));
  });

  it('writes a PNG per frame, in order and exact', async () => {
    const frames = join(dir, 'frames');
    const paths = await writePngFrames(video, frames);
    expect(paths.map((p) => p.slice(frames.length + 1))).toEqual(Array.from({ length: 10 }, (_, i) => `frame-000${i}.png`));
    expect((await readdir(frames)).length).toBe(10);
    const third = await sharp(paths[3]).raw().toBuffer();
    expect(Buffer.compare(third, Buffer.from(frameAt(video, 3)))).toBe(0);
  });

  it('lays a contact sheet out as a grid of the given columns, scale and gap', async () => {
    const path = join(dir, 'sheet.png');
    const sheet = await writeContactSheet(video, path, { columns: 4, scale: 2, gap: 3 });
    // 10 frames in 4 columns → 3 rows of 64x48 cells.
    expect([sheet.width, sheet.height]).toEqual([4 * 64 + 3 * 3, 3 * 48 + 2 * 3]);
    const meta = await sharp(path).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([sheet.width, sheet.height, 'png']);
    expect(contactSheetLayout(video, { maxFrames: 4 }).frames).toEqual([0, 3, 6, 9]);
    expect(contactSheetLayout(video).columns).toBe(4); // ceil(sqrt(10))
  });

  it('writes a thumbnail of the middle frame as PNG or WebP', async () => {
    const png = join(dir, 'thumb.png');
    await writeThumbnail(video, png, { upscale: { factor: 2 } });
    expect(await sharp(png).metadata()).toMatchObject({ width: 64, height: 48, format: 'png' });
    const webp = join(dir, 'thumb.webp');
    await writeThumbnail(video, webp, { frame: 'first' });
    const first = await sharp(webp).removeAlpha().raw().toBuffer();
    expect(Buffer.compare(first, Buffer.from(frameAt(video, 0)))).toBe(0);
  });
});
