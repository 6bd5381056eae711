/**
 * Route schemas are zod schemas, used three ways from one definition:
 * - validation: Fastify hands a route's zod schema to `zodValidatorCompiler`, whose result replaces the
 *   request part (so handlers see parsed, typed values) or becomes one CinesimError naming the field;
 * - types: `ZodTypeProvider` lets Fastify infer `request.body` / `query` / `params` from the schemas;
 * - documentation: `toJsonSchema` turns the same schemas into the OpenAPI 3.1 document (JSON Schema 2020-12).
 *
 * Fastify leaves schema objects with a custom prototype untouched, so zod schemas pass through intact.
 */
import type { FastifySchemaCompiler, FastifySerializerCompiler, FastifyTypeProvider } from 'fastify';
import { z } from 'zod';
import { CinesimError, ERRORS } from '../../errors.ts';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true }); // the input in each issue: "required" or "got …"
    return result.success ? { value: result.data } : { error: zodError(result.error, httpPart, schema) };
  };

/** Responses are plain JSON; the response schemas document them. */
export const jsonSerializerCompiler: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

/**
 * Words a schema gives one of its fields for error messages: what its value is ("a description in the model's
 * words") and its unit ("seconds"). Kept in their own registry, not `.meta()`, so they stay out of the OpenAPI
 * document. Register them on the field's schema: `z.string().register(fieldWords, { what: '…' })`.
 */
export interface FieldWords {
  readonly what?: string;
  readonly unit?: string;
}
export const fieldWords = z.registry<FieldWords>();

/** The first issue of a failed parse as INVALID_ARGUMENT, with the field path as `param` and a message from `issueMessage`. */
export function zodError(error: z.ZodError, httpPart?: string, schema?: z.ZodType): CinesimError {
  const issue = error.issues[0];
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]);
  // A key that is not a plain name (a story picture's path) is written as its form part is named: images[board/01.png].
  const param = path.reduce((at, key) => (/^\w+$/.test(key) ? (at ? `${at}.${key}` : key) : `${at}[${key}]`), '') || (httpPart === 'body' ? 'body' : httpPart ?? 'request');
  return new CinesimError(ERRORS.INVALID_ARGUMENT, issueMessage(issue, param, schema), { param, details: { issues: error.issues.length } });
}

/**
 * One zod issue as the rest of the API words its errors: the field, then what it must be, then what it got
 * ("expires_in must be a positive number of seconds, got 0", "prompt is required (a description in the
 * model's words)"). Every route's validation errors come through here. A schema's own message (a regex's or a
 * union's `error`) is a predicate that follows the field's name: "must be a video id (…)".
 */
export function issueMessage(issue: z.core.$ZodIssue, param: string, schema?: z.ZodType): string {
  const words = schema ? wordsAt(schema, issue.path) : {};
  const input = 'input' in issue ? issue.input : undefined;
  const got = describeInput(input);
  const gotPart = got === undefined ? '' : `, got ${got}`;
  const missing = 'input' in issue && input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
  if (missing) return `${param} is required${words.what ? ` (${words.what})` : ''}`;
  if (issue.code !== 'unrecognized_keys' && ownMessage(issue)) return `${param} ${issue.message}${gotPart}`;
  switch (issue.code) {
    case 'invalid_type':
      return `${param} must be ${words.what ?? typeWords(issue.expected, words.unit)}${gotPart}`;
    case 'invalid_union': {
      // Branches that failed on type say what would have done: "a number or a string".
      const types = issue.errors.flatMap((branch) => branch.filter((i): i is z.core.$ZodIssueInvalidType => i.code === 'invalid_type' && i.path.length === 0));
      const expected = [...new Set(types.map((i) => typeWords(i.expected)))];
      return expected.length > 0 ? `${param} must be ${expected.join(' or ')}${gotPart}` : `${param} is not valid${gotPart}`;
    }
    case 'invalid_value':
      return `${param} must be ${oneOf(issue.values.map((v) => String(v)))}${gotPart}`;
    case 'too_small':
    case 'too_big':
      return `${param} ${boundWords(issue, words.unit)}${gotPart}`;
    case 'not_multiple_of':
      return `${param} must be a multiple of ${issue.divisor}${words.unit ? ` ${words.unit}` : ''}${gotPart}`;
    case 'invalid_format':
      return `${param} must be ${issue.format === 'regex' ? `text matching ${issue.pattern}` : `a valid ${issue.format}`}${gotPart}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    default:
      return `${param}: ${issue.message}`;
  }
}

/** Whether the schema wrote this issue's message itself rather than zod's locale. */
function ownMessage(issue: z.core.$ZodIssue): boolean {
  const fallback = z.config().localeError?.(issue as unknown as z.core.$ZodRawIssue);
  return issue.message !== (typeof fallback === 'string' ? fallback : fallback?.message);
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  file: 'an uploaded file',
  null: 'null',
};

function typeWords(expected: string, unit?: string): string {
  if (unit && (expected === 'number' || expected === 'int')) return `${TYPE_WORDS[expected]} of ${unit}`;
  return TYPE_WORDS[expected] ?? `of type ${expected}`;
}

function boundWords(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, unit?: string): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      return small && bound === 1 ? 'must not be empty' : `must be ${small ? 'at least' : 'at most'} ${bound} characters`;
    case 'array':
    case 'set':
      return `must have ${small ? 'at least' : 'at most'} ${bound} item${bound === 1 ? '' : 's'}`;
    case 'file':
      return `must be ${small ? 'at least' : 'at most'} ${bound} bytes`;
    default:
      if (small && bound === 0 && !inclusive) return `must be a positive number${unit ? ` of ${unit}` : ''}`;
      return `must be ${small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than'} ${bound}${unit ? ` ${unit}` : ''}`;
  }
}

function oneOf(values: readonly string[]): string {
  if (values.length === 1) return values[0];
  if (values.length === 2) return `${values[0]} or ${values[1]}`;
  return `one of ${values.join(', ')}`;
}

/** The input as a message shows it: primitives as written (strings quoted, long ones cut), else undefined. */
function describeInput(input: unknown): string | undefined {
  if (typeof input === 'string') return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
  if (typeof input === 'number' || typeof input === 'boolean' || input === null) return String(input);
  return undefined;
}

/** The field words registered on the schema at `path` (or on any wrapper of it: optional, default, pipe). */
function wordsAt(root: z.core.$ZodType, path: readonly PropertyKey[]): FieldWords {
  let schema: z.core.$ZodType | undefined = root;
  for (let i = 0; schema !== undefined; ) {
    const words = fieldWords.get(schema as z.ZodType);
    if (words && i === path.length) return words;
    const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (def.innerType) schema = def.innerType;
    else if (def.type === 'pipe') schema = def.in;
    else if (i === path.length) return {};
    else if (def.type === 'object') schema = def.shape?.[String(path[i++])];
    else if (def.type === 'array') (schema = def.element), i++;
    else return {};
  }
  return {};
}

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema; `io` picks the input or output side of transforms. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
