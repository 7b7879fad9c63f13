import { Hono, type Context, type ErrorHandler, type MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OneCallRouter } from '../../src/core/router.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { smallCalls } from '../../bench/lib/small-calls.js'

const onError: ErrorHandler = (error, c) =>
  error instanceof HTTPException ? c.text(`http ${error.message}`, error.status) : c.text(`caught ${error.message}`, 500)

/** The same app on Hono's own router and on OneCallRouter: every case must answer alike on both. */
function build(router?: OneCallRouter): Hono<{ Variables: { log: string[] } }> {
  const app = new Hono<{ Variables: { log: string[] } }>(router ? { router: router as never } : {})
  app.onError(onError)
  app.notFound((c) => c.text(`not found ${c.req.path}`, 404))
  const log = (c: Context<{ Variables: { log: string[] } }>, line: string) => {
    if (!c.get('log')) c.set('log', [])
    c.get('log').push(line)
  }
  // Inline layers (not async), as the sandbox's hot layers are, and async ones.
  app.use('*', (c, next) => {
    log(c, 'outer in')
    const done = next() as unknown
    const after = () => {
      log(c, 'outer out')
      c.header('x-log', c.get('log').join(','))
    }
    return (done instanceof Promise ? done.then(after) : after()) as Promise<void>
  })
  app.use('/jobs/*', async (c, next) => {
    log(c, 'jobs in')
    await next()
    log(c, `jobs out ${c.error ? `saw ${c.error.message}` : 'clean'}`)
  })
  app.get('/jobs/:id', (c) => c.text(`job ${c.req.param('id')}`))
  app.get('/slow/:id', async (c, next) => {
    await new Promise((r) => setTimeout(r, 5))
    log(c, 'slow')
    await next()
  })
  app.get('/slow/:id', (c) => c.text(`slow ${c.req.param('id')}`))
  app.get('/boom', (c, next) => (c.req.query('before') ? Promise.reject(new Error('before next')) : next()))
  app.get('/boom', () => {
    throw new Error('in the handler')
  })
  app.get('/refused', () => {
    throw new HTTPException(418, { message: 'teapot' })
  })
  app.get('/twice', async (_c, next) => {
    await next()
    await next()
  })
  app.get('/twice', (c) => c.text('once'))
  app.get('/answered', (c) => c.text('answered early'))
  app.get('/answered', (c) => c.text('never'))
  app.use('/passes/*', (_c, next) => next())
  app.get('/replaced', async (c, next) => {
    await next()
    c.res = undefined
    c.res = c.text('replaced', 201)
  })
  app.get('/replaced', (c) => c.text('original'))
  return app
}

const cases = ['/jobs/7', '/slow/3', '/boom', '/boom?before=1', '/refused', '/twice', '/answered', '/passes/nothing', '/replaced', '/nowhere']

describe('OneCallRouter', () => {
  const hono = build()
  const ours = build(new OneCallRouter(onError))

  it.each(cases)('answers %s as Hono\'s own router and compose do', async (path) => {
    const describe = async (res: Response) => ({ status: res.status, body: await res.text(), log: res.headers.get('x-log') })
    for (const method of ['GET', 'HEAD']) {
      const expected = await describe(await hono.request(path, { method }))
      expect(await describe(await ours.request(path, { method }))).toEqual(expected)
    }
  })

  it('answers alike when its matchers were built before the first request (prepare)', async () => {
    const router = new OneCallRouter(onError)
    const prepared = build(router)
    router.prepare()
    expect(() => prepared.get('/late', (c) => c.text('late'))).toThrow()
    for (const path of cases) {
      const expected = await hono.request(path)
      const res = await prepared.request(path)
      expect({ status: res.status, body: await res.text() }).toEqual({ status: expected.status, body: await expected.text() })
    }
  })

  it('gives a layer the route\'s parameters and the error a later layer threw, as Hono does', async () => {
    const res = await ours.request('/jobs/42')
    expect(await res.text()).toBe('job 42')
    expect(res.headers.get('x-log')).toBe('outer in,jobs in,jobs out clean,outer out')
    const boom = await ours.request('/boom')
    expect([boom.status, await boom.text()]).toEqual([500, 'caught in the handler'])
  })

  it('answers in the same call when every layer returns at once, and waits when one awaits', async () => {
    const inline = new Hono({ router: new OneCallRouter(onError) as never })
    const first: MiddlewareHandler = (c, next) => {
      c.header('x-first', '1')
      return next()
    }
    inline.get('/now', first, (c) => c.text('now'))
    inline.get('/later', first, async (c) => c.text('later'))
    const now = inline.fetch(new Request('http://x/now'))
    expect(now).toBeInstanceOf(Response)
    expect(await (now as Response).text()).toBe('now')
    const later = inline.fetch(new Request('http://x/later'))
    expect(later).toBeInstanceOf(Promise)
    expect(await (await later).text()).toBe('later')
    // On Hono's own compose both are promises.
    const plain = new Hono()
    plain.get('/now', first, (c) => c.text('now'))
    expect(plain.fetch(new Request('http://x/now'))).toBeInstanceOf(Promise)
  })
})

describe('the sandbox on OneCallRouter', () => {
  let sb: RunningSandbox
  beforeAll(async () => {
    sb = await startSandbox({ scenario: 'scenarios/default.yaml' })
  })
  afterAll(() => sb.close())

  it('joins the layers of a route once, whatever its parameters', () => {
    const router = sb.sandbox.app.router
    const first = router.match('GET', '/envisionme/jobs/1')
    const again = router.match('GET', '/envisionme/jobs/2')
    expect(first[0]).toHaveLength(1)
    expect(again[0]).toBe(first[0])
  })

  it('remembers the match of a path, and each path keeps its own parameters', async () => {
    const router = sb.sandbox.app.router
    expect(router.match('GET', '/envisionme/jobs/1')).toBe(router.match('GET', '/envisionme/jobs/1'))
    expect(router.match('POST', '/envisionme/jobs/1')).not.toBe(router.match('GET', '/envisionme/jobs/1'))
    // Through the app: the remembered match of one id does not answer for another.
    const headers = { authorization: 'Bearer envisionme-demo-token' }
    for (const id of [1, 2, 1]) {
      const res = await fetch(`${sb.url}/envisionme/jobs/${id}?access_token=envisionme-demo-token`, { headers })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { nid: number }).nid).toBe(id)
    }
  })

  it('answers a repeated small GET in the call that received it, and journals it', async () => {
    const calls = (await smallCalls(sb.url)).filter((c) => (c.method ?? 'GET') === 'GET')
    expect(calls.map((c) => c.key).sort()).toEqual(['beoe', 'das', 'envisionme'])
    for (const call of calls) {
      const request = () => new Request(`${sb.url}${call.path}`, { headers: call.headers })
      // The BE&OE call addresses a session of its own.
      const journal = sb.session(call.headers?.['x-sandbox-session'] ?? 'default').journal
      await sb.sandbox.app.fetch(request())
      const before = journal.list().length
      const res = sb.sandbox.app.fetch(request())
      expect(res, call.key).toBeInstanceOf(Response)
      expect((res as Response).status, call.key).toBe(200)
      expect(journal.list().length).toBe(before + 1)
      expect(journal.list().at(-1)).toMatchObject({ partner: call.key, status: 200 })
    }
  })
})
