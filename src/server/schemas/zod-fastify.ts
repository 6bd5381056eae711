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
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: zodError(result.error, httpPart) };
  };

/** Responses are plain JSON; the response schemas document them. */
export const jsonSerializerCompiler: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

/** The first issue of a failed parse as INVALID_ARGUMENT, with the field path as `param`. */
export function zodError(error: z.ZodError, httpPart?: string): CinesimError {
  const issue = error.issues[0];
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]);
  const param = path.join('.') || (httpPart === 'body' ? 'body' : httpPart ?? 'request');
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`
      : issue.message;
  return new CinesimError(ERRORS.INVALID_ARGUMENT, `${param}: ${message}`, { param, details: { issues: error.issues.length } });
}

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema; `io` picks the input or output side of transforms. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
