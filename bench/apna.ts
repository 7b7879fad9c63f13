/** Apna pusher bench: `npx tsx bench/apna.ts [deliveries] [concurrency]`.
 *  1. Sustained deliveries per second to a local receiver with pacing off (rate: 0).
 *  2. The pacing check: a batch of 50 at the document's 10 requests/s, on a frozen clock (session
 *     time) and on a running one (real time).
 *  The receiver runs in this same process, so the figure is the sandbox and its receiver sharing cores. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startSandbox } from '../src/sandbox.js'
import { apna } from '../src/partners/apna/index.js'

const TOTAL = Number(process.argv[2] ?? 5_000)
const CONCURRENCY = Number(process.argv[3] ?? 32)
const BODY = JSON.stringify({ status: 'success', message: 'Lead data received successfully.' })

async function main(): Promise<void> {
  const receiver = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY))
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/apna`
  const sb = await startSandbox({ partners: [apna], scenario: { name: 'bench' } })
  const call = async (session: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sb.url}/__sandbox${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-sandbox-session': session },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<any>
  }
  try {
    // 1. Throughput, pacing off.
    await call('throughput', 'PUT', '/scenario', {
      seed: 1,
      partners: { apna: { target: { url, auth: { type: 'bearer', token: 'bench' } }, rate: 0, concurrency: CONCURRENCY, queueLimit: 100_000, logLimit: 100_000 } },
    })
    await call('throughput', 'POST', '/apna/applications', { count: 200 }) // warm-up: sockets, JIT
    await call('throughput', 'GET', '/apna/deliveries?wait=60s&limit=1')
    const started = performance.now()
    for (let left = TOTAL; left > 0; left -= 1_000) await call('throughput', 'POST', '/apna/applications', { count: Math.min(1_000, left) })
    const done = await call('throughput', 'GET', '/apna/deliveries?wait=120s&limit=1')
    const seconds = (performance.now() - started) / 1000
    const delivered = done.counts.delivered - 200
    console.log(`apna throughput: ${delivered}/${TOTAL} delivered in ${seconds.toFixed(2)} s = ${Math.round(delivered / seconds)} deliveries/s (pacing off, concurrency ${CONCURRENCY}, failed ${done.counts.failed})`)

    // 2a. Pacing on the session clock: 50 at 10/s on a frozen clock, moved 5 s.
    await call('paced', 'PUT', '/scenario', { seed: 1, clock: { start: '2026-01-14T16:00:00+05:00', frozen: true }, partners: { apna: { target: { url } } } })
    await call('paced', 'POST', '/apna/applications', { count: 50 })
    await call('paced', 'POST', '/clock', { advance: '5s' })
    const paced = await call('paced', 'GET', '/apna/deliveries?wait=10s')
    const times: number[] = paced.deliveries.map((d: any) => Date.parse(d.attempts[0].at)).sort((a: number, b: number) => a - b)
    const span = (times[times.length - 1]! - times[0]!) / 1000
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1_000).length))
    const gaps = new Set(times.slice(1).map((t, i) => t - times[i]!))
    console.log(`apna pacing (session clock): ${times.length} sent over ${span.toFixed(1)} s = ${((times.length - 1) / span).toFixed(1)}/s, busiest 1 s window ${busiest}, gaps ${[...gaps].join(',')} ms`)

    // 2b. Pacing on a running clock: the same batch, timed in real time.
    await call('paced-real', 'PUT', '/scenario', { seed: 1, partners: { apna: { target: { url } } } })
    const t0 = performance.now()
    await call('paced-real', 'POST', '/apna/applications', { count: 50 })
    const real = await call('paced-real', 'GET', '/apna/deliveries?wait=30s')
    const realSpan = (performance.now() - t0) / 1000
    const realTimes: number[] = real.deliveries.map((d: any) => Date.parse(d.attempts[0].realAt)).sort((a: number, b: number) => a - b)
    const realBusiest = Math.max(...realTimes.map((t) => realTimes.filter((u) => u >= t && u < t + 1_000).length))
    console.log(`apna pacing (running clock): ${real.counts.delivered} delivered in ${realSpan.toFixed(2)} s real = ${((real.counts.delivered - 1) / ((realTimes.at(-1)! - realTimes[0]!) / 1000)).toFixed(1)}/s, busiest 1 s window ${realBusiest}`)
  } finally {
    await sb.close()
    receiver.closeAllConnections()
    receiver.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
