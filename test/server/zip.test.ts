/** The stored-entry ZIP the server writes (frame downloads, a story's shots) reads back, and a damaged one is refused. */
import { describe, expect, it } from 'vitest';
import { readZipStore, zipStore } from '../../src/server/storage/zip.ts';

describe('zipStore / readZipStore', () => {
  const entries = [
    { name: 'story.json', data: new TextEncoder().encode('{"formatVersion":1}') },
    { name: 'shots/01-ab/frame-00.png', data: new Uint8Array([137, 80, 78, 71, 0, 255]) },
    { name: 'shots/01-ab/空.wav', data: new Uint8Array(0) },
  ];

  it('reads back every entry, name and bytes', () => {
    const read = readZipStore(zipStore(entries));
    expect(read.map((e) => [e.name, Array.from(e.data)])).toEqual(entries.map((e) => [e.name, Array.from(e.data)]));
  });

  it('reads only the entries asked for, checking only theirs', () => {
    const zip = zipStore(entries);
    const damaged = Buffer.from(zip);
    damaged[30 + 'story.json'.length + 3] ^= 1; // the first entry's data, not asked for
    expect(readZipStore(damaged, (name) => name.endsWith('.png')).map((e) => e.name)).toEqual(['shots/01-ab/frame-00.png']);
  });

  it('refuses a damaged or truncated archive', () => {
    const zip = zipStore(entries);
    const damaged = Buffer.from(zip);
    damaged[30 + 'story.json'.length + 3] ^= 1; // a byte of the first entry's data
    expect(() => readZipStore(damaged)).toThrow(/story.json fails its checksum/);
    expect(() => readZipStore(zip.subarray(0, zip.length - 5))).toThrow(/no end record/);
  });
});
