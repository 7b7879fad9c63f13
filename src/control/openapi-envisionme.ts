import {
  accessTokenParams,
  authorizeQuery,
  chargeIdParam,
  chargeParams,
  debugTokenQuery,
  dialogForm,
  getChargeQuery,
  jobListQuery,
  jobParam,
  jobRecord,
  paymentForm,
  registerClientParams,
  termQuery,
} from '../partners/envisionme/schema.js'
import { answer, array, int, json, object, ok, paramsOf, schemaOf, str, type Json } from './openapi-kit.js'

/** OpenAPI 3.1 of the envisionme.co.za API as the sandbox serves it (seed 001): OAuth and its Login
 *  Dialog, jobs, terms, billing and the PayFast page. Parameters come from the zod schemas the routes
 *  validate with; `access_token` is documented once, as a security scheme, not per call. */
export function envisionmeOpenApi(serverUrl: string): Json {
  const strings = { type: 'array', items: str, description: 'The billing server writes every value as an array of one string' }
  const billing = (names: string[]) => object(Object.fromEntries(names.map((n) => [n, strings])))
  const error = object({ error: str })
  const html = (description: string) => answer(description, 'text/html')
  const redirect = (description: string) => ({ description, headers: { Location: { schema: str } } })
  const token = [{ accessToken: [] }, { bearer: [] }]
  // Billing calls read their fields from the query or a form body alike (validateParams).
  const formOrQuery = (schema: Parameters<typeof schemaOf>[0]) => ({
    parameters: paramsOf(schema, 'query').map((p) => ({ ...p, required: false })),
    requestBody: { content: { 'application/x-www-form-urlencoded': { schema: schemaOf(schema) } } },
  })
  return {
    openapi: '3.1.0',
    info: {
      title: 'envisionme.co.za API (sandbox)',
      version: '1',
      description:
        'The envisionme.co.za API: the OAuth Login Dialog and its redirects, the code exchange, token inspection, jobs, terms ' +
        '(Elasticsearch-shaped) and the billing server with a fake PayFast payment page. The real API and billing hosts both live ' +
        'under this one prefix. Every call takes X-Sandbox-Session (or the /__s/<id>/ path prefix) to pick a sandbox session.',
    },
    servers: [{ url: serverUrl }],
    components: {
      schemas: { Job: schemaOf(jobRecord), Error: error },
      securitySchemes: {
        accessToken: { type: 'apiKey', in: 'query', name: 'access_token', description: 'From /oauth/access_token or the token flow' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The same access token as Authorization: Bearer' },
      },
    },
    paths: {
      '/oauth/authorize': {
        get: {
          summary: 'The Login Dialog (response_type=code or token)',
          description: 'An unknown client or a redirect_uri not registered for it (exact match) is a 400 page, never a redirect.',
          parameters: paramsOf(authorizeQuery, 'query'),
          responses: {
            200: html('The dialog: username, password, Allow and Cancel'),
            303: redirect('Logged in and allowed before: straight back with a code (or a token in the fragment)'),
            400: html('Unknown client or redirect_uri'),
          },
        },
        post: {
          summary: 'The dialog\'s form: Allow or Cancel',
          requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: schemaOf(dialogForm) } } },
          responses: {
            200: html('A wrong password: the dialog again, with an alert'),
            303: redirect('Back to redirect_uri with code=… (or error=access_denied)'),
            400: html('An expired or unknown dialog'),
          },
        },
      },
      '/oauth/access_token': {
        post: {
          summary: 'Exchange a code for an access token',
          description: 'As the document says, a 303 to the redirect_uri whose body is access_token=…&refresh_token=null: call it with redirects off.',
          ...formOrQuery(accessTokenParams),
          responses: {
            303: { ...redirect('The token, in the Location and the body'), ...json(str, 'text/plain') },
            400: ok('Wrong secret; unknown, reused, expired or foreign code; another redirect_uri', error),
          },
        },
      },
      '/debug_token': {
        get: {
          summary: 'Inspect an access token (shaped after Facebook\'s debug_token)',
          parameters: paramsOf(debugTokenQuery, 'query'),
          responses: { 200: ok('{ data: { app_id, application, user_id, username, type, is_valid, issued_at, expires_at } }', object({ data: { type: 'object' } })) },
        },
      },
      '/job': {
        get: {
          summary: 'Jobs: filtered, paged, or just counted',
          security: token,
          parameters: paramsOf(jobListQuery, 'query', ['access_token']),
          responses: {
            200: ok('An array of jobs, or a count when count=1', { anyOf: [array({ $ref: '#/components/schemas/Job' }), int, object({ count: int })] }),
            400: ok('A parameter the API cannot read', error),
            401: ok('No, unknown, expired or revoked token', error),
          },
        },
      },
      '/jobs/{nid}': {
        get: {
          summary: 'One job',
          security: token,
          parameters: paramsOf(jobParam, 'path'),
          responses: { 200: ok('The job', { $ref: '#/components/schemas/Job' }), 401: ok('No usable token', error), 404: ok('No job with that nid', error) },
        },
      },
      '/term': {
        get: {
          summary: 'Look up terms (an Elasticsearch search response)',
          security: token,
          parameters: paramsOf(termQuery, 'query', ['access_token']),
          responses: {
            200: ok('{ took, timed_out, _shards, hits: { total, max_score, hits: [{ _id, _score, _source: { tid, vid, name, synonyms } }] } }'),
            400: ok('q or vid missing or unreadable', error),
            401: ok('No usable token', error),
          },
        },
      },
      '/register-client': {
        post: {
          summary: 'Register (or update) a billing client',
          ...formOrQuery(registerClientParams),
          responses: { 200: ok('response_code 101 (registered) or 102 (updated)', billing(['response_code', 'response_text', 'client_id'])), 400: ok('A missing or bad field') },
        },
      },
      '/charge': {
        post: {
          summary: 'Create a charge: the customer pays at `redirect`',
          ...formOrQuery(chargeParams),
          responses: {
            200: ok('response_code 100, "Subscription created."', billing(['response_code', 'response_text', 'not_completed', 'redirect', 'charge_id', 'amount'])),
            400: ok('A missing or bad field, or an unregistered client'),
          },
        },
        get: {
          summary: 'A charge and its status (pending, ok, failed, cancelled)',
          parameters: paramsOf(getChargeQuery, 'query'),
          responses: { 200: ok('The charge, every value an array of one string'), 400: ok('A missing or bad parameter'), 404: ok('No such charge') },
        },
      },
      '/callback/payfast/form_redirect/{id}': {
        get: {
          summary: 'The fake PayFast payment page (Pay / Cancel)',
          parameters: paramsOf(chargeIdParam, 'path'),
          responses: { 200: html('The payment page'), 404: html('No such charge'), 409: html('The charge is settled already') },
        },
        post: {
          summary: 'Pay or cancel: back to return_url or cancel_url',
          parameters: paramsOf(chargeIdParam, 'path'),
          requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: schemaOf(paymentForm) } } },
          responses: { 303: redirect('To return_url (paid or declined) or cancel_url'), 404: html('No such charge'), 409: html('The charge is settled already') },
        },
      },
    },
  }
}
