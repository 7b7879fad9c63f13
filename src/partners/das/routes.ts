import { Hono, type Context, type MiddlewareHandler, type Next } from 'hono'
import type { z } from 'zod'
import type { PartnerEnv } from '../../core/partner.js'
import { zodValidator } from '../../core/validate.js'
import { checkRole, requires, tokenHandler } from './auth.js'
import { jsonBody, methodNotAllowed, notFound, onInvalid } from './errors.js'
import type { GenericRow } from './fixtures.js'
import {
  accountEventInput,
  agreementEventInput,
  apprenticeshipBulkInput,
  apprenticeshipEventInput,
  byDateRangeQuery,
  byResourceQuery,
  genericEventInput,
  sinceEventQuery,
  streamQuery,
  type AccountInput,
  type AgreementInput,
  type ApprenticeshipInput,
  type GenericInput,
  type GenericQuery,
  type StreamQuery,
} from './schema.js'
import { apprenticeshipRow, type DasEvent, type DasStore, type EventStream } from './store.js'
import { accountJson, agreementJson, apprenticeshipJson, genericEcho, genericJson, listJson } from './views.js'
import { writeNetJson } from './net-json.js'

type Env = PartnerEnv<DasStore>
type C = Context<Env>
/** A middleware or the final handler of a route. */
type Step = (c: C, next: Next) => Response | Promise<Response | void>

const JSON_TYPE = Object.freeze({ 'content-type': 'application/json; charset=utf-8' })

/** The route as the service spells it, and as most clients will: lower case (Web API matches routes
 *  ignoring case) and with the trailing slash the document's own examples use. */
function paths(path: string): string[] {
  return [...new Set([path, `${path}/`, path.toLowerCase(), `${path.toLowerCase()}/`])]
}

const query = <S extends z.ZodType>(schema: S) => zodValidator('query', schema, onInvalid('query')) as unknown as Step
const body = <S extends z.ZodType>(parameter: string, schema: S): Step[] => [jsonBody(parameter) as Step, zodValidator('json', schema, onInvalid(parameter)) as unknown as Step]

const page = (q: { pageSize: number; pageNumber: number }) => ({ offset: q.pageSize * (q.pageNumber - 1), size: q.pageSize })

/** The repositories' two queries: by Id when fromEventId > 0, else by date; dates were still parsed and
 *  validated (the orchestrator does it before choosing). */
function read<R>(stream: EventStream<R>, q: StreamQuery): DasEvent<R>[] {
  return q.fromEventId > 0 ? stream.sinceId(q.fromEventId, page(q)) : stream.between(q.from, q.to, page(q))
}

/** SQL Server's default collation (SQL_Latin1_General_CP1_CI_AS): equal ignoring case and trailing spaces. */
const sqlEquals = (a: string | null, b: string) => a !== null && a.replace(/ +$/, '').toLowerCase() === b.replace(/ +$/, '').toLowerCase()

/** The raw query string, `?…` or empty: what a cached page is keyed by (parsing it is pure). */
function search(c: C): string {
  const url = c.req.url
  const q = url.indexOf('?')
  return q < 0 ? '' : url.slice(q)
}

/** A GET that reads `stream`, for callers with `role`: answered from the session's page cache when
 *  this route, query string and stream version were seen (the query was valid then, so it is now);
 *  otherwise validated and rendered, and kept. Only 200s are kept: refusals go through the validator
 *  every time. The role is checked before the cache, in the same layer (each layer costs a closure and
 *  a promise on every call). */
function cachedList(role: string, route: string, stream: (state: DasStore) => EventStream<unknown>, schema: z.ZodType, render: (c: C) => string): Step[] {
  return [
    (c, next) => {
      checkRole(c, role)
      const state = c.get('state')
      const body = state.pages.get(route + search(c), stream(state).nextId)
      return body === undefined ? next() : c.body(body, 200, JSON_TYPE)
    },
    query(schema),
    (c) => {
      const state = c.get('state')
      const body = state.pages.set(route + search(c), stream(state).nextId, render(c))
      return c.body(body, 200, JSON_TYPE)
    },
  ]
}

/** CreatedAtRoute("GetAll…Events", new {}, default(…)): 201, the list's absolute URL, a JSON null. */
function created(c: C, listPath: string): Response {
  c.header('Location', `${c.get('baseUrl')}${listPath}`)
  return c.body('null', 201, JSON_TYPE)
}

