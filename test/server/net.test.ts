/**
 * The pieces that face untrusted input directly: the address policy, the bounded fetch, the multipart
 * parser's nesting rules.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMultipart } from '../../src/server/http/multipart.ts';
import { isForbiddenAddress, safeFetch } from '../../src/server/net/fetch.ts';

describe('isForbiddenAddress', () => {
  it.each(['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:a00:1', '64:ff9b::a00:1', 'not-an-ip'])(
    '%s is forbidden',
    (address) => expect(isForbiddenAddress(address)).toBe(true),
  );
  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is allowed', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('safeFetch', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/big') return res.end(Buffer.alloc(10_000));
    if (req.url?.startsWith('/redirect/')) return res.writeHead(302, { location: `/redirect/${Number(req.url.split('/')[2]) + 1}` }).end();
    if (req.url === '/to-metadata') return res.writeHead(302, { location: 'http://169.254.169.254/latest/' }).end();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const options = { param: 'url', maxBytes: 1000, timeoutMs: 2000, maxRedirects: 2, policy: { allowPrivate: true } };

  it('fetches within limits', async () => {
    expect((await safeFetch(`${base}/`, options)).body.toString()).toBe('ok');
  });

  it('stops a body over the limit', async () => {
    await expect(safeFetch(`${base}/big`, options)).rejects.toMatchObject({ code: 'CINE_ERR_PAYLOAD_TOO_LARGE', param: 'url' });
  });

  it('follows few redirects, each checked again', async () => {
    await expect(safeFetch(`${base}/redirect/0`, options)).rejects.toMatchObject({ code: 'CINE_ERR_FETCH_FAILED' });
    // The first hop is allowed (loopback allowed here), the redirect to 169.254/16 is not when private is off.
    await expect(safeFetch(`${base}/to-metadata`, { ...options, policy: { allowPrivate: false } })).rejects.toMatchObject({ code: 'CINE_ERR_URL_FORBIDDEN' });
  });

  it('refuses a name that resolves to loopback at connect time', async () => {
    const port = (server.address() as AddressInfo).port;
    await expect(safeFetch(`http://localhost:${port}/`, { ...options, policy: { allowPrivate: false } })).rejects.toMatchObject({ code: 'CINE_ERR_URL_FORBIDDEN' });
  });
});

describe('parseMultipart', () => {
  async function parse(build: (form: FormData) => void, maxFileBytes = 1000) {
    const form = new FormData();
    build(form);
    const request = new Request('http://x/', { method: 'POST', body: form });
    return parseMultipart(Buffer.from(await request.arrayBuffer()), request.headers.get('content-type')!, maxFileBytes);
  }

  it('nests bracketed names into objects and lists', async () => {
    const parsed = await parse((f) => {
      f.append('prompt', 'a ball');
      f.append('input_reference[image_url]', 'https://example.com/a.png');
      f.append('keyframes[0][role]', 'first');
      f.append('keyframes[0][image]', new File([new Uint8Array([1, 2])], 'a.png', { type: 'image/png' }));
      f.append('keyframes[1][role]', 'last');
      f.append('tags[]', 'x');
      f.append('tags[]', 'y');
    });
    expect(parsed).toMatchObject({ prompt: 'a ball', input_reference: { image_url: 'https://example.com/a.png' }, keyframes: [{ role: 'first' }, { role: 'last' }], tags: ['x', 'y'] });
    expect((parsed.keyframes as unknown as { image: File }[])[0].image).toBeInstanceOf(File);
  });

  it('refuses oversized files, prototype keys, clashes and junk', async () => {
    await expect(parse((f) => f.append('a', new File([new Uint8Array(2000)], 'a.bin')))).rejects.toMatchObject({ code: 'CINE_ERR_PAYLOAD_TOO_LARGE', param: 'a' });
    await expect(parse((f) => f.append('__proto__[x]', '1'))).rejects.toMatchObject({ code: 'CINE_ERR_INVALID_ARGUMENT' });
    await expect(parse((f) => (f.append('a', '1'), f.append('a[b]', '2')))).rejects.toMatchObject({ code: 'CINE_ERR_INVALID_ARGUMENT' });
    await expect(parseMultipart(Buffer.from('garbage'), 'multipart/form-data; boundary=x', 1000)).rejects.toMatchObject({ code: 'CINE_ERR_INVALID_ARGUMENT' });
  });
});
