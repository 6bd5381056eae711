/**
 * multipart/form-data bodies (uploads; what the `openai` client always sends to POST /videos) → the same
 * object a JSON body would give, so one schema validates both. The body arrives whole and bounded by
 * Fastify's body limit; parsing uses the WHATWG `Request.formData()` that Node ships. Files become `File`
 * objects, each checked against the upload limit here (413) before anything decodes it.
 *
 * Bracketed names nest, as the `openai` client and HTML forms write them: `input_reference[image_url]`,
 * `keyframes[0][role]`, `keyframes[][image]`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CinesimError, ERRORS } from '../../errors.ts';

type FormValue = string | File | FormObject | FormValue[];
interface FormObject {
  [key: string]: FormValue;
}

const MAX_FIELDS = 64;
const MAX_DEPTH = 4;

/**
 * Lets the routes of this scope take multipart/form-data bodies (each file at most `maxUploadBytes`); returns
 * the body limit their routes set: room for `maxInputs` uploads as base64 in JSON (or as raw parts in
 * multipart), plus the other fields.
 */
export function acceptMultipart(app: FastifyInstance): { bodyLimit: number } {
  const { maxUploadBytes, maxInputs } = app.config.limits;
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, async (request: FastifyRequest, body: Buffer) =>
    parseMultipart(body, String(request.headers['content-type']), maxUploadBytes),
  );
  return { bodyLimit: maxInputs * Math.ceil((maxUploadBytes * 4) / 3) + 256 * 1024 };
}

export async function parseMultipart(body: Buffer, contentType: string, maxFileBytes: number): Promise<FormObject> {
  let form: FormData;
  try {
    form = await new Request('http://cinesim.local/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  } catch (cause) {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `malformed multipart/form-data body: ${(cause as Error).message}`, { param: 'body', cause });
  }
  const result: FormObject = {};
  let fields = 0;
  for (const [name, value] of form) {
    if (++fields > MAX_FIELDS) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `more than ${MAX_FIELDS} form fields`, { param: 'body' });
    if (value instanceof File && value.size > maxFileBytes) {
      throw new CinesimError(ERRORS.PAYLOAD_TOO_LARGE, `${name}: the upload is ${value.size} bytes; at most ${maxFileBytes}`, { param: name });
    }
    assign(result, pathOf(name), value);
  }
  return arraysOf(result) as FormObject;
}

/** `a[b][0][]` → ['a', 'b', '0', '']. */
function pathOf(name: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!match) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `malformed form field name '${name}'`, { param: name });
  const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
  if (path.length > MAX_DEPTH) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `form field name '${name}' nests too deep`, { param: name });
  for (const key of path) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `form field name '${name}' is not allowed`, { param: name });
    }
  }
  return path;
}

function assign(target: FormObject, path: string[], value: string | File): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    // `[]` followed by a field: a new element, unless the last one lacks that field
    const key = path[i] === '' ? appendKey(node, path[i + 1]) : path[i];
    const child = node[key];
    if (child === undefined) node[key] = {};
    else if (typeof child === 'string' || child instanceof File) throw conflict(path);
    node = node[key] as FormObject;
  }
  let last = path[path.length - 1];
  if (last === '') last = String(Object.keys(node).length);
  if (node[last] !== undefined) throw conflict(path);
  node[last] = value;
}

/** For `x[][field]`: the index of the last element when it lacks `field`, else a new one. */
function appendKey(node: FormObject, field: string | undefined): string {
  const count = Object.keys(node).length;
  const lastElement = node[String(count - 1)];
  if (count > 0 && field !== undefined && lastElement && typeof lastElement === 'object' && !(lastElement instanceof File) && !(field in lastElement)) {
    return String(count - 1);
  }
  return String(count);
}

/** Objects whose keys are 0..n-1 become arrays. */
function arraysOf(value: FormValue): FormValue {
  if (typeof value === 'string' || value instanceof File || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted = Object.fromEntries(keys.map((k) => [k, arraysOf(value[k])]));
  const isList = keys.length > 0 && keys.every((k, i) => k === String(i));
  return isList ? keys.map((k) => converted[k]) : converted;
}

function conflict(path: string[]): CinesimError {
  const name = path[0] + path.slice(1).map((p) => `[${p}]`).join('');
  return new CinesimError(ERRORS.INVALID_ARGUMENT, `form field '${name}' is given twice or clashes with another`, { param: path[0] });
}
