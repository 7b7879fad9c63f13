/** BE&OE at full size (scenarios/beoe-large.yaml: 1,000,000 jobs, 40 pages of 25,000).
 *
 *    npx tsx bench/beoe.ts            (node --expose-gc for RSS after a collection)
 *
 *  Prints: time to a ready sandbox and first session, login (the RSA key pair is made then), cold and warm
 *  time-to-first-byte and total for one 25,000-row page, and RSS before and after reading all 40 pages.
 *  `benchBeoe()` is exported for a bench runner that gathers every partner's figures. */
import { request } from 'node:http'
import { pathToFileURL } from 'node:url'
import { beoe } from '../src/partners/beoe/index.js'
import { startSandbox } from '../src/sandbox.js'

export interface BeoeBench {
  startMs: number
  loginMs: number
  cold: Timing
  warm: Timing
  before: Memory
  after: Memory
  allPagesMs: number
  pageBytes: number
  cachedMb: number
}

interface Timing {
  ttfbMs: number
  totalMs: number
  /** CPU time of this process (server and client) during the request: steadier than wall time on a
   *  shared machine. */
  cpuMs: number
  bytes: number
}

interface Memory {
  rssMb: number
  heapUsedMb: number
  arrayBuffersMb: number
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10
const ms = (n: number) => Math.round(n * 10) / 10

/** One GET, timed at the status line (first byte) and at the end; the body is counted, not kept. */
function timedGet(url: string, headers: Record<string, string>): Promise<Timing & { status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const cpu = process.cpuUsage()
    const req = request(url, { headers, agent: false }, (res) => {
      const ttfb = performance.now() - started
      let bytes = 0
      res.on('data', (chunk: Buffer) => (bytes += chunk.byteLength))
      res.on('end', () => {
        const used = process.cpuUsage(cpu)
        resolve({ status: res.statusCode ?? 0, ttfbMs: ms(ttfb), totalMs: ms(performance.now() - started), cpuMs: ms((used.user + used.system) / 1000), bytes })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

function memory(): Memory {
  ;(globalThis as { gc?: () => void }).gc?.()
  const m = process.memoryUsage()
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), arrayBuffersMb: mb(m.arrayBuffers) }
}

export async function benchBeoe(): Promise<BeoeBench> {
  const t0 = performance.now()
  const sb = await startSandbox({ partners: [beoe], scenario: 'scenarios/beoe-large.yaml', log: () => undefined })
  try {
    // The first request makes the session and its state: a million jobs are one id range.
    const state = sb.session('default').stateOf(beoe)
    const startMs = ms(performance.now() - t0)

    const t1 = performance.now()
    const login = await fetch(`${sb.url}/beoe/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'user@beoe.com', password: '123456' }),
    })
    const { success } = (await login.json()) as { success: { token: string } }
    const loginMs = ms(performance.now() - t1)
    const headers = { accept: 'application/json', authorization: `Bearer ${success.token}` }
    const page = (n: number) => timedGet(`${sb.url}/beoe/api/foreignjobs?page=${n}`, headers)

    const before = memory()
    const cold = await page(20)
    const warm = await page(20)
    if (cold.status !== 200 || warm.status !== 200) throw new Error(`page 20 answered ${cold.status}/${warm.status}`)

    const t2 = performance.now()
    for (let n = 1; n <= 40; n++) {
      const r = await page(n)
      if (r.status !== 200) throw new Error(`page ${n} answered ${r.status}`)
    }
    const allPagesMs = ms(performance.now() - t2)
    const after = memory()
    return {
      startMs,
      loginMs,
      cold: { ttfbMs: cold.ttfbMs, totalMs: cold.totalMs, cpuMs: cold.cpuMs, bytes: cold.bytes },
      warm: { ttfbMs: warm.ttfbMs, totalMs: warm.totalMs, cpuMs: warm.cpuMs, bytes: warm.bytes },
      before,
      after,
      allPagesMs,
      pageBytes: cold.bytes,
      cachedMb: mb(state.shared.pages.size),
    }
  } finally {
    await sb.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchBeoe()
  const gc = (globalThis as { gc?: unknown }).gc ? ' (after gc)' : ' (no --expose-gc: RSS includes garbage)'
  console.log(`BE&OE, 1,000,000 jobs (scenarios/beoe-large.yaml), node ${process.version}`)
  console.log(`  sandbox + session ready      ${r.startMs} ms`)
  console.log(`  login (makes the RSA pair)   ${r.loginMs} ms`)
  const mem = (m: Memory) => `RSS ${m.rssMb} MB (heap ${m.heapUsedMb} MB, buffers ${m.arrayBuffersMb} MB)`
  console.log(`  page 20 cold                 first byte ${r.cold.ttfbMs} ms, total ${r.cold.totalMs} ms, CPU ${r.cold.cpuMs} ms, ${mb(r.pageBytes)} MB`)
  console.log(`  page 20 warm                 first byte ${r.warm.ttfbMs} ms, total ${r.warm.totalMs} ms, CPU ${r.warm.cpuMs} ms`)
  console.log(`  all 40 pages                 ${r.allPagesMs} ms`)
  console.log(`  before reading 40 pages      ${mem(r.before)}`)
  console.log(`  after reading 40 pages       ${mem(r.after)}${gc}`)
  console.log(`  page cache (bound 32 MB)     ${r.cachedMb} MB`)
}
