/**
 * Malformed and hostile requests get the right status and `{error: {code, message, param}}`, and never
 * reach the engine, the file system or the network where they should not.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVideo, errorOf, PROMPT, startApp, tempDir, TINY_MODEL, type TestApp } from './helpers.ts';

let server: TestApp;
let headers: { authorization: string };

beforeAll(async () => {
  server = await startApp({ limits: { maxUploadBytes: 64 * 1024, maxInputPixels: 4_000_000, maxPromptChars: 500 } }, { listen: false });
  headers = server.key({ credits: 1000 }).headers;
});

function expectError(response: { statusCode: number; json(): unknown }, status: number, code: string, param?: string | null) {
  expect(response.statusCode).toBe(status);
  const error = errorOf(response);
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  if (param !== undefined) expect(error.param).toBe(param);
}

/** A PNG whose header claims `width` x `height` pixels, with almost no data: a decompression bomb. */
function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([120, 156, 3, 0, 0, 0, 0, 1])), chunk('IEND', Buffer.alloc(0))]);
}

function multipart(fields: Record<string, string | { name: string; type: string; data: Buffer }>): { payload: Buffer; headers: Record<string, string> } {
  const boundary = 'cinesim-test-boundary';
  const parts = Object.entries(fields).map(([name, value]) =>
    typeof value === 'string'
      ? Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      : Buffer.concat([
          Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"; filename="${value.name}"\r\ncontent-type: ${value.type}\r\n\r\n`),
          value.data,
          Buffer.from('\r\n'),
        ]),
  );
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('malformed requests', () => {
  it('malformed JSON, an empty body, a wrong content type', async () => {
    const bad = await server.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"prompt": ' });
    expectError(bad, 400, 'CINE_ERR_INVALID_ARGUMENT');
    const empty = await server.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...headers, 'content-type': 'application/json' }, payload: '' });
    expectError(empty, 400, 'CINE_ERR_INVALID_ARGUMENT');
    const text = await server.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'make a video' });
    expectError(text, 415, 'CINE_ERR_UNSUPPORTED_MEDIA_TYPE', 'body');
  });

  it('wrong types, unknown fields and prototype pollution name the field', async () => {
    expectError(await createVideo(server.app, headers, { prompt: 42 }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'prompt');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, seed: 'seven' }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'seed');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, audio: 'loud' }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'audio');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, seeds: 1 }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'seeds');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, keyframes: [{ role: 'middle', image: 'x' }] }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'keyframes.0.role');
    const proto = await server.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...headers, 'content-type': 'application/json' }, payload: `{"prompt": "x", "__proto__": {"admin": true}}` });
    expect(proto.statusCode).toBe(400);
  });

  it('values the model cannot make are refused with what it can, never rounded', async () => {
    const size = await createVideo(server.app, headers, { prompt: PROMPT, size: '1280x720' });
    expectError(size, 400, 'CINE_ERR_INVALID_ARGUMENT', 'size');
    expect(errorOf(size).message).toContain('32x32, 48x32, 32x48');
    const seconds = await createVideo(server.app, headers, { prompt: PROMPT, seconds: '1.3' });
    expectError(seconds, 400, 'CINE_ERR_INVALID_ARGUMENT', 'seconds');
    expect(errorOf(seconds).message).toContain('nearest');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, seconds: 60 }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'seconds');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, model: 'sora-2' }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'model');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, steps: 100_000 }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'steps');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, keyframes: [{ role: 'last', image: 'data:,x' }] }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'keyframes.0.image');
  });

  it('prompts: too long, empty, unknown words (with suggestions)', async () => {
    expectError(await createVideo(server.app, headers, { prompt: 'ball '.repeat(200) }), 400, 'CINE_ERR_PROMPT_INVALID', 'prompt');
    expectError(await createVideo(server.app, headers, { prompt: '   ' }), 400, 'CINE_ERR_PROMPT_INVALID', 'prompt');
    const unknown = await createVideo(server.app, headers, { prompt: 'a red bal bounces' });
    expectError(unknown, 400, 'CINE_ERR_PROMPT_UNKNOWN_WORDS', 'prompt');
    expect(errorOf(unknown).message).toContain('"ball"');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, negative_prompt: 'xyzzy' }), 400, 'CINE_ERR_PROMPT_UNKNOWN_WORDS', 'negative_prompt');
  });
});

