import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BODY_CAP, Journal, JournalBudget, type JournalEntry } from '../../src/core/journal.js'
import { InboundEntry } from '../../src/core/inbound-entry.js'
import { PackedEntries } from '../../src/core/packed-entries.js'
import { redactBody, redactHeaders, redactQuery, redactUrl } from '../../src/core/redact.js'

const entry = (id: number, over: Partial<JournalEntry> = {}): JournalEntry => ({
  id, direction: 'inbound', session: 's', partner: 'echo', method: 'GET', path: `/r/${id}`, url: '', query: {}, headers: {},
  body: '', bodyTruncated: false, status: 200, responseHeaders: {}, responseBody: '', responseSize: 0, durationMs: 1,
  at: '', realAt: '', fault: null, refusal: null, error: null, ...over,
})

describe('journal', () => {
  it('keeps the newest entries up to its capacity, oldest dropped, newest last', () => {
    const journal = new Journal(3)
    for (let i = 1; i <= 5; i++) journal.add(entry(i))
    expect(journal.size).toBe(3)
    expect(journal.list().map((e) => e.id)).toEqual([3, 4, 5])
    expect(journal.get(2)).toBeUndefined()
    expect(journal.get(4)?.path).toBe('/r/4')
    // Entries that are plain data (Apna's attempts) are kept as their JSON and read back equal.
    expect(journal.get(4)).toEqual(entry(4))
    journal.clear()
    expect(journal.list()).toEqual([])
  })

  it('is bounded in bytes too: past the bound the oldest entries go, the newest always stays', () => {
    const journal = new Journal(100, 10_000)
    for (let i = 1; i <= 10; i++) journal.add(entry(i, { body: 'x'.repeat(2_000) }))
    // Each weighs 2,000 + 1,024: three fit in 10,000 bytes.
    expect(journal.list().map((e) => e.id)).toEqual([8, 9, 10])
    expect(journal.bytes).toBeLessThanOrEqual(10_000)
    journal.add(entry(11, { body: 'y'.repeat(50_000) }))
    expect(journal.list().map((e) => e.id)).toEqual([11])
    journal.clear()
    expect(journal.bytes).toBe(0)
  })

  it('counts every journal against a sandbox-wide budget: past it the journal holding the most sheds its oldest', () => {
    const budget = new JournalBudget(20_000)
    const quiet = new Journal(100, 1_000_000, budget)
    const busy = new Journal(100, 1_000_000, budget)
    for (let i = 1; i <= 2; i++) quiet.add(entry(i, { body: 'q'.repeat(2_000) }))
    for (let i = 1; i <= 10; i++) busy.add(entry(i, { body: 'b'.repeat(2_000) }))
    // 3,024 bytes each: six fit in 20,000; the busy journal gave up its oldest, the quiet one kept both.
    expect(quiet.list().map((e) => e.id)).toEqual([1, 2])
    expect(busy.list().map((e) => e.id)).toEqual([7, 8, 9, 10])
    expect(budget.bytes).toBe(quiet.bytes + busy.bytes)
    expect(budget.bytes).toBeLessThanOrEqual(20_000)
    // A cleared journal gives its bytes back; a detached one (its session reset or deleted) leaves the
    // budget and stays readable.
    busy.clear()
    expect(budget.bytes).toBe(quiet.bytes)
    quiet.detach()
    expect(budget.bytes).toBe(0)
    expect(quiet.size).toBe(2)
    quiet.add(entry(3, { body: 'q'.repeat(30_000) }))
    expect(budget.bytes).toBe(0)
    // One entry alone over the budget stays: the newest entry of a journal is never shed.
    busy.add(entry(11, { body: 'b'.repeat(30_000) }))
    expect(busy.list().map((e) => e.id)).toEqual([11])
  })

  it('keeps exactly what a plain list would, as the ring grows, wraps, sheds by bytes and is cleared', () => {
    const op = fc.oneof(fc.record({ body: fc.nat(3_000) }), fc.constant('clear' as const))
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1_000, max: 12_000 }), fc.array(op, { maxLength: 40 }), (capacity, maxBytes, ops) => {
        const journal = new Journal(capacity, maxBytes)
        let model: { id: number; weight: number }[] = []
        ops.forEach((o, id) => {
          if (o === 'clear') {
            journal.clear()
            model = []
            return
          }
          journal.add(entry(id, { body: 'x'.repeat(o.body) }))
          model.push({ id, weight: 1_024 + o.body })
          if (model.length > capacity) model.shift()
          while (model.length > 1 && model.reduce((n, m) => n + m.weight, 0) > maxBytes) model.shift()
          expect(journal.list().map((e) => e.id)).toEqual(model.map((m) => m.id))
          expect(journal.bytes).toBe(model.reduce((n, m) => n + m.weight, 0))
        })
      }),
    )
  })

  it('filters by partner, method, path glob, status or class, refusal, and limit', () => {
    const journal = new Journal()
    journal.add(entry(1, { status: 200 }))
    journal.add(entry(2, { status: 401, refusal: 'token expired', method: 'POST' }))
    journal.add(entry(3, { status: 404, partner: 'other', path: '/api/x' }))
    expect(journal.list({ status: '4xx' }).map((e) => e.id)).toEqual([2, 3])
    expect(journal.list({ status: '401' }).map((e) => e.id)).toEqual([2])
    expect(journal.list({ partner: 'other' }).map((e) => e.id)).toEqual([3])
    expect(journal.list({ method: 'post' }).map((e) => e.id)).toEqual([2])
    expect(journal.list({ path: '/api/*' }).map((e) => e.id)).toEqual([3])
    expect(journal.list({ refused: true }).map((e) => e.id)).toEqual([2])
    expect(journal.list({ limit: 2 }).map((e) => e.id)).toEqual([2, 3])
  })
})

