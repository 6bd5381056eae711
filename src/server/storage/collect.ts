/**
 * Deleting blobs no job uses any more (after a delete, an expiry, a refused create, or outputs a worker
 * produced for a job it no longer owned). The database says what is in use; the store only holds bytes.
 */
import type { JobQueue, StoredFile } from '../queue/types.ts';
import type { BlobStore } from './blob-store.ts';

export async function collectUnused(files: readonly StoredFile[], queue: JobQueue, blobs: BlobStore): Promise<void> {
  for (const hash of new Set(files.map((f) => f.hash))) {
    if (!queue.fileInUse(hash)) await blobs.delete(hash);
  }
}