describe('messages', () => {
  const post = (url: string, payload: Record<string, unknown>) => server.app.inject({ method: 'POST', url, headers, payload });
  const expectMessage = (response: { statusCode: number; json(): unknown }, param: string, message: string) => {
    expectError(response, 400, 'CINE_ERR_INVALID_ARGUMENT', param);
    expect(errorOf(response).message).toBe(message);
  };

  it("validation errors read like the API's others: the field, what it must be, what it got", async () => {
    expectMessage(await post('/v1/videos', {}), 'prompt', "prompt is required (a description in the model's words)");
    expectMessage(await post('/v1/stories', {}), 'script', 'script is required (a story script: a cast, then its shots, as docs/STORY.md describes)');
    expectMessage(await post(`/v1/videos/video_${'0'.repeat(24)}/share`, { expires_in: 0 }), 'expires_in', 'expires_in must be a positive number of seconds, got 0');
    expectMessage(await post('/v1/videos', { prompt: PROMPT, seconds: 'two' }), 'seconds', 'seconds must be a number, got "two"');
    expectMessage(await post('/v1/videos', { prompt: PROMPT, sampler: 'ddim' }), 'sampler', 'sampler must be euler or heun, got "ddim"');
    expectMessage(await post('/v1/videos', { prompt: PROMPT, extend_video_id: 'v1' }), 'extend_video_id', 'extend_video_id must be a video id (video_ followed by 24 hex digits), got "v1"');
    expectMessage(await post('/v1/videos', { prompt: PROMPT, keyframes: [{ role: 'first' }] }), 'keyframes.0.image', 'keyframes.0.image is required');
    expectMessage(await post('/v1/videos', { prompt: PROMPT, seeds: 1 }), 'seeds', "unknown field 'seeds'");
  });

  it('a prompt that describes nothing is refused as `world render` refuses it; a negative prompt may be a word', async () => {
    const nothing = 'the prompt describes nothing: name an object, e.g. "a small red ball bounces on green grass"';
    for (const prompt of ['the', '1 2']) {
      const response = await createVideo(server.app, headers, { prompt });
      expectError(response, 400, 'CINE_ERR_PROMPT_INVALID', 'prompt');
      expect(errorOf(response).message).toBe(nothing);
    }
    const check = (await post('/v1/prompts/check', { prompt: 'the' })).json();
    expect(check).toMatchObject({ ok: false, error: { code: 'CINE_ERR_PROMPT_INVALID', message: nothing } });
    expect((await post('/v1/prompts/check', { prompt: 'the', role: 'negative_prompt' })).json()).toMatchObject({ ok: true, error: null });
    expect((await createVideo(server.app, headers, { prompt: PROMPT, negative_prompt: 'the' })).statusCode).toBe(200);
  });
});

describe('sizes that cannot run', () => {
  it('a size the model lists but whose pass would not fit in memory is a 400 naming what fits, before any job exists', async () => {
    const dir = await tempDir();
    await cp(TINY_MODEL, dir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    manifest.formats.sizes.push([4096, 4096]);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const big = await startApp({ models: [dir] }, { listen: false });
    const auth = big.key({ credits: 1000 }).headers;
    const response = await createVideo(big.app, auth, { prompt: PROMPT, size: '4096x4096', seconds: 2 });
    expectError(response, 400, 'CINE_ERR_INVALID_ARGUMENT', 'size');
    expect(errorOf(response).message).toBe(
      'size 4096x4096: 1310720 latent tokens per pass (5 latent frames × 512 × 512), this model runs at most 4096 (up to 224x224 at 2 s)',
    );
    expect((await big.app.inject({ method: 'GET', url: '/v1/videos', headers: auth })).json().data).toEqual([]);
  });
});

describe('uploads and images', () => {
  it('an upload over the limit is a 413 naming the field; a body over the limit too', async () => {
    const big = multipart({ prompt: PROMPT, input_reference: { name: 'big.png', type: 'image/png', data: Buffer.alloc(100 * 1024, 1) } });
    expectError(await server.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...headers, ...big.headers }, payload: big.payload }), 413, 'CINE_ERR_PAYLOAD_TOO_LARGE', 'input_reference');
    const huge = JSON.stringify({ prompt: PROMPT, input_reference: `data:image/png;base64,${'A'.repeat(2 * 1024 * 1024)}` });
    expectError(await server.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...headers, 'content-type': 'application/json' }, payload: huge }), 413, 'CINE_ERR_PAYLOAD_TOO_LARGE');
    const inline = await createVideo(server.app, headers, { prompt: PROMPT, input_reference: `data:image/png;base64,${'A'.repeat(100 * 1024)}` });
    expectError(inline, 413, 'CINE_ERR_PAYLOAD_TOO_LARGE', 'input_reference');
  });

  it('a decompression bomb is refused from its header, before decoding', async () => {
    const bomb = bombPng(100_000, 100_000);
    expect(bomb.length).toBeLessThan(100);
    const form = multipart({ prompt: PROMPT, input_reference: { name: 'bomb.png', type: 'image/png', data: bomb } });
    const response = await server.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...headers, ...form.headers }, payload: form.payload });
    expectError(response, 413, 'CINE_ERR_PAYLOAD_TOO_LARGE', 'input_reference');
    expect(errorOf(response).message).toContain('100000x100000');
  });

  it('bytes that are not an image are a 400', async () => {
    const form = multipart({ prompt: PROMPT, input_reference: { name: 'x.png', type: 'image/png', data: Buffer.from('not an image at all') } });
    expectError(await server.app.inject({ method: 'POST', url: '/v1/videos', headers: { ...headers, ...form.headers }, payload: form.payload }), 400, 'CINE_ERR_INPUT_UNREADABLE', 'input_reference');
  });
});

