/**
 * Webhooks: a finished video with a callback_url is POSTed to it, signed per Standard Webhooks, and
 * retried with backoff when the receiver fails; the signature verifies with the key's secret.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../src/server/index.ts';
import { createVideo, PROMPT, startApp, waitFor } from './helpers.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on loopback that answers the given statuses in turn (then 200). */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/cinesim`, received };
}

describe('webhooks', () => {
  it('delivers video.completed, signed, retrying after a failed attempt with the same webhook-id', async () => {
    const hook = await receiver([500]);
    const { app, key } = await startApp({ allowPrivateUrls: true }, { listen: false }); // the receiver is on loopback
    const k = key();
    const id = (await createVideo(app, k.headers, { prompt: PROMPT, callback_url: hook.url })).json().id as string;

    await waitFor('two deliveries', () => hook.received.length >= 2 || undefined);
    const [first, second] = hook.received;
    expect(first.headers['webhook-id']).toBe(second.headers['webhook-id']);
    for (const { headers, body } of [first, second]) {
      expect(verifyWebhook(k.webhookSecret, headers, body)).toBe(true);
      // The same check written out: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> under the secret's bytes.
      const secret = Buffer.from(k.webhookSecret.replace(/^whsec_/, ''), 'base64');
      const mac = createHmac('sha256', secret).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
      expect(headers['webhook-signature']).toBe(`v1,${mac}`);
      expect(verifyWebhook(k.webhookSecret, headers, body.replace('completed', 'failed'))).toBe(false);
    }
    const event = JSON.parse(second.body);
    expect(event).toMatchObject({ object: 'event', type: 'video.completed', data: { id, status: 'completed', object: 'video' } });

    await waitFor('the delivery to be recorded', () => app.webhooks.deliveries(id)[0]?.status === 'delivered' || undefined);
    expect(app.webhooks.deliveries(id)).toMatchObject([{ status: 'delivered', attempts: 2, eventType: 'video.completed' }]);
  });

  it('gives up after its schedule and notifies cancellations too', async () => {
    const hook = await receiver([500, 500, 500, 500]);
    const { app, key } = await startApp({ allowPrivateUrls: true, debug: { stepDelayMs: 200 } }, { listen: false });
    const k = key();
    const id = (await createVideo(app, k.headers, { prompt: PROMPT, callback_url: hook.url })).json().id as string;
    await app.inject({ method: 'POST', url: `/v1/videos/${id}/cancel`, headers: k.headers });
    await waitFor('the delivery to fail for good', () => app.webhooks.deliveries(id)[0]?.status === 'failed' || undefined);
    expect(hook.received).toHaveLength(3); // the first try and two retries
    expect(JSON.parse(hook.received[0].body).type).toBe('video.cancelled');
  });

  it('refuses stale or forged signatures', () => {
    const secret = `whsec_${Buffer.from('a secret of some length').toString('base64')}`;
    const body = '{"type":"video.completed"}';
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect(verifyWebhook(secret, { ...signWebhook(secret, 'msg_1', old, body) }, body)).toBe(false);
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(`whsec_${Buffer.from('another').toString('base64')}`, { ...signWebhook(secret, 'msg_1', now, body) }, body)).toBe(false);
    expect(verifyWebhook(secret, { ...signWebhook(secret, 'msg_1', now, body) }, body)).toBe(true);
  });
});
