/** `npm run soak`: the sandbox under a long mixed load, as a CI suite and QA would give it at once.
 *
 *  - the CLI in its own process (so its RSS is its own), on 127.0.0.1 only;
 *  - many sessions at once, each calling every partner: BE&OE logins and 25,000-row pages (a scenario of
 *    50,000 jobs), envisionme jobs, terms and charges, DAS events in and out, Cordell logins and SOAP
 *    downloads, Apna pushes, control calls;
 *  - a BE&OE client that hangs up halfway through 25,000-row pages;
 *  - an Apna receiver that accepts and never answers (each attempt times out, is retried, fails);
 *  - session churn: sessions made, used and deleted all along;
 *  - fault rules in some sessions (503s, dropped connections, truncated bodies): their errors are
 *    counted apart.
 *
 *  Bounded: SOAK_SECONDS (default 120), SOAK_CONCURRENCY (default 24) loops. Reports requests, errors
 *  (uninjected and injected apart), RSS at start, after warm-up and at the end (medians of 10 s windows:
 *  one instant swings with the pages on the wire), and exits 1 if any uninjected error happened. Target: none, and RSS growth after warm-up under 10 %. */
import { request } from 'node:http'
import { createServer, type Socket } from 'node:net'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median } from './lib/load.js'
import { startChild } from './lib/processes.js'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120)
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 24)
const WARMUP = Math.min(30, Math.max(5, Math.round(SECONDS * 0.25)))
if (!(SECONDS > 0) || !(CONCURRENCY > 0)) throw new Error('SOAK_SECONDS and SOAK_CONCURRENCY are positive numbers')

