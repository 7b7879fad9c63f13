import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import type * as Https from 'node:https'
import { formatDuration } from '../../core/duration.js'
import { lazily } from '../../core/lazy.js'
import { BODY_CAP } from '../../core/journal.js'
import type { RealTime } from '../../core/real-time.js'

/** One POST on the wire, as Apna makes it: JSON body, a timeout in real time (a slow receiver is slow
 *  in seconds, not in session time), and everything the delivery log and the journal keep. */

/** Node's TLS client, loaded at the first delivery to an https receiver: with node:http2 it was the
 *  largest piece of start-up that most runs never use (about 10 ms). */
const https = lazily<typeof Https>('node:https')

/** Keep-alive sockets, at most `max` per host: one set per session state, never shared. The https
 *  agent is made with the first https delivery. */
export class Agents {
  readonly http: HttpAgent
  #https: Https.Agent | undefined

  constructor(readonly max: number) {
    this.http = new HttpAgent({ keepAlive: true, maxSockets: max })
  }

  get https(): Https.Agent {
    return (this.#https ??= new (https().Agent)({ keepAlive: true, maxSockets: this.max }))
  }

  destroy(): void {
    this.http.destroy()
    this.#https?.destroy()
  }
}

export interface WireRequest {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
  real: RealTime
  agents?: Agents
  signal?: AbortSignal
}

export interface WireResult {
  /** null: no status line arrived. */
  status: number | null
  headers: Record<string, string>
  /** The first 64 KiB of the response, as text. */
  body: string
  size: number
  /** Why the exchange did not complete: a timeout, a refused connection, a reset. */
  error: string | null
  timedOut: boolean
  durationMs: number
}

const decoder = new TextDecoder('utf-8', { fatal: false })

export function postJson(req: WireRequest): Promise<WireResult> {
  const { real } = req
  const started = real.now()
  return new Promise((resolve) => {
    let status: number | null = null
    let headers: Record<string, string> = {}
    const kept: Buffer[] = []
    let keptSize = 0
    let size = 0
    let timedOut = false
    let done = false
    const finish = (error: string | null) => {
      if (done) return
      done = true
      cancelTimer()
      req.signal?.removeEventListener('abort', onAbort)
      resolve({ status, headers, body: decoder.decode(Buffer.concat(kept)), size, error, timedOut, durationMs: real.now() - started })
    }

    let url: URL
    try {
      url = new URL(req.url)
    } catch {
      return resolve({ status, headers, body: '', size, error: `not a URL: ${req.url}`, timedOut, durationMs: 0 })
    }
    const secure = url.protocol === 'https:'
    const outgoing = (secure ? https().request : httpRequest)(url, {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
      ...(req.agents ? { agent: secure ? req.agents.https : req.agents.http } : {}),
    })
    const cancelTimer = real.schedule(req.timeoutMs, () => {
      timedOut = true
      outgoing.destroy(new Error(`no complete response within ${formatDuration(req.timeoutMs)}`))
    })
    const onAbort = () => outgoing.destroy(new Error('aborted: the session was reset or closed'))
    if (req.signal?.aborted) onAbort()
    else req.signal?.addEventListener('abort', onAbort, { once: true })

    outgoing.on('response', (res: IncomingMessage) => {
      status = res.statusCode ?? null
      headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]))
      res.on('data', (chunk: Buffer) => {
        size += chunk.byteLength
        if (keptSize < BODY_CAP) {
          const part = chunk.subarray(0, BODY_CAP - keptSize)
          kept.push(part)
          keptSize += part.byteLength
        }
      })
      res.on('end', () => finish(null))
      res.on('error', (e) => finish(timedOut ? e.message : `the response broke off: ${e.message}`))
      res.on('close', () => finish(timedOut ? `no complete response within ${formatDuration(req.timeoutMs)}` : 'the connection closed before the response ended'))
    })
    outgoing.on('error', (e: NodeJS.ErrnoException) => finish(e.message || e.code || 'connection error'))
    outgoing.end(req.body)
  })
}
