/** `npm run bench`: the sandbox measured against the limit, bare node:http sending the same bytes, in one
 *  run on this machine, with ratios. Traffic goes to 127.0.0.1 only and every phase is bounded in time.
 *  Prints one table and writes it to bench/results/latest.md. Asserts nothing: speed is reported, and the
 *  targets of issue 9 stand beside each figure. */
import { request } from 'node:http'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { autocannonLoad, hasWrk, median, wrkLoad, type Load, type Target } from './lib/load.js'
import { smallCalls } from './lib/small-calls.js'
import { pinApart, startChild, type Child } from './lib/processes.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MAIN = join(ROOT, 'dist/main.js')
const READY = /control API\s+(http:\/\/127\.0\.0\.1:\d+)\/__sandbox/
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
/** A small call is measured in PAIRS pairs of slices, one on bare node:http and one on the sandbox. */
const PAIRS = 8
const SLICE_SECONDS = Math.max(1, Math.round(SECONDS / 5))
/** The warm 25,000-row page likewise, in longer slices: a slice must hold many 12 MB answers. */
const BIG_PAIRS = 4
const BIG_SLICE_SECONDS = Math.max(1, Math.round(SECONDS / 2))
const rows: string[][] = []
/** Whether the small calls ran with the load generator and the server each on a CPU of its own. */
let pinned = false
const log = (line: string) => process.stdout.write(`${line}\n`)

interface Captured {
  status: number
  headers: Record<string, string>
  body: Buffer
}

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
  return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text
}

async function capture(t: Target): Promise<Captured> {
  const res = await fetch(t.url, { method: t.method ?? 'GET', headers: t.headers ?? {}, ...(t.body !== undefined ? { body: t.body } : {}) })
  const body = Buffer.from(await res.arrayBuffer())
  if (res.status >= 300) throw new Error(`${t.url}: ${res.status} ${body.toString().slice(0, 300)}`)
  return { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream' }, body }
}

async function bareServing(responses: Record<string, Captured>): Promise<{ child: Child; base: string }> {
  return startBare(bareFile(responses))
}

/** The file bench/lib/bare-server.mjs serves its answers from. */
function bareFile(responses: Record<string, Captured>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'responses.json')
  writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(responses).map(([k, r]) => [k, { ...r, body: r.body.toString('base64') }]))))
  return file
}

async function startBare(file: string): Promise<{ child: Child; base: string }> {
  const { child, match } = await startChild(process.execPath, [join(ROOT, 'bench/lib/bare-server.mjs'), file], /^(\d+)\n/m)
  return { child, base: `http://127.0.0.1:${match[1]}` }
}

/** Milliseconds from starting a server to its first healthy answer, and the server, still running. */
async function timedStart(start: () => Promise<{ child: Child; base: string }>): Promise<{ ms: number; child: Child; base: string }> {
  const t0 = performance.now()
  const started = await start()
  for (let i = 0; i < 2_000; i++) {
    if (await healthy(started.base)) return { ms: performance.now() - t0, ...started }
  }
  throw new Error('no healthy answer')
}

/** One health check with node:http: a client whose first request to a new port costs it next to
 *  nothing, where fetch sets up a connection pool and its WebAssembly parser (some 20 ms, counted
 *  against the server before). */
