import { parseArgs } from 'node:util'
import { duration, formatDuration } from '../../core/duration.js'
import { systemTime, type RealTime } from '../../core/real-time.js'
import { authHeaders } from './auth.js'
import { candidateAt } from './fixtures.js'
import { shape } from './payload.js'
import { authSchema, type ApnaAuth, type InvalidKind } from './schema.js'
import { isDocumentedSuccess } from './store.js'
import { Agents, postJson, type WireResult } from './wire.js'

/** `partner-sandbox check-apna <url> [--auth …]`: the conformance battery of issue 7, run against a
 *  client's endpoint the way Apna will call it (seed 003): a valid application gets 200 and the
 *  documented body, invalid ones 400, wrong credentials 401, 10 requests/s for 10 s all succeed, and
 *  the retried (duplicate) application is accepted. Prints a table; exits non-zero on any failure. */

const USAGE = `Usage: partner-sandbox check-apna <url> [options]

Runs Apna's conformance battery against your endpoint and prints a table.

Options:
  --auth A            none | basic:USER:PASSWORD | bearer:TOKEN | header:NAME:VALUE   (default none)
  --rate N            requests per second in the throughput check                     (default 10)
  --duration D        how long the throughput check runs                              (default 10s)
  --timeout D         how long one request may take                                   (default 10s)
  --retry-delay D     wait before sending the duplicate, as Apna's retry does          (default 5s)
  --seed N            which generated candidates to send                               (default 1)
  -h, --help          this text

Exit code: 0 when every check passes (skipped ones included), 1 when any fails, 2 on a usage error.
`

export interface CheckIo {
  out?: (text: string) => void
  real?: RealTime
}

interface Row {
  check: string
  expected: string
  got: string
  result: 'PASS' | 'FAIL' | 'SKIP'
  detail: string
}

interface Options {
  url: string
  auth: ApnaAuth
  rate: number
  durationMs: number
  timeoutMs: number
  retryDelayMs: number
  seed: number
}

