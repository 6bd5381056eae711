/** Service: the content-addressed blob store and the share-link signer, both under the data folder. */
import { LocalBlobStore, type BlobStore } from '../storage/blob-store.ts';
import { loadServerSecret } from '../storage/secrets.ts';
import { LinkSigner } from '../storage/signed-links.ts';
import { definePlugin } from './define.ts';

declare module 'fastify' {
  interface FastifyInstance {
    blobs: BlobStore;
    signer: LinkSigner;
  }
}

export default definePlugin('storage', [], async (app) => {
  app.decorate('blobs', new LocalBlobStore(app.config.dataDir));
  app.decorate('signer', new LinkSigner(loadServerSecret(app.config.dataDir)));
});
