/**
 * The OpenAPI 3.1 document, built from the routes themselves: every route registered after the collector
 * is seen by Fastify's `onRoute` hook, and its zod schemas (the very ones that validate requests) become
 * parameters, request bodies and responses. Named schemas (`.meta({ id })`) land in components.
 */
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { toJsonSchema } from '../schemas/zod-fastify.ts';

/** What routes may put in `schema` besides the parts Fastify validates. */
export interface RouteDocs {
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** Left out of the document (the document itself, the docs page). */
  readonly hide?: boolean;
  /** The route also takes multipart/form-data with the same fields. */
  readonly multipart?: boolean;
  /** Public: no API key needed. */
  readonly public?: boolean;
  /** Binary responses: status → content types (the response schema then describes the bytes). */
  readonly produces?: readonly string[];
}

declare module 'fastify' {
  // Routes document themselves in their schema.
  interface FastifySchema extends RouteDocs {}
}

interface CollectedRoute {
  readonly method: string;
  readonly path: string;
  readonly schema: Record<string, unknown> & RouteDocs;
}

type Json = Record<string, unknown>;

export class OpenApiCollector {
  private readonly routes: CollectedRoute[] = [];

  /** Fastify's onRoute hook. */
  readonly onRoute = (route: RouteOptions): void => {
    const schema = (route.schema ?? {}) as CollectedRoute['schema'];
    if (schema.hide || route.method === 'HEAD') return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const method of methods) if (method !== 'HEAD') this.routes.push({ method: method.toLowerCase(), path, schema });
  };

  document(info: { title: string; version: string; description: string }): Json {
    const components: Record<string, Json> = {};
    const convert = (schema: z.ZodType, io: 'input' | 'output'): Json => hoist(toJsonSchema(schema, io), components);
    const paths: Record<string, Record<string, Json>> = {};
    for (const { method, path, schema } of this.routes) {
      const operation: Json = {
        summary: schema.summary,
        description: schema.description,
        tags: schema.tags,
        operationId: `${method}${path.replace(/[{}]/g, '').replace(/\/([a-z0-9_])/gi, (_, c: string) => c.toUpperCase())}`,
        parameters: [...parameters(schema.params, 'path', convert), ...parameters(schema.querystring, 'query', convert)],
        responses: responses(schema, convert),
      };
      if (schema.public) operation.security = [];
      if (schema.body instanceof z.ZodType) {
        const body = convert(schema.body, 'input');
        const content: Json = { 'application/json': { schema: body } };
        if (schema.multipart) content['multipart/form-data'] = { schema: body };
        operation.requestBody = { required: true, content };
      }
      (paths[path] ??= {})[method] = operation;
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        schemas: components,
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from `cinesim keys create`.' } },
      },
      security: [{ bearerAuth: [] }],
    };
  }
}

function parameters(schema: unknown, where: 'path' | 'query', convert: (s: z.ZodType, io: 'input') => Json): Json[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    description: field.description,
    schema: convert(field, 'input'),
  }));
}

function responses(schema: CollectedRoute['schema'], convert: (s: z.ZodType, io: 'output') => Json): Json {
  const out: Json = {};
  const response = (schema.response ?? {}) as Record<string, unknown>;
  for (const [status, body] of Object.entries(response)) {
    if (!(body instanceof z.ZodType)) continue;
    const isBinary = Number(status) < 300 && schema.produces !== undefined;
    const content = isBinary
      ? Object.fromEntries(schema.produces!.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]))
      : { 'application/json': { schema: convert(body, 'output') } };
    out[status] = { description: body.description ?? (Number(status) < 400 ? 'OK' : 'Error'), content };
  }
  return out;
}

/** Moves `$defs` into the shared components and points the references there. */
function hoist(json: Json, components: Record<string, Json>): Json {
  const defs = (json.$defs ?? {}) as Record<string, Json>;
  delete json.$defs;
  const rewrite = (value: Json): Json => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  for (const [name, def] of Object.entries(defs)) components[name] = rewrite(def);
  return rewrite(json);
}