describe('URLs', () => {
  const forbidden = [
    'http://127.0.0.1/a.png',
    'http://localhost:8787/a.png',
    'http://10.1.2.3/a.png',
    'http://192.168.0.10/a.png',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/a.png',
    'http://[::ffff:127.0.0.1]/a.png',
    'http://2130706433/a.png',
    'http://0x7f.1/a.png',
    'file:///etc/passwd',
    'ftp://example.com/a.png',
    'http://user:pw@example.com/a.png',
  ];

  it.each(forbidden)('an input URL to %s is refused', async (url) => {
    const response = await createVideo(server.app, headers, { prompt: PROMPT, input_reference: { image_url: url } });
    expectError(response, 400, 'CINE_ERR_URL_FORBIDDEN', 'input_reference.image_url');
  });

  it('a callback_url to a private address is refused', async () => {
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, callback_url: 'http://10.0.0.1/hook' }), 400, 'CINE_ERR_URL_FORBIDDEN', 'callback_url');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT, callback_url: 'http://localhost/hook' }), 400, 'CINE_ERR_URL_FORBIDDEN', 'callback_url');
  });
});

describe('ids, routes and keys', () => {
  it('ids are checked before use: traversal and junk are 400, unknown ids 404', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', 'video_%2F..', '%00', `video_${'0'.repeat(23)}g`]) {
      expectError(await server.app.inject({ method: 'GET', url: `/v1/videos/${id}`, headers }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'video_id');
    }
    expectError(await server.app.inject({ method: 'GET', url: `/v1/videos/video_${'0'.repeat(24)}`, headers }), 404, 'CINE_ERR_NOT_FOUND', 'video_id');
    for (const url of ['/v1/videos/../../etc/passwd', '/v1/videos/%2e%2e/%2e%2e/etc/passwd']) {
      expectError(await server.app.inject({ method: 'GET', url, headers }), 404, 'CINE_ERR_NOT_FOUND');
    }
    expectError(await server.app.inject({ method: 'GET', url: `/v1/videos/video_${'0'.repeat(24)}/content?variant=../../x`, headers }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'variant');
    expectError(await server.app.inject({ method: 'GET', url: `/v1/shared/video_${'0'.repeat(24)}/video?expires=1&signature=x` }), 403, 'CINE_ERR_LINK_INVALID');
  });

  it('unknown routes and methods are 404 in the same shape', async () => {
    expectError(await server.app.inject({ method: 'GET', url: '/v2/videos', headers }), 404, 'CINE_ERR_NOT_FOUND', null);
    expectError(await server.app.inject({ method: 'PUT', url: '/v1/videos', headers }), 404, 'CINE_ERR_NOT_FOUND', null);
  });

  it('no key, a wrong key, a revoked key are 401; another key\'s video is 404', async () => {
    expectError(await server.app.inject({ method: 'GET', url: '/v1/videos' }), 401, 'CINE_ERR_UNAUTHORIZED');
    expectError(await server.app.inject({ method: 'GET', url: '/v1/videos', headers: { authorization: 'Bearer csk_nope' } }), 401, 'CINE_ERR_UNAUTHORIZED');
    expectError(await server.app.inject({ method: 'GET', url: '/v1/videos', headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401, 'CINE_ERR_UNAUTHORIZED');
    const revoked = server.key();
    server.app.keys.revoke(revoked.id);
    expectError(await server.app.inject({ method: 'GET', url: '/v1/videos', headers: revoked.headers }), 401, 'CINE_ERR_UNAUTHORIZED');

    const mine = (await createVideo(server.app, headers, { prompt: PROMPT })).json().id as string;
    const other = server.key().headers;
    expectError(await server.app.inject({ method: 'GET', url: `/v1/videos/${mine}`, headers: other }), 404, 'CINE_ERR_NOT_FOUND');
    expectError(await server.app.inject({ method: 'DELETE', url: `/v1/videos/${mine}`, headers: other }), 404, 'CINE_ERR_NOT_FOUND');
    expect((await server.app.inject({ method: 'GET', url: '/v1/videos', headers: other })).json().data).toEqual([]);
  });

  it('content of an unfinished video is a 409; a bad Idempotency-Key a 400', async () => {
    const id = (await createVideo(server.app, headers, { prompt: PROMPT, seconds: '12' })).json().id as string;
    expectError(await server.app.inject({ method: 'GET', url: `/v1/videos/${id}/content`, headers }), 409, 'CINE_ERR_NOT_READY', 'video_id');
    expectError(await createVideo(server.app, headers, { prompt: PROMPT }, { 'idempotency-key': 'k'.repeat(300) }), 400, 'CINE_ERR_INVALID_ARGUMENT', 'Idempotency-Key');
  });

  it('publishes an OpenAPI 3.1 document and a docs page', async () => {
    const doc = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/videos', '/v1/videos/{video_id}', '/v1/videos/{video_id}/content', '/v1/models', '/v1/usage']));
    expect(doc.paths['/v1/videos'].post.requestBody.content).toHaveProperty(['multipart/form-data']);
    expect(doc.components.schemas).toHaveProperty('Video');
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
    const page = await server.app.inject({ method: 'GET', url: '/docs' });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('/v1/videos/{video_id}/remix');
  });
});
