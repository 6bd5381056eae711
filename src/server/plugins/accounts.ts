/** Service: API keys, the credit ledger and the per-key rate limiter. */
import { CreditLedger } from '../accounts/ledger.ts';
import { KeyStore } from '../accounts/keys.ts';
import { RateLimiter } from '../accounts/rate-limit.ts';
import { definePlugin } from './define.ts';

declare module 'fastify' {
  interface FastifyInstance {
    ledger: CreditLedger;
    keys: KeyStore;
    rateLimiter: RateLimiter;
  }
}

export default definePlugin('accounts', ['db'], async (app) => {
  const ledger = new CreditLedger(app.db);
  app.decorate('ledger', ledger);
  app.decorate('keys', new KeyStore(app.db, ledger));
  app.decorate('rateLimiter', new RateLimiter());
});