/** An inbound entry as the pipeline makes one, from raw parts. */
function inbound(id: number, over: { headers?: InboundEntry['rawHeaders']; path?: string; url?: string; body?: Uint8Array; response?: string | Uint8Array | null; responseHeaders?: ConstructorParameters<typeof Headers>[0] | Record<string, string>; status?: number; refusal?: string | null; fault?: string | null; error?: string | null } = {}): InboundEntry {
  const e = new InboundEntry(id, 's1', 'echo', 'POST', over.path ?? `/r/${id}`, over.url ?? `http://127.0.0.1:1/echo/r/${id}?q=1&access_token=secretsecretsecret`, over.headers ?? ['Host', '127.0.0.1', 'Content-Type', 'application/json', 'Authorization', 'Bearer abcdefghijklmnopqrstuvwxyz'], 1_700_000_000_000 + id, 1_800_000_000_000 + id)
  if (over.body) e.keepRequestBody(over.body)
  const response = over.response === undefined ? `{"n":${id}}` : over.response
  e.keepResponse(over.status ?? 200, (over.responseHeaders ?? { 'content-type': 'application/json' }) as Record<string, string>, response, response === null ? 0 : typeof response === 'string' ? Buffer.byteLength(response) : response.byteLength)
  e.durationMs = id / 7
  e.fault = over.fault ?? null
  e.refusal = over.refusal ?? null
  e.error = over.error ?? null
  return e
}

