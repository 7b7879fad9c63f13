import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Journal, JournalBudget, type JournalEntry } from '../../src/core/journal.js'
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
