import { z } from 'zod'
import type { AnyPartner } from '../core/partner.js'
import { faultRuleSchema } from '../core/faults.js'
import { clockInput, requestsQuery, scenarioQuery } from './schemas.js'

type Json = Record<string, unknown>

const schemaOf = (schema: z.ZodType): Json => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json

const errorBody: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
}

const json = (schema: Json = { type: 'object' }) => ({ content: { 'application/json': { schema } } })
const ok = (description: string, schema?: Json) => ({ description, ...json(schema) })
const problems = { description: 'Refused: what was wrong', ...json(errorBody) }
const sessionParam = {
  name: 'X-Sandbox-Session',
  in: 'header',
  required: false,
  description: 'The session addressed (also ?session=, or the /__s/<id>/ path prefix); default: "default"',
  schema: { type: 'string' },
}

function queryParams(schema: z.ZodObject): Json[] {
  const js = schemaOf(schema) as { properties?: Record<string, Json>; required?: string[] }
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: js.required?.includes(name) ?? false,
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }))
}

/** OpenAPI 3.1 of the control API, from the same schemas that validate its requests. */
export function controlOpenApi(partners: readonly AnyPartner[]): Json {
  const fault = schemaOf(faultRuleSchema(partners.map((p) => p.name)))
  const op = (summary: string, extra: Json = {}) => ({ summary, parameters: [sessionParam], responses: { 200: ok('OK'), 400: problems }, ...extra })
  return {
    openapi: '3.1.0',
    info: {
      title: 'partner-sandbox control API',
      version: '1',
      description:
        'Steer the sandbox: sessions, scenario, virtual clock, request journal, faults. Every call takes X-Sandbox-Session. ' +
        'When SANDBOX_ADMIN_TOKEN is set, every call but /health needs Authorization: Bearer <token>.',
    },
    servers: [{ url: '/__sandbox' }],
    components: {
      securitySchemes: { admin: { type: 'http', scheme: 'bearer', description: 'SANDBOX_ADMIN_TOKEN, only when set' } },
      schemas: { Error: errorBody, FaultRule: fault },
    },
    paths: {
      '/health': {
        get: {
          summary: 'Liveness: the scenario new sessions start from and how many sessions live',
          responses: {
            200: ok('Up', {
              type: 'object',
              properties: { status: { const: 'ok' }, scenario: { type: 'string' }, sessions: { type: 'integer' } },
            }),
          },
        },
      },
      '/scenario': {
        get: op('The session\'s scenario, parsed with every default filled in (Accept: application/yaml for YAML)'),
        put: op('Replace the session\'s scenario (YAML or JSON body) and reset it; a bad one changes nothing', {
          parameters: [sessionParam, ...queryParams(scenarioQuery)],
          requestBody: { content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } } },
          responses: { 200: ok('Loaded'), 400: problems },
        }),
      },
      '/reset': { post: op('The session back to the scenario\'s start: clock, partner data, journal, faults, timeline') },
      '/clock': {
        get: op('The session\'s virtual clock and its pending timers'),
        post: op('Advance, set, freeze or unfreeze the clock; due timers fire in time order', {
          requestBody: json(schemaOf(clockInput)),
        }),
      },
      '/timeline': { get: op('The scenario timeline\'s steps and whether each ran') },
      '/requests': {
        get: op('The request journal, newest last, secrets masked; refused requests carry the reason', {
          parameters: [sessionParam, ...queryParams(requestsQuery.omit({ session: true }))],
        }),
        delete: op('Empty the journal'),
      },
      '/requests/{id}': {
        get: op('One journal entry', {
          parameters: [sessionParam, { name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
          responses: { 200: ok('The entry'), 404: problems },
        }),
      },
      '/faults': {
        get: op('Active fault rules with their hits'),
        post: op('Add a fault rule (the scenario\'s `faults:` form)', {
          requestBody: json({ $ref: '#/components/schemas/FaultRule' }),
          responses: { 201: ok('Added'), 400: problems, 409: problems },
        }),
        delete: op('Remove every fault rule'),
      },
      '/faults/{id}': {
        delete: op('Remove one fault rule', {
          parameters: [sessionParam, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: ok('Removed'), 404: problems },
        }),
      },
      '/sessions': { get: op('Live sessions, the cap and how many were evicted') },
      '/sessions/{id}': {
        delete: op('Drop a session (it is made afresh on next use)', {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: ok('Dropped'), 404: problems },
        }),
      },
      '/events': {
        get: op('Server-sent events of the session: request, clock, fault, timeline, reset and partner events', {
          responses: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
        }),
      },
    },
    security: [{}, { admin: [] }],
  }
}