describe('journal: inbound entries are packed off the JS heap', () => {
  it('reads back every field exactly as the entry showed it when it was filed', () => {
    const utf8 = new TextEncoder()
    const shared = utf8.encode(`{"page":"${'x'.repeat(2_000)}"}`) // a cached answer: its own buffer
    const frozen = Object.freeze({ 'content-type': 'application/soap+xml; charset=utf-8' })
    const cases = [
      inbound(1),
      // Node's rawHeaders with a repeated header, a JSON body with a password, a refusal.
      inbound(2, { headers: ['Host', 'h', 'Accept', 'a/b', 'accept', 'c/d', 'Content-Type', 'application/json'], body: utf8.encode('{"email":"e","password":"123456"}'), status: 401, refusal: 'wrong password' }),
      // Non-ASCII in the path, the URL and the body; a web Headers; fault and error text.
      inbound(3, { path: '/jobs/Zürich ✓', url: 'http://127.0.0.1:1/echo/jobs/Z%C3%BCrich?name=Zoë', headers: new Headers({ 'content-type': 'text/plain; charset=utf-8', 'x-name': 'ünïcode' }), body: utf8.encode('grüße ✓'), fault: 'fault 7: delay 5ms', error: 'req-1: boom' }),
      // A body over the cap is cut and flagged; a string response over the cap is cut too.
      inbound(4, { body: new Uint8Array(BODY_CAP + 10).fill(65), response: 'y'.repeat(BODY_CAP + 5), headers: ['Content-Type', 'text/plain'] }),
      // A shared (cached) answer and shared headers, kept by reference; a slice of a bigger buffer, copied.
      inbound(5, { response: shared, responseHeaders: frozen }),
      inbound(6, { response: new Uint8Array(shared.buffer, 10, 300) }),
      // No body at all, and a web Headers on the response.
      inbound(7, { response: null, status: 204, responseHeaders: new Headers({ 'x-a': '1' }) }),
      inbound(8, { headers: { host: 'h', 'x-list': ['a', 'b'], 'content-type': 'application/x-www-form-urlencoded' }, body: utf8.encode('client_secret=s&amount=1') }),
    ]
    const journal = new Journal()
    for (const e of cases) journal.add(e)
    const expected = cases.map((e) => JSON.parse(JSON.stringify(e)))
    expect(journal.list().map((e) => JSON.parse(JSON.stringify(e)))).toEqual(expected)
    expect(expected[1].headers.accept).toBe('a/b, c/d')
    expect(expected[1].body).toBe('{"email":"e","password":"[redacted]"}')
    expect(expected[0].headers.authorization).toBe('[redacted …wxyz]')
    expect(expected[2].path).toBe('/jobs/Zürich ✓')
    expect(expected[2].body).toBe('grüße ✓')
    expect(expected[3].bodyTruncated).toBe(true)
    expect(expected[3].responseBody).toMatch(/\n\[… 5 more bytes not kept\]$/)
    expect(expected[6].responseBody).toBe('')
    expect(expected[7].headers['x-list']).toBe('a, b')
    expect(journal.get(5)?.responseBody).toBe(new TextDecoder().decode(shared))
  })

  it('matches an object journal under wrap, shedding and clears, and entries read out stay whole after they are dropped', () => {
    const op = fc.oneof(
      { weight: 8, arbitrary: fc.record({ path: fc.string({ maxLength: 40 }), body: fc.nat(5_000), response: fc.nat(3_000), status: fc.constantFrom(200, 201, 401, 404, 500), refused: fc.boolean() }) },
      { weight: 1, arbitrary: fc.constant('clear' as const) },
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 2_000, max: 40_000 }), fc.array(op, { maxLength: 60 }), (capacity, maxBytes, ops) => {
        const journal = new Journal(capacity, maxBytes)
        let model: JournalEntry[] = []
        const readEarlier: [JournalEntry, string][] = []
        ops.forEach((o, id) => {
          if (o === 'clear') {
            journal.clear()
            model = []
            return
          }
          const e = inbound(id, { path: `/${o.path}`, body: new Uint8Array(o.body).fill(id % 251), response: 'r'.repeat(o.response), status: o.status, refusal: o.refused ? `no ${id}` : null })
          journal.add(e)
          model.push(e)
          // What remains is the newest entries added since the last clear (never fewer than one), within
          // both bounds, and each reads back as it was filed.
          const kept = journal.list()
          expect(kept.length).toBeGreaterThanOrEqual(1)
          expect(kept.length).toBeLessThanOrEqual(capacity)
          expect(journal.bytes <= maxBytes || kept.length === 1).toBe(true)
          model = model.slice(-kept.length)
          expect(kept.map((x) => JSON.stringify(x))).toEqual(model.map((m) => JSON.stringify(m)))
          expect(journal.list({ refused: true }).map((x) => x.id)).toEqual(model.filter((m) => m.refusal !== null).map((m) => m.id))
          expect(journal.list({ status: '4xx', limit: 2 }).map((x) => x.id)).toEqual(model.filter((m) => m.status >= 400 && m.status < 500).slice(-2).map((m) => m.id))
          const newest = journal.get(id)!
          readEarlier.push([newest, JSON.stringify(newest)])
        })
        for (const [entry, json] of readEarlier) expect(JSON.stringify(entry)).toBe(json)
        for (const m of model) expect(JSON.stringify(journal.get(m.id))).toBe(JSON.stringify(m))
      }),
      { numRuns: 150 },
    )
  })

  it('lets chunks go once no entry uses them, so a wrapping journal holds about its entries and no more', () => {
    const slots = new PackedEntries()
    const body = new Uint8Array(3_000).fill(1)
    const capacity = 200
    let next = 0
    for (let id = 1; id <= 5_000; id++) {
      if (slots.length === capacity) slots.release(next)
      slots.write(next, inbound(id, { body }))
      next = (next + 1) % capacity
    }
    const live = Array.from({ length: capacity }, (_, i) => slots.weightAt(i)).reduce((a, b) => a + b, 0)
    // 200 entries of about 3.3 KB: under a megabyte, with at most a chunk or two beyond what they use.
    expect(slots.chunkBytes).toBeLessThan(live + 2 * 1024 * 1024 + 1)
    expect(slots.chunkBytes).toBeGreaterThanOrEqual(live - capacity * 128)
  })

  it('writes freed chunks again, and an entry read out before keeps its own bytes', () => {
    const slots = new PackedEntries()
    const capacity = 100
    const early: { id: number; read: JournalEntry; body: string }[] = []
    let next = 0
    // 4 MB through a ring of about 300 KB: full-size chunks are freed and written again many times.
    for (let id = 1; id <= 1_000; id++) {
      if (slots.length === capacity) slots.release(next)
      slots.write(next, inbound(id, { body: new Uint8Array(3_000).fill(65 + (id % 26)), response: `response ${id} `.repeat(50) }))
      if (id % 97 === 0) {
        const read = slots.read(next)
        early.push({ id, read, body: read.body })
      }
      next = (next + 1) % capacity
    }
    expect(slots.chunkBytes).toBeLessThan(2 * 1024 * 1024)
    for (const { id, read, body } of early) {
      expect(read.body, `entry ${id}`).toBe(body)
      expect(read.body).toBe(String.fromCharCode(65 + (id % 26)).repeat(3_000))
      expect(read.responseBody).toBe(`response ${id} `.repeat(50))
    }
  })
})

