import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, describe, expect, it } from 'vitest'
import { headerOf, headerText, requestHeaders } from '../../src/core/http.js'

// The same app in process (app.request: a web Request, no socket) and over a real socket (Node's parsed headers).
const app = new Hono()
app.get('/', (c) =>
  c.json({
    any: headerOf(c, 'X-Trace-Id') ?? null,
    lower: headerOf(c, 'x-trace-id') ?? null,
    literal: headerText(requestHeaders(c)['accept']) ?? null,
    missing: headerOf(c, 'X-Not-Sent') ?? null,
  }),
)
const server = createServer(getRequestListener(app.fetch))
const listening = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('request headers', () => {
  const expected = { any: 'abc', lower: 'abc', literal: 'application/json', missing: null }
  const headers = { 'X-Trace-Id': 'abc', Accept: 'application/json' }

  it('are read by a name in any letter case, in process', async () => {
    expect(await (await app.request('/', { headers })).json()).toEqual(expected)
  })

  it('are read by a name in any letter case, over a socket', async () => {
    expect(await (await fetch(await listening, { headers })).json()).toEqual(expected)
  })
})