// --- an Apna receiver that hangs --------------------------------------------------------------------
const hung = new Set<Socket>()
let apnaArrivals = 0
const receiver = createServer((socket) => {
  apnaArrivals++
  hung.add(socket)
  socket.on('data', () => undefined) // read the request, never answer
  socket.on('close', () => hung.delete(socket))
  socket.on('error', () => undefined)
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const receiverPort = (receiver.address() as { port: number }).port

// --- the sandbox ------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'soak-'))
const scenarioFile = join(dir, 'soak.json')
// The default scenario (its demo token, billing client, users), with 50,000 BE&OE jobs (two 25,000-row
// pages) and Apna pointed at the hung receiver.
const scenario = parseYaml(readFileSync(new URL('../scenarios/default.yaml', import.meta.url), 'utf8')) as { name: string; partners: Record<string, Record<string, unknown>> }
scenario.name = 'soak'
scenario.partners.beoe = { ...scenario.partners.beoe, jobs: { generate: 50_000 }, pageSize: 25_000 }
scenario.partners.apna = { ...scenario.partners.apna, target: { url: `http://127.0.0.1:${receiverPort}/apna`, auth: { type: 'bearer', token: 'soak' } }, timeout: '2s', retry: { attempts: 1, delay: '5s' } }
writeFileSync(scenarioFile, JSON.stringify(scenario))
// The built CLI, with the malloc settings the Docker image runs it with (see the Dockerfile): glibc's
// defaults let freed native memory (page buffers, socket writes, the compiler's zones on V8's threads)
// stay in the process as fragmented arenas, 10-15 MB over two minutes of this load, which the sandbox
// never gets back. SOAK_MALLOC=default measures glibc's defaults instead.
const MALLOC: Record<string, string> = process.env.SOAK_MALLOC === 'default' ? {} : { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2', MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072' }
const { child, match } = await startChild(process.execPath, ['dist/main.js', '--port', '0', '--scenario', scenarioFile], /control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/, MALLOC)
const BASE = match[1]!
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(BASE)) throw new Error(`not loopback: ${BASE}`)

// --- bookkeeping --------------------------------------------------------------------------------------
const counts = { requests: 0, ok: 0, errors: 0, injected: 0, aborted: 0, expectedRefusals: 0 }
const byOp = new Map<string, { n: number; errors: number; injected: number }>()
const examples: string[] = []
const tally = (op: string, outcome: 'ok' | 'error' | 'injected' | 'aborted' | 'refused', detail?: string) => {
  counts.requests++
  const o = byOp.get(op) ?? { n: 0, errors: 0, injected: 0 }
  o.n++
  byOp.set(op, o)
  if (outcome === 'ok') counts.ok++
  else if (outcome === 'aborted') counts.aborted++
  else if (outcome === 'refused') counts.expectedRefusals++
  else if (outcome === 'injected') {
    counts.injected++
    o.injected++
  } else {
    counts.errors++
    o.errors++
    if (examples.length < 20) examples.push(`${op}: ${detail}`)
  }
}

/** Sessions with fault rules, and which partner's errors are theirs. */
const FAULTY = new Map<string, Set<string>>()
const STABLE = Array.from({ length: 16 }, (_, i) => `soak-${i}`)
let churned = 0

interface Call {
  method?: string
  path: string
  session: string
  partner: string
  body?: string
  type?: string
  headers?: Record<string, string>
  /** Statuses that are a right answer. */
  expect: number[]
}

/** One call with fetch; judged against `expect`, a fault's marks, and the session's rules. */
async function call(op: string, c: Call): Promise<{ status: number; text: string } | undefined> {
  const faulty = FAULTY.get(c.session)?.has(c.partner) ?? false
  try {
    const res = await fetch(`${BASE}${c.path}`, {
      method: c.method ?? 'GET',
      headers: { 'x-sandbox-session': c.session, ...(c.type ? { 'content-type': c.type } : {}), ...c.headers },
      ...(c.body !== undefined ? { body: c.body } : {}),
      signal: AbortSignal.timeout(30_000),
    })
    const text = await res.text()
    if (res.headers.get('x-soak-fault') === '1') tally(op, 'injected')
    else if (c.expect.includes(res.status)) tally(op, 'ok')
    else if (res.status === 429 && c.path.endsWith('/apna/applications')) tally(op, 'refused') // the queue is full: documented
    else tally(op, 'error', `${c.method ?? 'GET'} ${c.path} -> ${res.status} ${text.slice(0, 160)}`)
    return { status: res.status, text }
  } catch (error) {
    // A dropped connection or a truncated body in a session whose rules do that is injected.
    const message = `${(error as Error).message}${(error as { cause?: Error }).cause ? `: ${(error as { cause: Error }).cause.message}` : ''}`
    tally(op, faulty ? 'injected' : 'error', `${c.method ?? 'GET'} ${c.path} -> ${message}`)
    return undefined
  }
}

/** A BE&OE client that hangs up halfway through a 25,000-row page. */
function halfPage(session: string, token: string): Promise<void> {
  return new Promise((resolve) => {
    const url = new URL(`${BASE}/beoe/api/foreignjobs?page=${1 + Math.floor(Math.random() * 2)}`)
    const req = request(url, { headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'x-sandbox-session': session }, agent: false }, (res) => {
      const total = Number(res.headers['content-length'] ?? 0)
      let got = 0
      res.on('data', (chunk: Buffer) => {
        got += chunk.byteLength
        if (got >= total / 2) {
          req.destroy()
          tally('beoe.halfPage', res.statusCode === 200 ? 'aborted' : 'error', `status ${res.statusCode}`)
          resolve()
        }
      })
      res.on('end', () => {
        tally('beoe.halfPage', 'error', 'ended before the half')
        resolve()
      })
      res.on('error', () => undefined)
    })
    req.on('error', () => resolve())
    req.end()
  })
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!
const json = (body: unknown) => ({ body: JSON.stringify(body), type: 'application/json' })
const tokens = new Map<string, { beoe?: string; das?: string; cordell?: string }>()

async function beoeToken(session: string): Promise<string | undefined> {
  const have = tokens.get(session)?.beoe
  if (have && Math.random() < 0.9) return have
  const res = await call('beoe.login', { method: 'POST', path: '/beoe/api/login', session, partner: 'beoe', ...json({ email: 'user@beoe.com', password: '123456' }), expect: [200] })
  const token = res?.status === 200 ? (JSON.parse(res.text) as { success: { token: string } }).success.token : undefined
  tokens.set(session, { ...tokens.get(session), beoe: token })
  return token
}

async function dasToken(session: string): Promise<string | undefined> {
  const have = tokens.get(session)?.das
  if (have) return have
  const res = await call('das.mint', { method: 'POST', path: '/__sandbox/das/tokens', session, partner: 'control', ...json({ permissions: 'ReadAccountEvent StoreAccountEvent ReadApprenticeshipEvent StoreApprenticeshipEvent' }), expect: [200] })
  const token = res?.status === 200 ? (JSON.parse(res.text) as { token: string }).token : undefined
  tokens.set(session, { ...tokens.get(session), das: token })
  return token
}

async function cordellToken(session: string): Promise<string | undefined> {
  const have = tokens.get(session)?.cordell
  if (have && Math.random() < 0.95) return have
  const res = await call('cordell.login', { method: 'POST', path: '/cordell/Costing/Login', session, partner: 'cordell', ...json({ UserName: 'qs', Password: 'pass' }), expect: [200] })
  const token = res?.status === 200 ? (JSON.parse(res.text) as { AccessToken: string }).AccessToken : undefined
  tokens.set(session, { ...tokens.get(session), cordell: token })
  return token
}

const NS = 'http://www.cordell.com.au/Costing/'
const soap = (token: string, method: string, inner: string) =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><AuthHeader xmlns="${NS}"><AccessToken>${token}</AccessToken></AuthHeader></s:Header><s:Body><${method} xmlns="${NS}">${inner}</${method}></s:Body></s:Envelope>`

/** One operation of the mix, weighted towards small calls as a test suite makes them. */
async function operation(session: string): Promise<void> {
  const r = Math.random()
  if (r < 0.04) {
    const token = await beoeToken(session)
    if (token) await call('beoe.page', { path: `/beoe/api/foreignjobs?page=${1 + Math.floor(Math.random() * 2)}`, session, partner: 'beoe', headers: { accept: 'application/json', authorization: `Bearer ${token}` }, expect: [200] })
  } else if (r < 0.07) {
    const token = await beoeToken(session)
    if (token) await halfPage(session, token)
  } else if (r < 0.12) {
    await beoeToken(session)
  } else if (r < 0.27) {
    const path = pick(['/envisionme/job?access_token=envisionme-demo-token&limit=20', '/envisionme/term?access_token=envisionme-demo-token&q=test&vid=27', '/envisionme/jobs/1?access_token=envisionme-demo-token', '/envisionme/debug_token?input_token=envisionme-demo-token'])
    await call('envisionme.api', { path, session, partner: 'envisionme', expect: [200] })
  } else if (r < 0.32) {
    await call('envisionme.charge', { method: 'POST', path: '/envisionme/charge', session, partner: 'envisionme', body: new URLSearchParams({ client_id: '1212', gateway_mode: '0', amount: '12.50', internal_id: String(counts.requests), first_name: 'A', last_name: 'B', email: 'a@example.com', return_url: 'http://127.0.0.1:9/ok', cancel_url: 'http://127.0.0.1:9/no' }).toString(), type: 'application/x-www-form-urlencoded', expect: [200] })
  } else if (r < 0.47) {
    const token = await dasToken(session)
    if (!token) return
    if (Math.random() < 0.5) {
      await call('das.post', { method: 'POST', path: '/das/api/events/accounts', session, partner: 'das', headers: { authorization: `Bearer ${token}` }, ...json({ event: 'Created', resourceUri: `/api/accounts/${counts.requests}` }), expect: [201] })
    } else {
      await call('das.get', { path: `/das/api/events/${pick(['accounts', 'apprenticeships'])}?fromEventId=1&pageSize=100&pageNumber=1`, session, partner: 'das', headers: { authorization: `Bearer ${token}` }, expect: [200] })
    }
  } else if (r < 0.62) {
    const token = await cordellToken(session)
    if (!token) return
    const [method, inner] = pick([['GetDataSet', '<COMPLETESET>1</COMPLETESET>'], ['GetCategories', ''], ['GetCategoryEntriesWithItems', '<DATASET>1</DATASET><COMPLETESET>1</COMPLETESET>'], ['GetItemCostingById', '<ITEMCODE>1</ITEMCODE><DATASETID>1</DATASETID>']] as const)
    await call('cordell.soap', { method: 'POST', path: '/cordell/Costing', session, partner: 'cordell', body: soap(token, method, inner), type: 'application/soap+xml; charset=utf-8', expect: [200] })
  } else if (r < 0.67) {
    await call('apna.push', { method: 'POST', path: '/__sandbox/apna/applications', session, partner: 'control', ...json({ count: 1 + Math.floor(Math.random() * 3) }), expect: [202] })
  } else {
    const path = pick(['/__sandbox/clock', '/__sandbox/requests?limit=5', '/__sandbox/state', '/__sandbox/health', '/__sandbox/apna/deliveries?limit=5', '/__sandbox/beoe/jobs', '/__sandbox/faults'])
    await call('control', { path, session, partner: 'control', expect: [200] })
  }
}

/** A short-lived session: made, used for a few calls, deleted. */
async function churn(): Promise<void> {
  const session = `churn-${++churned}`
  for (let i = 0; i < 4; i++) await operation(session)
  await call('session.delete', { method: 'DELETE', path: `/__sandbox/sessions/${session}`, session: 'default', partner: 'control', expect: [200, 404] })
  tokens.delete(session)
}

// Fault rules in a quarter of the stable sessions, each marked so its answers are told apart.
for (const session of STABLE.slice(0, 4)) {
  const rules = [
    { partner: 'das', path: '/api/events/*', probability: 0.1, respond: { status: 503, body: { error: 'injected' }, headers: { 'X-Soak-Fault': '1' } } },
    { partner: 'envisionme', path: '/job', probability: 0.1, drop: true },
    { partner: 'cordell', path: '/Costing', probability: 0.1, truncate: true },
    { partner: 'beoe', path: '/api/login', probability: 0.1, delay: ['50ms', '300ms'] },
  ]
  for (const rule of rules) await call('faults.add', { method: 'POST', path: '/__sandbox/faults', session, partner: 'control', ...json(rule), expect: [201] })
  FAULTY.set(session, new Set(['das', 'envisionme', 'cordell']))
}

const rss = { start: child.rssMb(), warm: 0, end: 0, max: 0 }
const started = performance.now()
const deadline = started + SECONDS * 1000
// RSS at one instant counts whatever 12 MB pages are on the wire then (several loops read them at once),
// so it swings by tens of MB from one second to the next; the growth judged is between the medians of
// the samples in the WINDOW seconds after warm-up and the last WINDOW seconds.
const WINDOW = Math.min(10, WARMUP)
const samples: { t: number; mb: number }[] = []
const sampler = setInterval(() => {
  const mb = child.rssMb()
  rss.max = Math.max(rss.max, mb)
  samples.push({ t: (performance.now() - started) / 1000, mb })
}, 500)
const warmTimer = setTimeout(() => (rss.warm = child.rssMb()), WARMUP * 1000)
console.log(`soak: ${SECONDS}s, ${CONCURRENCY} loops, sandbox ${BASE} (pid ${child.proc.pid}), RSS at start ${rss.start} MB; warm-up ${WARMUP}s`)

const progress = setInterval(() => {
  const t = Math.round((performance.now() - started) / 1000)
  console.log(`  ${t}s: ${counts.requests} requests, ${counts.errors} errors, ${counts.injected} injected, RSS ${child.rssMb()} MB`)
}, 15_000)

await Promise.all(
  Array.from({ length: CONCURRENCY }, async (_, i) => {
    while (performance.now() < deadline) {
      if (i % 6 === 0) await churn()
      else await operation(STABLE[(i + Math.floor(Math.random() * 4)) % STABLE.length]!)
    }
  }),
)
clearInterval(progress)
clearInterval(sampler)
clearTimeout(warmTimer)
rss.end = child.rssMb()
const elapsed = (performance.now() - started) / 1000

// Apna's log in one session, for the report: every attempt to the hung receiver timed out.
const deliveries = await fetch(`${BASE}/__sandbox/apna/deliveries?limit=1`, { headers: { 'x-sandbox-session': STABLE[5]! } }).then((r) => r.json() as Promise<{ counts: Record<string, number> }>)
const health = await fetch(`${BASE}/__sandbox/health`).then((r) => r.json() as Promise<{ sessions: number }>)

await child.stop()
for (const s of hung) s.destroy()
receiver.close()

const growth = rss.warm > 0 ? ((rss.end - rss.warm) / rss.warm) * 100 : NaN
const within = (from: number, to: number) => median(samples.filter((x) => x.t >= from && x.t < to).map((x) => x.mb))
const afterWarm = within(WARMUP, WARMUP + WINDOW)
const atEnd = within(elapsed - WINDOW, elapsed + 1)
const windowed = ((atEnd - afterWarm) / afterWarm) * 100
const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)} %` : 'n/a')
console.log(`
soak finished after ${elapsed.toFixed(0)}s
  requests            ${counts.requests} (${(counts.requests / elapsed).toFixed(0)}/s): ${counts.ok} right answers, ${counts.expectedRefusals} Apna queue-full refusals (429, documented)
  errors (uninjected) ${counts.errors}
  injected errors     ${counts.injected} (503s, dropped connections and truncated bodies from fault rules in ${FAULTY.size} sessions)
  half-page hang-ups  ${counts.aborted} (BE&OE 25,000-row pages cut off halfway by the client)
  session churn       ${churned} sessions made, used and deleted; ${health.sessions} live at the end
  Apna                ${apnaArrivals} connections to the hung receiver; one session's deliveries: ${JSON.stringify(deliveries.counts)}
  RSS (sandbox)       start ${rss.start} MB; median of ${WINDOW}s after the ${WARMUP}s warm-up ${afterWarm} MB, of the last ${WINDOW}s ${atEnd} MB: ${pct(windowed)} after warm-up (target < 10 %)
                      at single instants: ${rss.warm} MB after warm-up, ${rss.end} MB at the end (${pct(growth)}); max ${rss.max} MB
  by operation        ${[...byOp].map(([op, o]) => `${op} ${o.n}${o.errors ? ` (${o.errors} errors)` : ''}${o.injected ? ` (${o.injected} injected)` : ''}`).join(', ')}`)
if (examples.length) console.log(`  first errors:\n    ${examples.join('\n    ')}`)
process.exit(counts.errors > 0 ? 1 : 0)