describe('redaction', () => {
  it('masks credentials in headers, keeping four characters to tell tokens apart', () => {
    const out = redactHeaders([
      ['authorization', 'Bearer eyJhbGciOiJSUzI1NiJ9.payload.signatureXYZW'],
      ['cookie', 'sid=abc'],
      ['x-api-key', 'k'],
      ['accept', 'application/json'],
      ['x-sandbox-session', 'test-1'],
    ])
    expect(out.authorization).toBe('[redacted …XYZW]')
    expect(out.cookie).toBe('[redacted]')
    expect(out['x-api-key']).toBe('[redacted]')
    expect(out.accept).toBe('application/json')
    expect(out['x-sandbox-session']).toBe('test-1')
  })

  it('masks passwords and tokens in JSON, form and XML bodies, and in URLs', () => {
    expect(JSON.parse(redactBody('{"email":"a@b.c","password":"123456","nested":{"client_secret":"s"}}', 'application/json'))).toEqual({
      email: 'a@b.c', password: '[redacted]', nested: { client_secret: '[redacted]' },
    })
    expect(redactBody('email=a%40b.c&password=123456', 'application/x-www-form-urlencoded')).toBe('email=a%40b.c&password=%5Bredacted%5D')
    expect(redactBody('<s:Header><Token>abcdefghijklmnop</Token><User>qs</User></s:Header>', 'application/soap+xml')).toBe(
      '<s:Header><Token>[redacted …mnop]</Token><User>qs</User></s:Header>',
    )
    expect(redactBody('not json {', 'application/json')).toBe('not json {')
    expect(redactQuery(new URLSearchParams('page=2&access_token=abc'))).toEqual({ page: '2', access_token: '[redacted]' })
    expect(redactUrl('http://x/cb?access_token=abcdefghijklmnopq&refresh_token=null&state=s1')).toBe(
      'http://x/cb?access_token=%5Bredacted%20%E2%80%A6nopq%5D&refresh_token=%5Bredacted%5D&state=s1',
    )
  })
})
