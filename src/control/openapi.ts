import type { AnyPartner } from '../core/partner.js'
import { faultRuleSchema } from '../core/faults.js'
import { addJobsInput, removeJobsInput } from '../partners/beoe/schema.js'
import { settleInput, tokenInput as envisionmeTokenInput } from '../partners/envisionme/control.js'
import { tokenInput as dasTokenInput } from '../partners/das/schema.js'
import { auditQuery, userQuery } from '../partners/cordell/control.js'
import { changesInput } from '../partners/cordell/schema.js'
import { deliveriesQuery, pushInput, streamInput, targetInput } from '../partners/apna/schema.js'
import { clockInput, requestsQuery, scenarioQuery } from './schemas.js'
import { answer, json, ok, param, paramsOf, schemaOf, type Json } from './openapi-kit.js'
import { beoeOpenApi } from './openapi-beoe.js'
import { dasOpenApi } from './openapi-das.js'
import { envisionmeOpenApi } from './openapi-envisionme.js'

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

const problems = { description: 'Refused: what was wrong', ...json({ $ref: '#/components/schemas/Error' }) }
const sessionParam = {
  name: 'X-Sandbox-Session',
  in: 'header',
  required: false,
  description: 'The session addressed (also ?session=, or the /__s/<id>/ path prefix); default: "default"',
  schema: { type: 'string' },
}
const tokenParam = param(
  'token',
  'query',
  { type: 'string' },
  'SANDBOX_ADMIN_TOKEN, for a browser\'s EventSource, which cannot send Authorization. Accepted only here and on GET /ui.',
)
const pathId = (name = 'id', schema: Json = { type: 'string' }) => param(name, 'path', schema)

const op = (summary: string, extra: Json = {}) => ({ summary, parameters: [sessionParam], responses: { 200: ok('OK'), 400: problems }, ...extra })

/** The REST partners that have an OpenAPI document of their own, at /__sandbox/openapi/<name>.json. */
const partnerDocuments: Record<string, (serverUrl: string) => Json> = {
  beoe: beoeOpenApi,
  envisionme: envisionmeOpenApi,
  das: dasOpenApi,
}

/** The names of the partners served whose OpenAPI document the sandbox has. */
export function documentedPartners(partners: readonly AnyPartner[]): string[] {
  return partners.map((p) => p.name).filter((name) => name in partnerDocuments)
}

/** A REST partner's OpenAPI 3.1 document, its server the partner's URL as the client reached the sandbox. */
export function partnerOpenApi(name: string, serverUrl: string): Json | undefined {
  return partnerDocuments[name]?.(serverUrl)
}

/** Control calls a partner adds under /__sandbox/<name>, from the schemas its control routes validate with. */
const partnerControlPaths: Record<string, () => Record<string, Json>> = {
  beoe: () => ({
    '/beoe/jobs': {
      get: op('BE&OE: the session\'s job list at a glance: total, first and last id, pages'),
      post: op('BE&OE: add jobs now (what the timeline\'s beoe.addJobs does)', { requestBody: json(schemaOf(addJobsInput)), responses: { 201: ok('Added, with their ids'), 400: problems, 409: problems } }),
    },
    '/beoe/jobs/{id}': { get: op('BE&OE: one job', { parameters: [sessionParam, pathId('id', { type: 'integer' })], responses: { 200: ok('The job'), 404: problems } }) },
    '/beoe/jobs/remove': { post: op('BE&OE: take jobs down now (beoe.removeJobs)', { requestBody: json(schemaOf(removeJobsInput)), responses: { 200: ok('Removed'), 400: problems, 404: problems } }) },
    '/beoe/public-key': { get: op('BE&OE: the PEM public key that verifies tokens', { responses: { 200: answer('PEM', 'application/x-pem-file') } }) },
  }),
  envisionme: () => ({
    '/envisionme/tokens': { post: op('envisionme: an access token without the browser dance', { requestBody: json(schemaOf(envisionmeTokenInput)), responses: { 201: ok('The token'), 400: problems, 404: problems } }) },
    '/envisionme/charges': { get: op('envisionme: the billing server\'s charges and their status') },
    '/envisionme/charges/{id}/settle': {
      post: op('envisionme: settle a pending charge by hand', { parameters: [sessionParam, pathId()], requestBody: json(schemaOf(settleInput)), responses: { 200: ok('Settled'), 404: problems, 409: problems } }),
    },
  }),
  das: () => ({
    '/das/tokens': { post: op('DAS: a signed bearer token with the permissions given, valid from the session\'s now', { requestBody: json(schemaOf(dasTokenInput)) }) },
    '/das/streams': { get: op('DAS: how many events each stream holds') },
  }),
  cordell: () => ({
    '/cordell/audit': { get: op('Cordell: the audit trail (user, time, IP, request, records downloaded)', { parameters: [sessionParam, ...paramsOf(auditQuery.unwrap().omit({ session: true }), 'query')] }) },
    '/cordell/changes': { post: op('Cordell: change the costing data (what the timeline\'s cordell.change does)', { requestBody: json(schemaOf(changesInput)), responses: { 200: ok('Applied'), 400: problems, 409: problems } }) },
    '/cordell/downloads': {
      get: op('Cordell: each user\'s last download per method and dataset (the delta marks)'),
      delete: op('Cordell: forget last-download marks, so the next call is a full one', { parameters: [sessionParam, ...paramsOf(userQuery.unwrap().omit({ session: true }), 'query')] }),
    },
  }),
  apna: () => ({
    '/apna/target': {
      get: op('Apna: where applications are pushed (secrets masked)'),
      put: op('Apna: point the pusher at your endpoint', { requestBody: json(schemaOf(targetInput)) }),
    },
    '/apna/applications': { post: op('Apna: push applications now', { requestBody: json(schemaOf(pushInput)), responses: { 202: ok('Queued'), 400: problems, 409: problems } }) },
    '/apna/deliveries': { get: op('Apna: the delivery log, counts and pacing', { parameters: [sessionParam, ...paramsOf(deliveriesQuery, 'query', ['session'])] }) },
    '/apna/deliveries/{id}': { get: op('Apna: one delivery with its attempts and payload', { parameters: [sessionParam, pathId()], responses: { 200: ok('The delivery'), 400: problems, 404: problems } }) },
    '/apna/deliveries/{id}/redeliver': { post: op('Apna: send a delivery again', { parameters: [sessionParam, pathId()], responses: { 202: ok('Queued again'), 400: problems, 404: problems, 409: problems } }) },
    '/apna/stream': {
      post: op('Apna: a steady stream of applications', { requestBody: json(schemaOf(streamInput)), responses: { 202: ok('Started'), 400: problems, 409: problems } }),
      delete: op('Apna: stop every stream'),
    },
  }),
}

