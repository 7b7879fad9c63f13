import type { Context, Env, ErrorHandler } from 'hono'
import type { ParamIndexMap, Params, Result, Router } from 'hono/router'
import { RegExpRouter } from 'hono/router/reg-exp-router'
import { SmartRouter } from 'hono/router/smart-router'
import { TrieRouter } from 'hono/router/trie-router'
import { Recent } from './memo.js'

/** A layer that may answer at once, which OneCallRouter then follows at once. Its `next()` gives a
 *  promise only when a later layer waits for something, so it must not be assumed to be one. Register
 *  it where Hono wants a MiddlewareHandler with a cast. */
export type InlineHandler<E extends Env = Env> = (c: Context<E>, next: () => unknown) => Response | void | Promise<Response | void>

/** Paths whose match is remembered, per method; past it the memory starts again (see `Recent`). */
const MATCHES_KEPT = 1024
/** Longer paths are matched afresh each time, so the memory holds at most about 256 KiB of paths. */
const MATCH_PATH_CHARS = 256

/** What Hono stores in its router for each route: the handler, then the route's record. */
type Stored = [Handler, unknown]
type Handler = (c: Context, next: () => unknown) => unknown

/** Hono's own router, with each request's handlers (the partner pipeline, a partner's middleware, the
 *  route) joined into one, so Hono calls it directly rather than through its compose.
 *
 *  Why: Hono's compose awaits every handler, so a request with any middleware costs a promise and a
 *  turn of the microtask queue at each layer, and its response reaches @hono/node-server as a promise,
 *  which the adapter then awaits too. At full load that was a tenth of a small call's CPU. Here each
 *  layer runs as Hono's compose runs it (same order, same `next`, same error handling) but a layer that
 *  returns at once is followed at once: when every layer of a request does, the Response is written in
 *  the same turn as the request was parsed. A layer that awaits (a body being read, a delay fault)
 *  makes the rest follow it, as before. */
export class OneCallRouter implements Router<Stored> {
  name = 'OneCallRouter'
  readonly #inner = new SmartRouter<Stored>({ routers: [new RegExpRouter(), new TrieRouter()] })
  readonly #onError: ErrorHandler
  /** The joined entry of each list of matched handlers: RegExpRouter returns the same list for every
   *  request to a route. */
  readonly #joined = new WeakMap<object, [Stored, ParamIndexMap | Params][]>()
  /** The match of each path a client asked for, by method. A match is a pure function of the method
   *  and path once the routes are added (Hono adds none after the first request), and clients ask for the
   *  same few paths again and again: a lookup is cheaper than running the router's one big regular
   *  expression, whose result array has a slot for every route. */
  readonly #matches = new Map<string, Recent<string, Result<Stored>>>()

  constructor(onError: ErrorHandler) {
    this.#onError = onError
  }

  add(method: string, path: string, handler: Stored): void {
    this.#matches.clear()
    this.#inner.add(method, path, handler)
  }

  /** Builds Hono's matchers now rather than at the first request (RegExpRouter builds every method's
   *  at its first match). Routes cannot be added after, as after a first request. */
  prepare(): void {
    this.#inner.match('GET', '/')
  }

  match(method: string, path: string): Result<Stored> {
    if (path.length > MATCH_PATH_CHARS) return this.#match(method, path)
    let known = this.#matches.get(method)
    if (known === undefined) this.#matches.set(method, (known = new Recent(MATCHES_KEPT)))
    return known.get(path, (p) => this.#match(method, p))
  }

  #match(method: string, path: string): Result<Stored> {
    const result = this.#inner.match(method, path)
    const matched = result[0]
    if (matched.length <= 1) return result
    let joined = this.#joined.get(matched)
    if (!joined) {
      // One entry whose parameters are every layer's: a request's layers share its path, and
      // `c.req.param()` reads the entry Hono runs.
      const params = Object.assign({}, ...matched.map((m) => m[1])) as ParamIndexMap
      joined = [[[composeInline(matched.map((m) => m[0][0]), this.#onError), matched[matched.length - 1]![0][1]], params]]
      this.#joined.set(matched, joined)
    }
    return (result.length === 2 ? [joined, result[1]] : [joined]) as Result<Stored>
  }
}

/** Hono's compose (src/compose.ts) without its awaits: each handler's answer is taken as it comes, and
 *  only one that is a promise is waited for. */
export function composeInline(handlers: readonly Handler[], onError: ErrorHandler): Handler {
  return (c, last) => {
    let index = -1
    const settle = (res: unknown, isError: boolean): Context | Promise<Context> => {
      if (res instanceof Promise) return res.then((r: unknown) => settle(r, isError))
      if (res && (c.finalized === false || isError)) c.res = res as Response
      return c
    }
    const fail = (error: unknown): Context | Promise<Context> => {
      if (!(error instanceof Error)) throw error
      c.error = error
      return settle(onError(error, c as never), true)
    }
    const dispatch = (i: number): Context | Promise<Context> => {
      if (i <= index) throw new Error('next() called multiple times')
      index = i
      // Past the last handler: Hono's not-found, as its compose calls it, only when nothing answered.
      const handler = handlers[i] ?? (i === handlers.length ? () => (c.finalized ? undefined : last()) : undefined)
      if (!handler) return c
      let res: unknown
      try {
        res = handler(c, () => dispatch(i + 1))
      } catch (error) {
        return fail(error)
      }
      return res instanceof Promise ? res.then((r: unknown) => settle(r, false), fail) : settle(res, false)
    }
    const done = dispatch(0)
    return done instanceof Promise ? done.then(finished) : finished(done)
  }
}

function finished(c: Context): Response {
  if (!c.finalized) throw new Error('Context is not finalized. Did you forget to return a Response object or `await next()`?')
  return c.res
}
