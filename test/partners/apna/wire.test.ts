import { createServer, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemTime } from '../../../src/core/real-time.js'
import { Agents, postJson } from '../../../src/partners/apna/wire.js'

/** A receiver at an https URL that does not speak TLS: the delivery must end in a recorded error, on
 *  the https agent made for it, never a throw or a hang. */
let port = 0
const sockets = new Set<Socket>()
const server = createServer((socket) => {
  sockets.add(socket)
  socket.on('error', () => undefined)
  socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n')
})
beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => ((port = (server.address() as { port: number }).port), resolve()))))
afterAll(() => {
  for (const socket of sockets) socket.destroy()
  return new Promise<void>((resolve) => server.close(() => resolve()))
})

describe('postJson to an https receiver', () => {
  it('loads the TLS client when first asked, and records a failed handshake as the error', async () => {
    const agents = new Agents(2)
    try {
      const result = await postJson({ url: `https://127.0.0.1:${port}/hook`, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 5_000, real: systemTime, agents })
      expect(result.status).toBeNull()
      expect(result.timedOut).toBe(false)
      expect(result.error).toMatch(/ssl|tls|wrong version|EPROTO|socket/i)
    } finally {
      agents.destroy()
    }
  })
})