/** OpenAPI 3.1 of the control API, from the same schemas that validate its requests. */
export function controlOpenApi(partners: readonly AnyPartner[]): Json {
  const fault = schemaOf(faultRuleSchema(partners.map((p) => p.name)))
  const documented = documentedPartners(partners)
  return {
    openapi: '3.1.0',
    info: {
      title: 'partner-sandbox control API',
      version: '1',
      description:
        'Steer the sandbox: sessions, scenario, virtual clock, request journal, faults, and each partner\'s own calls. Every call takes X-Sandbox-Session. ' +
        'When SANDBOX_ADMIN_TOKEN is set, every call but /health, /ui, /docs and the OpenAPI documents needs Authorization: Bearer <token> (GET /events also takes ?token=, for EventSource).',
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
          parameters: [sessionParam, ...paramsOf(scenarioQuery.unwrap().omit({ session: true }), 'query')],
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
      '/state': {
        get: op('The session at a glance: scenario, clock, fault and journal counts, and each partner\'s summary (what the dashboard shows)'),
      },
      '/snapshot': {
        get: op('The whole session as JSON (scenario, clock, partner data, journal, faults), to save and load later'),
        put: op('Replace the session with a snapshot from GET /snapshot (up to 256 MiB)', {
          requestBody: json({ type: 'object' }),
          responses: { 200: ok('Loaded'), 400: problems, 413: problems },
        }),
      },
      '/requests': {
        get: op('The request journal, newest last, secrets masked; refused requests carry the reason', {
          parameters: [sessionParam, ...paramsOf(requestsQuery.unwrap().omit({ session: true }), 'query')],
        }),
        delete: op('Empty the journal'),
      },
      '/requests/{id}': {
        get: op('One journal entry', {
          parameters: [sessionParam, pathId('id', { type: 'integer' })],
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
          parameters: [sessionParam, pathId()],
          responses: { 200: ok('Removed'), 404: problems },
        }),
      },
      '/sessions': { get: op('Live sessions, the cap and how many were evicted') },
      '/sessions/{id}': {
        delete: op('Drop a session (it is made afresh on next use)', {
          parameters: [pathId()],
          responses: { 200: ok('Dropped'), 404: problems },
        }),
      },
      '/events': {
        get: op('Server-sent events of the session: hello, request, clock, fault, timeline, reset and partner events (apna.delivery, …)', {
          parameters: [sessionParam, param('session', 'query', { type: 'string' }, 'The session, for EventSource (which cannot send headers)'), tokenParam],
          responses: { 200: answer('An event stream', 'text/event-stream') },
        }),
      },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: ok('OpenAPI 3.1') } } },
      '/openapi/{partner}.json': {
        get: {
          summary: 'A REST partner\'s OpenAPI 3.1 document, its server the partner\'s URL on this sandbox',
          parameters: [pathId('partner', { type: 'string', enum: documented })],
          responses: { 200: ok('OpenAPI 3.1'), 404: problems },
        },
      },
      '/docs': { get: { summary: 'These documents as a readable page', responses: { 200: answer('HTML', 'text/html') } } },
      '/ui': {
        get: {
          summary: 'The QA dashboard (a static page: it holds no data, so it loads without the admin token and asks for it)',
          parameters: [tokenParam],
          responses: { 200: answer('HTML', 'text/html') },
          security: [{}],
        },
      },
      ...Object.assign({}, ...partners.map((p) => partnerControlPaths[p.name]?.() ?? {})),
    },
    security: [{}, { admin: [] }],
  }
}
