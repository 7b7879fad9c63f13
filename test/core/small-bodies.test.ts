import type { IncomingMessage, ServerResponse } from 'node:http'
import { EventEmitter } from 'node:events'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inCheckPhase } from '../../src/core/http.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js'
import { echo } from '../support/echo-partner.js'

/** Writes `parts` to one connection (pausing `gapMs` between them) and returns what came back once
 *  `responses` responses have arrived, each as its body. */
function exchange(port: number, parts: string[], responses: number, gapMs = 0): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    const bodies = (): string[] => {
      const out: string[] = []
      let at = 0
      for (;;) {
        const head = text.indexOf('\r\n\r\n', at)
        if (head < 0) return out
        const length = Number(/content-length: (\d+)/i.exec(text.slice(at, head))?.[1] ?? 0)
        if (text.length < head + 4 + length) return out
        out.push(text.slice(head + 4, head + 4 + length))
        at = head + 4 + length
      }
    }
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => {
      text += d
      const got = bodies()
      if (got.length >= responses) {
        socket.destroy()
        resolve(got)
      }
    })
    socket.on('error', reject)
    socket.on('connect', async () => {
      for (const part of parts) {
        socket.write(part)
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs))
      }
    })
  })
}

const post = (session: string, name: string, split = false): string[] => {
  const body = JSON.stringify({ name })
  const head = `POST /echo/items HTTP/1.1\r\nHost: x\r\nx-sandbox-session: ${session}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`
  return split ? [head + body.slice(0, 5), body.slice(5)] : [head + body]
}
const get = (session: string) => `GET /echo/items HTTP/1.1\r\nHost: x\r\nx-sandbox-session: ${session}\r\n\r\n`

describe('requests with a body', () => {
  let sb: RunningSandbox
  beforeAll(async () => {
    sb = await startSandbox({ partners: [echo] })
  })
  afterAll(() => sb.close())

  it('reach the sandbox in the order a connection sent them, a pipelined GET after its POST', async () => {
    // One write: POST, GET, POST, GET. The POSTs' bodies are read at the next check phase; the GETs,
    // which have none, must still wait their turn.
    const bodies = await exchange(sb.port, [post('order-1', 'a')[0]! + get('order-1') + post('order-1', 'b')[0]! + get('order-1')], 4)
    expect(bodies.map((b) => JSON.parse(b))).toEqual([{ items: ['a'] }, { items: ['a'] }, { items: ['a', 'b'] }, { items: ['a', 'b'] }])
    expect(sb.session('order-1').journal.list().map((e) => `${e.method} ${e.status}`)).toEqual(['POST 201', 'GET 200', 'POST 201', 'GET 200'])
  })

  it('leave a connection usable after a body nobody read', async () => {
    // A control call that does not exist is refused without reading its body; the GET behind it on the
    // same connection must still be answered (Node discards the unread bytes).
    const body = 'x'.repeat(100_000)
    const head = `POST /__sandbox/nothing-here HTTP/1.1\r\nHost: x\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n`
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(sb.port, '127.0.0.1', () => socket.write(head + body + 'GET /__sandbox/health HTTP/1.1\r\nHost: x\r\n\r\n'))
      let got = ''
      socket.setEncoding('utf8')
      socket.on('data', (d: string) => {
        got += d
        if (got.includes('"status":"ok"')) {
          socket.destroy()
          resolve(got)
        }
      })
      socket.on('error', reject)
    })
    expect(text).toMatch(/^HTTP\/1\.1 404 [\s\S]*HTTP\/1\.1 200 OK/)
  })

  it('read a body that arrives in pieces as it comes, and keep the order behind it', async () => {
    // The body's second half comes 30 ms after its headers, with a GET right behind it.
    const [first, rest] = post('order-2', 'slow', true)
    const bodies = await exchange(sb.port, [first!, rest! + get('order-2')], 2, 30)
    expect(bodies.map((b) => JSON.parse(b))).toEqual([{ items: ['slow'] }, { items: ['slow'] }])
  })
})

describe('inCheckPhase', () => {
  it('hands every request over at the next check phase, in the order they came, not inside the parser', async () => {
    const seen: string[] = []
    const listener = inCheckPhase((req) => void seen.push(req.url!))
    const socket = {}
    const request = (url: string, headers: Record<string, string> = {}) =>
      [{ url, headers, socket } as unknown as IncomingMessage, { writableEnded: true } as unknown as ServerResponse] as const
    listener(...request('/a'))
    listener(...request('/b', { 'content-length': '2' }))
    listener(...request('/c'))
    expect(seen).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(seen).toEqual(['/a', '/b', '/c'])
  })

  it('holds a request behind an unanswered one with a body, but not behind one whose connection is gone', async () => {
    const seen: string[] = []
    const listener = inCheckPhase((req) => void seen.push(req.url!))
    const response = (state: { writableEnded: boolean; destroyed: boolean }) => Object.assign(new EventEmitter(), state) as unknown as ServerResponse
    const on = (socket: object, url: string, res: ServerResponse, headers: Record<string, string> = {}) =>
      listener({ url, headers, socket } as unknown as IncomingMessage, res)
    const tick = () => new Promise((resolve) => setImmediate(resolve))

    // Still being answered: the GET behind the POST waits for its 'close'.
    const busy = {}
    const post = response({ writableEnded: false, destroyed: false })
    on(busy, '/post', post, { 'content-length': '2' })
    on(busy, '/after-post', response({ writableEnded: true, destroyed: false }))
    await tick()
    expect(seen).toEqual(['/post'])
    post.emit('close')
    expect(seen).toEqual(['/post', '/after-post'])

    // The client hung up before the POST was answered: nothing holds the next request.
    const gone = {}
    on(gone, '/dead-post', response({ writableEnded: false, destroyed: true }), { 'content-length': '2' })
    on(gone, '/after-dead-post', response({ writableEnded: true, destroyed: false }))
    await tick()
    expect(seen.slice(2)).toEqual(['/dead-post', '/after-dead-post'])
  })
})

