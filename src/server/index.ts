/** src/server: the HTTP service. The public surface, listed explicitly. */
export { buildApp } from './app.ts';
export { startServer, type RunningServer } from './server.ts';
export { resolveServerConfig, ServerConfigSchema, type ServerConfig, type ServerConfigInput } from './config.ts';
export { DATABASE_FILE, openDatabase, type Db } from './db/database.ts';
export { KeyStore, LOCAL_KEY_ID, type ApiKeyInfo, type CreatedKey, type CreateKeyOptions, type Principal } from './accounts/keys.ts';
export { CreditLedger, type Usage as CreditUsage } from './accounts/ledger.ts';
export { SqliteJobQueue } from './queue/sqlite-queue.ts';
export type { JobQueue, JobRecord, JobStatus, JobParams, StoredFile } from './queue/types.ts';
export { signWebhook, verifyWebhook, WEBHOOK_TOLERANCE_SECONDS, type WebhookHeaders } from './webhooks/signature.ts';
