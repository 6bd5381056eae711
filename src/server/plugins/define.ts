/**
 * Marks an async function as a named Fastify plugin that decorates its parent (what the `fastify-plugin`
 * package does, in a few lines): Fastify then checks `dependencies` by name at registration, and the
 * decorators a service adds are visible to the plugins registered after it.
 */
import type { FastifyPluginAsync } from 'fastify';

export function definePlugin(name: string, dependencies: readonly string[], plugin: FastifyPluginAsync): FastifyPluginAsync {
  const marked = plugin as FastifyPluginAsync & Record<symbol, unknown>;
  marked[Symbol.for('skip-override')] = true;
  marked[Symbol.for('fastify.display-name')] = name;
  marked[Symbol.for('plugin-meta')] = { name, dependencies: [...dependencies], fastify: '5.x' };
  return marked;
}
