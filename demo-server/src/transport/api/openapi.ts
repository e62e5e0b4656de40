import * as z from 'zod/mini';
import type { Route, RouteGroup } from './route.js';

type JsonSchema = Record<string, unknown>;

/** A path the server answers outside the route groups (health, metrics), described by hand-free schemas too. */
export interface ExtraPath {
  method: 'get' | 'post';
  path: string;
  summary: string;
  tag: string;
  /** JSON answer, `text` for a plain-text one (Prometheus metrics), `binary` for a file (attachments). */
  response: z.ZodMiniType | 'text' | 'binary';
  /** The answer's status when it is not 200 (an upload answers 201). */
  status?: number;
  /** A `multipart/form-data` body with one file in the part named here. */
  filePart?: string;
  security?: 'metricsToken' | 'userToken';
}

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    retryAfterMs: z.optional(z.number()),
    issues: z.optional(z.array(z.unknown())),
  }),
});

const toSchema = (schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return json;
};

/** `/conversations/:id` → `/conversations/{id}` */
const openApiPath = (path: string) => path.replace(/:([A-Za-z_]\w*)/g, '{$1}');

/** Each property of an object schema as an OpenAPI parameter. */
function parameters(schema: z.ZodMiniType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function operation<C>(group: RouteGroup<C>, route: Route<C>) {
  const op: Record<string, unknown> = {
    tags: [group.tag],
    summary: route.summary,
    operationId: `${route.method}${(group.prefix + route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: toSchema(route.response, 'output') } } },
      default: {
        description: 'An error: `error.code` is one of the protocol error codes',
        content: { 'application/json': { schema: toSchema(errorSchema, 'output') } },
      },
    },
  };
  if (route.description) op.description = route.description;
  if (route.body) {
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: toSchema(route.body, 'input') } },
    };
  }
  if (group.security) op.security = [{ [group.security]: [] }];
  return op;
}

/**
 * The OpenAPI 3.1 document of every REST endpoint, generated from the same
 * route declarations and protocol schemas that serve and validate them.
 */
export function openApiDocument(options: {
  version: string;
  groups: ReadonlyArray<RouteGroup<never>>;
  extras: readonly ExtraPath[];
}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const add = (path: string, method: string, op: unknown) => {
    const entry = paths[openApiPath(path)] ?? {};
    entry[method] = op;
    paths[openApiPath(path)] = entry;
  };
  for (const group of options.groups) {
    for (const route of group.routes) add(group.prefix + route.path, route.method, operation(group, route));
  }
  for (const extra of options.extras) {
    const content =
      extra.response === 'text'
        ? { 'text/plain': { schema: { type: 'string' } } }
        : extra.response === 'binary'
          ? { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } }
          : { 'application/json': { schema: toSchema(extra.response, 'output') } };
    const parameters = [...extra.path.matchAll(/\{([^}]+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    add(extra.path, extra.method, {
      tags: [extra.tag],
      summary: extra.summary,
      operationId: `${extra.method}${extra.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(extra.filePart
        ? {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: [extra.filePart],
                    properties: { [extra.filePart]: { type: 'string', format: 'binary' } },
                  },
                },
              },
            },
          }
        : {}),
      responses: { [String(extra.status ?? 200)]: { description: 'OK', content } },
      ...(extra.security ? { security: [{ [extra.security]: [] }] } : {}),
    });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Palaver',
      version: options.version,
      description:
        'The REST API of a Palaver server. `/api/*` is what a signed-in user may do (the same as the socket ' +
        'events, see docs/protocol.md); `/api/server/*` is for the marketplace backend only.',
    },
    paths,
    components: {
      securitySchemes: {
        userToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "A user's token (HS256, JWT_SECRET)",
        },
        apiKey: { type: 'http', scheme: 'bearer', description: 'PALAVER_API_KEY' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
      },
    },
  };
}
