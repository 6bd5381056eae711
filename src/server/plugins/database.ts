/** External: the SQLite database in the data folder, closed last. */
import { join } from 'node:path';
import { DATABASE_FILE, openDatabase, type Db } from '../db/database.ts';
import { definePlugin } from './define.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

export default definePlugin('db', [], async (app) => {
  const db = openDatabase(join(app.config.dataDir, DATABASE_FILE));
  app.decorate('db', db);
  app.addHook('onClose', async () => db.close());
});