export function dasRoutes(): Hono<Env> {
  const app = new Hono<Env>()
  app.use('*', tokenHandler((c) => (c as C).get('state').tokens))
  const allowed = new Map<string, string[]>()
  /** Registers the handlers under every spelling of the path, and remembers the method for the 405s. */
  const route = (method: 'GET' | 'POST', path: string, ...handlers: Step[]) => {
    for (const p of paths(path)) app.on(method, p, ...(handlers as [MiddlewareHandler<Env>]))
    allowed.set(path, [...(allowed.get(path) ?? []), method])
  }

  // HealthCheckController: no [Authorize], Ok() with no body (a bad token is still a 400, above).
  route('GET', '/api/HealthCheck', (c) => c.body(null, 200))

  // ApprenticeshipEventsController
  const apprenticeships = '/api/events/apprenticeships'
  route('GET', apprenticeships, ...cachedList('ReadApprenticeshipEvent', 'apprenticeships', (s) => s.streams.apprenticeships, streamQuery, (c) =>
    listJson(read(c.get('state').streams.apprenticeships, valid<StreamQuery>(c, 'query')), apprenticeshipJson),
  ))
  route('POST', apprenticeships, requires('StoreApprenticeshipEvent'), ...body('request', apprenticeshipEventInput), (c) => {
    const state = c.get('state')
    state.streams.apprenticeships.append(apprenticeshipRow(valid<ApprenticeshipInput>(c, 'json'), state.config.trainingTypeNumbers), state.now())
    return created(c, apprenticeships)
  })
  route('POST', `${apprenticeships}/bulk`, requires('StoreApprenticeshipEvent'), ...body('events', apprenticeshipBulkInput), (c) => {
    const state = c.get('state')
    const now = state.now()
    for (const input of valid<ApprenticeshipInput[]>(c, 'json')) {
      state.streams.apprenticeships.append(apprenticeshipRow(input, state.config.trainingTypeNumbers), now)
    }
    return created(c, apprenticeships)
  })

  // AgreementEventsController (its route is "engagements") and AccountEventsController
  const engagements = '/api/events/engagements'
  route('GET', engagements, ...cachedList('ReadAgreementEvent', 'engagements', (s) => s.streams.engagements, streamQuery, (c) =>
    listJson(read(c.get('state').streams.engagements, valid<StreamQuery>(c, 'query')), agreementJson),
  ))
  route('POST', engagements, requires('StoreAgreementEvent'), ...body('request', agreementEventInput), (c) => {
    c.get('state').streams.engagements.append(valid<AgreementInput>(c, 'json'), c.get('state').now())
    return created(c, engagements)
  })
  const accounts = '/api/events/accounts'
  route('GET', accounts, ...cachedList('ReadAccountEvent', 'accounts', (s) => s.streams.accounts, streamQuery, (c) =>
    listJson(read(c.get('state').streams.accounts, valid<StreamQuery>(c, 'query')), accountJson),
  ))
  route('POST', accounts, requires('StoreAccountEvent'), ...body('request', accountEventInput), (c) => {
    c.get('state').streams.accounts.append(valid<AccountInput>(c, 'json'), c.get('state').now())
    return created(c, accounts)
  })

  // GenericEventController
  route('POST', '/api/events/create', requires('WriteGenericEvent'), ...body('event', genericEventInput), (c) => {
    const input = valid<GenericInput>(c, 'json')
    c.get('state').streams.generic.append({ Type: input.Type, Payload: input.Payload, ResourceType: input.ResourceType, ResourceId: input.ResourceId }, c.get('state').now())
    // Created("GetSinceEvent", @event): a relative Location, and the bound event echoed.
    c.header('Location', 'GetSinceEvent')
    return c.body(writeNetJson(genericEcho(input)), 201, JSON_TYPE)
  })
  const generic = (c: C, filter: (e: DasEvent<GenericRow>, q: GenericQuery) => boolean) => {
    const q = valid<GenericQuery>(c, 'query')
    // The stored procedures all ORDER BY CreatedOn, GetGenericEventsSinceEvent included.
    const events = c.get('state').streams.generic.between(q.from ?? -Infinity, q.to ?? Infinity, page(q), (e) => filter(e, q))
    return listJson(events, genericJson)
  }
  const genericList = (route: string, schema: z.ZodType, filter: (e: DasEvent<GenericRow>, q: GenericQuery) => boolean) =>
    cachedList('ReadGenericEvent', route, (s) => s.streams.generic, schema, (c) => generic(c, filter))
  const ofType = (e: DasEvent<GenericRow>, q: GenericQuery) => q.types.some((t) => sqlEquals(e.row.Type, t))
  route('GET', '/api/events/getSinceEvent', ...genericList('getSinceEvent', sinceEventQuery, (e, q) => e.Id >= q.fromEventId && ofType(e, q)))
  route('GET', '/api/events/getByDateRange', ...genericList('getByDateRange', byDateRangeQuery, ofType))
  route('GET', '/api/events/getByResourceId', ...genericList('getByResourceId', byResourceQuery, (e, q) =>
    // `ResourceType = NULL` is never true in SQL: without both, nothing matches.
    q.resourceType !== undefined && q.resourceId !== undefined && sqlEquals(e.row.ResourceType, q.resourceType) && sqlEquals(e.row.ResourceId, q.resourceId),
  ))

  // A known path asked with another method: Web API's 405.
  for (const [path, methods] of allowed) for (const p of paths(path)) app.all(p, (c) => methodNotAllowed(c, methods.join(', ')))
  // route() drops a sub-app's notFound (honojs/hono#3465), so answer here.
  app.all('*', (c) => notFound(c))
  return app
}

/** What zodValidator left for this request (the route's types are erased by route()). */
function valid<T>(c: C, target: 'json' | 'query'): T {
  return c.req.valid(target as never) as T
}
