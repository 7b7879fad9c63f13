import { jobRecord, loginFields, pageQuery } from '../partners/beoe/schema.js'
import { array, int, json, nullable, object, ok, paramsOf, param, schemaOf, str, type Json } from './openapi-kit.js'

/** OpenAPI 3.1 of BE&OE Foreign Jobs as the sandbox serves it (seed 000). Request parts come from the
 *  zod schemas the routes validate with; the responses are the Laravel app's, written out here. */
export function beoeOpenApi(serverUrl: string): Json {
  const login = schemaOf(loginFields)
  const { id: _id, ...fields } = (schemaOf(jobRecord).properties ?? {}) as Record<string, Json>
  const job = object({ id: int, ...fields, created_at: str, updated_at: str })
  const link = object({ url: nullable(str), label: str, active: { type: 'boolean' } })
  const paginator = object({
    current_page: int,
    data: array({ $ref: '#/components/schemas/Job' }),
    first_page_url: str,
    from: nullable(int),
    last_page: int,
    last_page_url: str,
    links: array(link),
    next_page_url: nullable(str),
    path: str,
    per_page: { type: 'string', description: 'The page size as a string ("25000"), as the document shows' },
    prev_page_url: nullable(str),
    to: nullable(int),
    total: int,
  })
  const error = object({ error: str })
  const closed = {
    description: 'Outside the agreed schedule: when it opens next, and Retry-After',
    headers: { 'Retry-After': { schema: int, description: 'Seconds until the next opening' } },
    ...json(object({ error: { const: 'Not accessible.' }, message: str, opens_at: nullable(str) })),
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'BE&OE Foreign Jobs (sandbox)',
      version: '1',
      description:
        'The Bureau of Emigration & Overseas Employment Foreign Jobs API for NAVTTC, emulated after its Laravel + Passport app: ' +
        'log in for a one-hour RS256 token, then read the job adverts 25,000 a page, only inside the agreed schedule. ' +
        'Every call takes X-Sandbox-Session (or the /__s/<id>/ path prefix) to pick a sandbox session.',
    },
    servers: [{ url: serverUrl }],
    components: {
      schemas: { Job: job, Paginator: paginator, Error: error, Login: login },
      securitySchemes: { passport: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token from POST /api/login' } },
    },
    paths: {
      '/api/login': {
        post: {
          summary: 'Log in: a Passport access token for an email and password',
          description: 'Fields may come as JSON, a form (urlencoded or multipart) or query parameters, as Laravel\'s $request->email reads them.',
          parameters: paramsOf(loginFields, 'query'),
          requestBody: {
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/Login' } },
              'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Login' } },
            },
          },
          responses: {
            200: ok('Logged in', object({ success: object({ token: str }) })),
            400: ok('The body could not be parsed', error),
            401: ok('Wrong email or password: {"error":"Unauthorised"}', error),
            503: closed,
          },
        },
      },
      '/api/foreignjobs': {
        get: {
          summary: 'One page of foreign job adverts, as Laravel\'s LengthAwarePaginator JSON',
          description: 'Follow next_page_url until it is null. An unreadable page (abc, 0, 1.5, 05) is page 1.',
          security: [{ passport: [] }],
          parameters: [
            ...paramsOf(pageQuery, 'query').map((p) => ({ ...p, schema: int, description: 'Page number from 1 (PHP FILTER_VALIDATE_INT rules)' })),
            param('Accept', 'header', { type: 'string', const: 'application/json' }, 'Required: only a JSON media range passes (*/* is refused)', true),
          ],
          responses: {
            200: ok('The page', { $ref: '#/components/schemas/Paginator' }),
            400: ok('No Accept: application/json', error),
            401: ok('No, malformed, expired or unknown token: {"message":"Unauthenticated."}', object({ message: str })),
            404: ok('No jobs at all, or a page past the last: {"error":"No record found."}', error),
            503: closed,
          },
        },
      },
    },
  }
}