function healthy(base: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${base}/__sandbox/health`, { agent: false }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode === 200))
    })
    req.once('error', () => resolve(false))
    req.end()
  })
}

async function sandbox(scenario: string): Promise<{ child: Child; base: string; readyMs: number }> {
  const { child, match, startedAt } = await startChild(process.execPath, [MAIN, '--port', '0', '--scenario', scenario], READY)
  return { child, base: match[1]!, readyMs: performance.now() - startedAt }
}

/** Time to first byte and to the last, for one request. */
function timed(url: string, headers: Record<string, string>): Promise<{ ttfbMs: number; totalMs: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const req = request(url, { headers, agent: false }, (res) => {
      let ttfb = 0
      let bytes = 0
      res.on('data', (c: Buffer) => {
        if (ttfb === 0) ttfb = performance.now() - t0
        bytes += c.byteLength
      })
      res.on('end', () => resolve({ ttfbMs: ttfb, totalMs: performance.now() - t0, bytes }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** `pairs` pairs of slices, bare node:http and the sandbox back to back in each (which goes first
 *  alternates), sorted by the sandbox's ratio: this host's speed swings by half within seconds, and a
 *  pair is over before a swing has moved one side and not the other. The median pair is the figure. */
async function paired(pairs: number, load: (bare: boolean) => Promise<Load>): Promise<{ b: Load; s: Load }[]> {
  const out: { b: Load; s: Load }[] = []
  for (let pair = 0; pair < pairs; pair++) {
    const bareFirst = pair % 2 === 0
    const one = await load(bareFirst)
    const two = await load(!bareFirst)
    out.push(bareFirst ? { b: one, s: two } : { b: two, s: one })
  }
  return out.sort((x, y) => x.s.rps / x.b.rps - y.s.rps / y.b.rps)
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–')
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '–')
function row(measure: string, sandbox: string, bare: string, r: string, target: string, met: boolean | undefined) {
  rows.push([measure, sandbox, bare, r, target, met === undefined ? '' : met ? 'yes' : '**no**'])
  log(`${measure}: sandbox ${sandbox} | bare ${bare} | ratio ${r} | target ${target}${met === undefined ? '' : met ? ' ✓' : ' ✗'}`)
}

async function main(): Promise<void> {
  if (spawnSync(process.execPath, [MAIN, '--version']).status !== 0) throw new Error('dist/main.js missing: run `npm run build` (npm run bench does)')
  const wrk = hasWrk()
  log(`partner-sandbox bench: ${SECONDS}s a phase, node ${process.version}, ${wrk ? 'wrk for big bodies' : 'no wrk (apt-get install wrk): autocannon for big bodies'}`)

  // 5. Start-up to first healthy response, and idle RSS (default scenario).
  {
    // The median of five starts: one start on a shared machine is at the mercy of whatever else runs, and
    // with three, two starts in one of this host's slow spells (a start there takes half as long again)
    // made the figure.
    // Each start of the sandbox follows one of bare node:http answering the same health check: Node's own
    // start, on this host at that moment, measured beside it (on this repository's host, with
    // NODE_EXTRA_CA_CERTS set, about 140 ms in a quiet spell, more in a busy one).
    const STARTS = 5
    const starts: number[] = []
    const bareStarts: number[] = []
    const healthFile = bareFile({ '/__sandbox/health': { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"status":"ok"}') } })
    let started: { child: Child; base: string } | undefined
    for (let n = 0; n < STARTS; n++) {
      if (started) await started.child.stop()
      const bare = await timedStart(() => startBare(healthFile))
      bareStarts.push(bare.ms)
      await bare.child.stop()
      const one = await timedStart(() => sandbox(join(ROOT, 'scenarios/default.yaml')))
      starts.push(one.ms)
      started = one
    }
    const { child, base } = started!
    const healthyMs = median(starts)
    const bareMs = median(bareStarts)
    await new Promise((r) => setTimeout(r, 1_000))
    const idle = child.rssMb()
    row(
      `start-up to first healthy response (default scenario), median of ${STARTS}`,
      `${fmt(healthyMs)} ms (${starts.map((x) => fmt(x)).join(', ')})`,
      `${fmt(bareMs)} ms (${bareStarts.map((x) => fmt(x)).join(', ')})`,
      `+${fmt(healthyMs - bareMs)} ms`,
      '< 500 ms',
      healthyMs < 500,
    )
    row('RSS at idle', `${fmt(idle)} MB`, '', '', '< 100 MB', idle < 100)

    // 1. Small calls, journal on, against bare node:http sending the same bytes.
    const cases = (await smallCalls(base)).map(({ title, path, method, body, headers }) => ({ name: title, path, target: { ...(method ? { method } : {}), ...(body ? { body } : {}), headers } as Omit<Target, 'url'> }))
    const captured: Record<string, Captured> = {}
    for (const c of cases) captured[c.path] = await capture({ url: `${base}${c.path}`, ...c.target })
    const bare = await bareServing(captured)
    // Unpinned by default, as the issue's reference figures were measured and as the sandbox runs beside a
    // test suite: pinned, its collector's and compiler's threads share the server's one core, which bare
    // node:http, making little garbage, hardly uses. BENCH_PIN=1 pins (steadier, stricter on the sandbox).
    const unpin = process.env.BENCH_PIN === '1' ? pinApart([child.proc.pid!, bare.child.proc.pid!]) : undefined
    pinned = unpin !== undefined
    const ratios: number[] = []
    for (const c of cases) {
      const size = captured[c.path]!.body.byteLength
      const onBare = { url: `${bare.base}${c.path}`, ...c.target }
      const onSandbox = { url: `${base}${c.path}`, ...c.target }
      await autocannonLoad(onBare, 50, 1)
      await autocannonLoad(onSandbox, 50, 1)
      const pairs = await paired(PAIRS, (bare) => autocannonLoad(bare ? onBare : onSandbox, 50, SLICE_SECONDS))
      const { b, s } = pairs[PAIRS >> 1]!
      const errors = pairs.reduce((n, r) => n + r.s.errors + r.s.non2xx, 0)
      ratios.push(s.rps / b.rps)
      row(
        `small: ${c.name} (${fmt(size)} B), 50 conns, median of ${PAIRS} pairs (ratios ${ratio(pairs[0]!.s.rps, pairs[0]!.b.rps)} to ${ratio(pairs[PAIRS - 1]!.s.rps, pairs[PAIRS - 1]!.b.rps)})`,
        `${fmt(s.rps)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms${errors ? `, ${errors} errors or non-2xx` : ''}`,
        `${fmt(b.rps)} req/s, p50 ${b.p50} ms, p99 ${b.p99} ms`,
        ratio(s.rps, b.rps),
        '≥ 0.65',
        s.rps / b.rps >= 0.65,
      )
    }
    unpin?.()
    await bare.child.stop()

    // 6. A 50 ms delay on every call, 100 connections: a delay must never hold a worker.
    const delayed = { 'x-sandbox-session': 'bench-delay' }
    await call(base, 'POST', '/__sandbox/faults', { partner: 'envisionme', path: '/job', delay: '50ms' }, delayed)
    const d = await autocannonLoad({ url: `${base}/envisionme/job?limit=10&access_token=envisionme-demo-token`, headers: delayed }, 100, SECONDS)
    row('50 ms delay fault on every call, 100 conns', `${fmt(d.rps)} req/s, p50 ${d.p50} ms, p99 ${d.p99} ms`, '', `${ratio(d.rps, 2_000)} of 100/0.05 s`, '≥ 1,800 req/s', d.rps >= 1_800)
    await child.stop()
  }

  // 2, 3. The 1,000,000-job scenario: start, RSS, a 25,000-row page cold and warm, every page.
  {
    const { child, base, readyMs } = await sandbox(join(ROOT, 'scenarios/beoe-large.yaml'))
    const started = child.rssMb()
    row('1,000,000 jobs: start to ready', `${fmt(readyMs)} ms`, '', '', '< 1 s', readyMs < 1_000)
    const login = await call(base, 'POST', '/beoe/api/login', { email: 'user@beoe.com', password: '123456' })
    const headers = { authorization: `Bearer ${login.success.token}`, accept: 'application/json' }
    const page = `${base}/beoe/api/foreignjobs?page=20`
    const cold = await timed(page, headers)
    row(`25,000-row page cold (${fmt(cold.bytes / 1e6, 1)} MB): first byte / total`, `${fmt(cold.ttfbMs)} ms / ${fmt(cold.totalMs)} ms`, '', '', 'total < 500 ms', cold.totalMs < 500)
    const bytes = await capture({ url: page, headers })
    const bare = await bareServing({ '/beoe/api/foreignjobs?page=20': bytes })
    const big = (url: string, seconds: number): Promise<Load> => (wrk ? Promise.resolve(wrkLoad({ url, headers }, 4, seconds)) : autocannonLoad({ url, headers }, 4, seconds))
    await big(page, 1)
    const pairs = await paired(BIG_PAIRS, (onBare) => big(onBare ? `${bare.base}/beoe/api/foreignjobs?page=20` : page, BIG_SLICE_SECONDS))
    const { b, s } = pairs[BIG_PAIRS >> 1]!
    row(
      `25,000-row page warm, 4 conns (${s.tool}), median of ${BIG_PAIRS} pairs (ratios ${ratio(pairs[0]!.s.rps, pairs[0]!.b.rps)} to ${ratio(pairs[BIG_PAIRS - 1]!.s.rps, pairs[BIG_PAIRS - 1]!.b.rps)})`,
      `${fmt(s.rps)} req/s, p50 ${fmt(s.p50)} ms`,
      `${fmt(b.rps)} req/s, p50 ${fmt(b.p50)} ms`,
      ratio(s.rps, b.rps),
      '≥ 0.9',
      s.rps / b.rps >= 0.9,
    )
    await bare.child.stop()
    const afterWarm = child.rssMb()
    const t0 = performance.now()
    for (let p = 1; p <= 40; p++) await timed(`${base}/beoe/api/foreignjobs?page=${p}`, headers)
    const allMs = performance.now() - t0
    const afterOne = child.rssMb()
    for (let p = 1; p <= 40; p++) await timed(`${base}/beoe/api/foreignjobs?page=${p}`, headers)
    const afterTwo = child.rssMb()
    row('1,000,000 jobs: RSS at start', `${fmt(started)} MB`, '', '', '< 300 MB', started < 300)
    row('1,000,000 jobs: RSS after the warm runs', `${fmt(afterWarm)} MB`, '', '', '< 300 MB', afterWarm < 300)
    row(`1,000,000 jobs: RSS after reading all 40 pages (${fmt(allMs / 1000, 1)} s)`, `${fmt(afterOne)} MB`, '', '', '< 300 MB', afterOne < 300)
    row('1,000,000 jobs: RSS after reading all 40 pages again', `${fmt(afterTwo)} MB`, '', '', 'flat', afterTwo <= afterOne * 1.1)
    await child.stop()
  }

  // 4. Apna: deliveries per second with pacing off, and pacing at 10/s.
  {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/apna.ts'), '5000', '32'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 })
    const out = run.stdout ?? ''
    const perSecond = Number(/= (\d+) deliveries\/s/.exec(out)?.[1] ?? NaN)
    const busiest = Number(/pacing \(running clock\).*busiest 1 s window (\d+)/.exec(out)?.[1] ?? NaN)
    const rate = /pacing \(running clock\): .*?= ([\d.]+)\/s/.exec(out)?.[1] ?? '–'
    row('Apna: deliveries/s to a local receiver, pacing off', `${fmt(perSecond)} /s`, '', '', '≥ 1,000 /s', perSecond >= 1_000)
    row('Apna: pacing at 10/s (50 applications, real time)', `${rate}/s, busiest second ${fmt(busiest)}`, '', '', 'no second > 10', busiest <= 10)
    if (run.status !== 0) log(`apna bench failed: ${run.stderr}`)
  }

  const table = [
    `# partner-sandbox bench`,
    '',
    `Run ${new Date().toISOString()} on ${process.platform} ${process.arch}, node ${process.version}, ${SECONDS} s a phase (small calls: ${PAIRS} pairs of ${SLICE_SECONDS} s slices, bare and sandbox back to back, the median pair reported, ${pinned ? 'autocannon on CPU 0 and the server on CPU 1' : 'load generator and server not pinned to CPUs'}). Bare = a node:http server sending the same bytes, measured in the same run. Re-measure: \`npm run bench\`.`,
    '',
    '| measure | sandbox | bare node:http | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n')
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true })
  writeFileSync(join(ROOT, 'bench/results/latest.md'), table)
  log(`\n${table}`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  process.exit(1)
})
