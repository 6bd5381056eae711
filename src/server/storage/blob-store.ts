/**
 * Files addressed by their SHA-256: `<dataDir>/blobs/ab/abcdef…`. A file's name is its hash, so paths are
 * built only from hex digits the server computed, never from anything a client sent; identical files
 * (the same input used by many jobs) are stored once; and a hash is a perfect ETag.
 *
 * Which jobs use a blob is recorded in the database (job_files); the store only keeps bytes.
 * An object store (S3 and the like) would implement the same interface.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CinesimError, ERRORS } from '../../errors.ts';

export interface BlobRef {
  readonly hash: string;
  readonly bytes: number;
}

export interface BlobStore {
  /** Stores bytes; returns their hash. */
  put(bytes: Uint8Array): Promise<BlobRef>;
  /** Moves a finished file into the store (the source is gone afterwards). */
  adopt(path: string): Promise<BlobRef>;
  has(hash: string): Promise<boolean>;
  /** A local path to read the blob from (workers read inputs from here). */
  path(hash: string): string;
  read(hash: string, range?: { start: number; end: number }): ReadStream;
  delete(hash: string): Promise<void>;
  /** A fresh private local folder for a worker's outputs, later adopted. */
  stagingDir(): Promise<string>;
}

const HASH = /^[0-9a-f]{64}$/;

export class LocalBlobStore implements BlobStore {
  private readonly root: string;
  private readonly staging: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'blobs');
    this.staging = join(dataDir, 'tmp');
  }

  async put(bytes: Uint8Array): Promise<BlobRef> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (!(await this.has(hash))) {
      const tmp = await this.tempPath();
      await writeFile(tmp, bytes);
      await this.moveIn(tmp, hash);
    }
    return { hash, bytes: bytes.byteLength };
  }

  async adopt(path: string): Promise<BlobRef> {
    const hasher = createHash('sha256');
    await pipeline(createReadStream(path), hasher);
    const hash = hasher.digest('hex');
    const { size } = await stat(path);
    if (await this.has(hash)) await rm(path, { force: true });
    else await this.moveIn(path, hash);
    return { hash, bytes: size };
  }

  async has(hash: string): Promise<boolean> {
    return stat(this.path(hash)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  path(hash: string): string {
    if (!HASH.test(hash)) throw new CinesimError(ERRORS.INTERNAL, `not a blob hash: ${JSON.stringify(hash)}`);
    return join(this.root, hash.slice(0, 2), hash);
  }

  read(hash: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.path(hash), range);
  }

  async delete(hash: string): Promise<void> {
    await rm(this.path(hash), { force: true });
  }

  /** Inside the data folder, so adopting a staged file is a rename on one filesystem. */
  async stagingDir(): Promise<string> {
    const dir = join(this.staging, `job-${randomBytes(8).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  private async tempPath(): Promise<string> {
    await mkdir(this.staging, { recursive: true });
    return join(this.staging, `blob-${randomBytes(8).toString('hex')}`);
  }

  /** fsync, then rename: a blob under its final name is always whole, even after a crash. */
  private async moveIn(tmp: string, hash: string): Promise<void> {
    const target = this.path(hash);
    await mkdir(join(this.root, hash.slice(0, 2)), { recursive: true });
    const handle = await open(tmp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  }
}
