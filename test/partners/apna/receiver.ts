import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A client's endpoint, as the system under test would expose it: a real HTTP server on 127.0.0.1
 *  whose answer each test decides. */

export interface Received {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: string
  /** The body parsed, or undefined when it is not JSON. */
  json: unknown
}

export interface Answer {
  status?: number
  /** An object is sent as JSON, a string as text. */
  body?: unknown
  /** Never answer (until the client gives up or the test closes the server). */
  hang?: boolean
}

export type Behaviour = (req: Received, n: number) => Answer | Promise<Answer>

export const DOCUMENTED = { status: 'success', message: 'Lead data received successfully.' }

export interface Receiver {
  url: string
  received: Received[]
  /** Requests whose connection closed before an answer: timeouts and aborts seen from this side. */
  closedUnanswered: number
  behave(behaviour: Behaviour): void
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number): Promise<void>
  /** Resolves when `n` unanswered requests have had their connection closed. */
  waitForClosed(n: number): Promise<void>
  close(): Promise<void>
}

export async function startReceiver(behaviour: Behaviour = () => ({ status: 200, body: DOCUMENTED }), path = '/hooks/apna'): Promise<Receiver> {
  let current = behaviour
  const received: Received[] = []
  const waits: { n: number; closed: boolean; resolve: () => void }[] = []
  let closedUnanswered = 0
  const wake = () => {
    for (const w of [...waits]) {
      if ((w.closed ? closedUnanswered : received.length) >= w.n) {
        waits.splice(waits.indexOf(w), 1)
        w.resolve()
      }
    }
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString()
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        json = undefined
      }
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json }
      received.push(r)
      const answer = await current(r, received.length)
      res.on('close', () => {
        if (!res.writableEnded) {
          closedUnanswered++
          wake()
        }
      })
      wake()
      if (answer.hang) return
      const status = answer.status ?? 200
      if (typeof answer.body === 'string') res.writeHead(status, { 'content-type': 'text/plain' }).end(answer.body)
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body ?? {}))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    get closedUnanswered() {
      return closedUnanswered
    },
    behave: (b) => (current = b),
    waitFor: (n) => new Promise((resolve) => (received.length >= n ? resolve() : waits.push({ n, closed: false, resolve }))),
    waitForClosed: (n) => new Promise((resolve) => (closedUnanswered >= n ? resolve() : waits.push({ n, closed: true, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** A port nothing listens on: opened, then closed. */
export async function deadUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/hooks/apna`
}