export async function checkApna(argv: string[], io: CheckIo = {}): Promise<number> {
  const out = io.out ?? ((text: string) => void process.stdout.write(text))
  const real = io.real ?? systemTime
  const parsed = parseOptions(argv)
  if ('help' in parsed) {
    out(USAGE)
    return 0
  }
  if ('problem' in parsed) {
    out(`check-apna: ${parsed.problem}\n\n${USAGE}`)
    return 2
  }
  const options = parsed
  const agents = new Agents(Math.max(10, Math.ceil(options.rate * (options.timeoutMs / 1000))))
  try {
    out(`Apna receiver check: ${options.url} (auth: ${options.auth.type})\n`)
    const rows = await battery(options, real, agents)
    out(table(rows))
    const failed = rows.filter((r) => r.result === 'FAIL').length
    const passed = rows.filter((r) => r.result === 'PASS').length
    const skipped = rows.length - failed - passed
    out(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`)
    return failed > 0 ? 1 : 0
  } finally {
    agents.destroy()
  }
}

function parseOptions(argv: string[]): Options | { help: true } | { problem: string } {
  let values: Record<string, string | boolean | undefined>
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        auth: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        timeout: { type: 'string' },
        'retry-delay': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    return { problem: (error as Error).message }
  }
  if (values.help) return { help: true }
  if (positionals.length !== 1) return { problem: positionals.length === 0 ? 'give the URL of your endpoint' : `one URL only, got ${positionals.length} arguments` }
  const url = positionals[0]!
  if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) return { problem: `"${url}" is not an http:// or https:// URL` }
  const auth = parseAuth(String(values.auth ?? 'none'))
  if ('problem' in auth) return auth
  const ms = (name: string, fallback: string) => {
    const r = duration.safeParse(values[name] ?? fallback)
    return r.success ? r.data : undefined
  }
  const rate = Number(values.rate ?? 10)
  const seed = Number(values.seed ?? 1)
  const durationMs = ms('duration', '10s')
  const timeoutMs = ms('timeout', '10s')
  const retryDelayMs = ms('retry-delay', '5s')
  if (!(rate > 0 && rate <= 1000)) return { problem: '--rate is a number of requests per second, above 0 and at most 1000' }
  if (!Number.isInteger(seed) || seed < 0) return { problem: '--seed is a whole number' }
  if (durationMs === undefined || timeoutMs === undefined || retryDelayMs === undefined) return { problem: 'durations are written 500ms, 5s, 1m' }
  if (timeoutMs <= 0) return { problem: '--timeout must be above 0' }
  return { url, auth: auth.auth, rate, durationMs, timeoutMs, retryDelayMs, seed }
}

function parseAuth(text: string): { auth: ApnaAuth } | { problem: string } {
  const [type, ...rest] = text.split(':')
  const tail = rest.join(':')
  const colon = tail.indexOf(':')
  const candidate =
    type === 'none'
      ? { type }
      : type === 'bearer'
        ? { type, token: tail }
        : type === 'basic'
          ? { type, username: colon < 0 ? tail : tail.slice(0, colon), password: colon < 0 ? '' : tail.slice(colon + 1) }
          : type === 'header'
            ? { type, name: colon < 0 ? tail : tail.slice(0, colon), value: colon < 0 ? '' : tail.slice(colon + 1) }
            : undefined
  const parsed = authSchema.safeParse(candidate)
  if (!parsed.success) return { problem: `--auth "${type}:…" is not usable: write none, basic:USER:PASSWORD, bearer:TOKEN or header:NAME:VALUE` }
  return { auth: parsed.data }
}

function wrongAuth(auth: ApnaAuth): ApnaAuth {
  switch (auth.type) {
    case 'basic':
      return { ...auth, password: `${auth.password}-wrong` }
    case 'bearer':
      return { ...auth, token: `wrong-${auth.token}` }
    case 'header':
      return { ...auth, value: `wrong-${auth.value}` }
    case 'none':
      return auth
  }
}

async function battery(o: Options, real: RealTime, agents: Agents): Promise<Row[]> {
  const send = (body: string, auth: ApnaAuth = o.auth) =>
    postJson({
      url: o.url,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'partner-sandbox-apna-check/0.1', ...authHeaders(auth) },
      body,
      timeoutMs: o.timeoutMs,
      real,
      agents,
    })
  const valid = JSON.stringify(candidateAt(o.seed, 0))
  const broken = (invalid: InvalidKind) => shape(candidateAt(o.seed, 1), { invalid }).body
  const rows: Row[] = []

  const first = await send(valid)
  rows.push(expectStatus('valid application', first, 200))
  rows.push(
    first.status === 200
      ? {
          check: 'documented success body',
          expected: '{"status":"success",…}',
          got: brief(first.body, 30),
          result: isDocumentedSuccess(first.body) ? 'PASS' : 'FAIL',
          detail: isDocumentedSuccess(first.body) ? 'as the document shows it' : 'the document answers {"status":"success","message":"Lead data received successfully."}',
        }
      : { check: 'documented success body', expected: '{"status":"success",…}', got: '-', result: 'FAIL', detail: 'no 200 to read a body from' },
  )
  rows.push(expectStatus('missing required fields', await send(shape(candidateAt(o.seed, 1), { omit: ['full_name', 'contact_info'] }).body), 400, 'full_name and contact_info left out'))
  rows.push(expectStatus('wrong field types', await send(shape(candidateAt(o.seed, 1), { patches: [{ current_salary: 'forty thousand', gender: 42, skills: 'JavaScript, SQL' }] }).body), 400, 'current_salary a string, gender a number, skills a string'))
  rows.push(expectStatus('malformed JSON', await send(broken('malformed_json')), 400, 'the body stops halfway'))

  if (o.auth.type === 'none') {
    rows.push({ check: 'no credentials', expected: '401', got: '-', result: 'SKIP', detail: 'no --auth given' })
    rows.push({ check: 'wrong credentials', expected: '401', got: '-', result: 'SKIP', detail: 'no --auth given' })
  } else {
    rows.push(expectStatus('no credentials', await send(valid, { type: 'none' }), 401))
    rows.push(expectStatus('wrong credentials', await send(valid, wrongAuth(o.auth)), 401, `a wrong ${o.auth.type === 'basic' ? 'password' : o.auth.type === 'bearer' ? 'token' : 'key'}`))
  }

  rows.push(await throughput(o, real, send))

  if (o.retryDelayMs > 0) await real.sleep(o.retryDelayMs)
  rows.push(expectStatus('retried (duplicate) application', await send(valid), 200, `the first application again ${formatDuration(o.retryDelayMs)} later, as Apna's retry sends it; check your system kept one record`))
  return rows
}

/** `rate` requests a second for `duration`, on schedule whatever the answers take: Apna's minimum. */
async function throughput(o: Options, real: RealTime, send: (body: string) => Promise<WireResult>): Promise<Row> {
  const n = Math.max(1, Math.round((o.rate * o.durationMs) / 1000))
  const interval = 1000 / o.rate
  const start = real.now()
  const pending: Promise<WireResult>[] = []
  for (let i = 0; i < n; i++) {
    const wait = start + i * interval - real.now()
    if (wait > 0) await real.sleep(wait)
    pending.push(send(JSON.stringify(candidateAt(o.seed, 100 + i))))
  }
  const results = await Promise.all(pending)
  const ok = results.filter((r) => r.status === 200 && r.error === null).length
  const times = results.map((r) => r.durationMs).sort((a, b) => a - b)
  const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? 0
  const others = new Map<string, number>()
  for (const r of results) {
    if (r.status === 200 && r.error === null) continue
    const key = r.error ? brief(r.error, 40) : String(r.status)
    others.set(key, (others.get(key) ?? 0) + 1)
  }
  return {
    check: `${o.rate} requests/s for ${formatDuration(o.durationMs)}`,
    expected: `${n}× 200`,
    got: `${ok}× 200`,
    result: ok === n ? 'PASS' : 'FAIL',
    detail: `p95 ${Math.round(p95)} ms, max ${Math.round(times[times.length - 1] ?? 0)} ms${others.size ? `; ${[...others].map(([k, v]) => `${v}× ${k}`).join(', ')}` : ''}`,
  }
}

function expectStatus(check: string, r: WireResult, want: number, what = ''): Row {
  const got = r.status === null ? 'no answer' : String(r.status)
  const pass = r.status === want && (want !== 200 || r.error === null)
  const detail = [what, r.error ? brief(r.error, 60) : `${Math.round(r.durationMs)} ms`, !pass && r.status !== null ? `body ${brief(r.body, 40)}` : ''].filter(Boolean).join('; ')
  return { check, expected: String(want), got, result: pass ? 'PASS' : 'FAIL', detail }
}

function brief(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one === '' ? '(empty)' : one.length > max ? `${one.slice(0, max - 1)}…` : one
}

function table(rows: Row[]): string {
  const head: Row = { check: 'check', expected: 'expected', got: 'got', result: 'result' as Row['result'], detail: 'detail' }
  const cols = ['check', 'expected', 'got', 'result'] as const
  const width = Object.fromEntries(cols.map((k) => [k, Math.max(...[head, ...rows].map((r) => r[k].length))])) as Record<(typeof cols)[number], number>
  const line = (r: Row) => `${cols.map((k) => r[k].padEnd(width[k])).join('  ')}  ${r.detail}`.trimEnd()
  return [line(head), cols.map((k) => '-'.repeat(width[k])).join('  ') + '  ------', ...rows.map(line)].join('\n') + '\n'
}
