import { describe, expect, it } from 'vitest'
import { AnswerCache } from '../../src/core/answer-cache.js'

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes))

describe('AnswerCache', () => {
  it('hands back the bytes it was given, encoded once, and the same bytes on every hit', () => {
    const cache = new AnswerCache(1024)
    const sent = cache.set('/job?limit=2', 0, '[{"title":"Café"}]')
    expect(text(sent)).toBe('[{"title":"Café"}]')
    expect(sent.byteLength).toBe(19) // é is two bytes
    expect(cache.get('/job?limit=2', 0)).toBe(sent)
    expect(cache.get('/job?limit=2')).toBe(sent)
  })

  it('never serves a body made from another version of the data, and drops it when asked', () => {
    const cache = new AnswerCache(1024)
    cache.set('a', 1, 'A')
    expect(cache.get('a', 2)).toBeUndefined()
    expect(cache.get('a', 1)).toBeUndefined() // dropped by the miss above
    expect(cache.count).toBe(0)
    expect(cache.size).toBe(0)
  })

  it('evicts the least recently used body by the memory bodies hold, and keeps none over maxBody', () => {
    const cache = new AnswerCache(300, 250)
    const page = (n: number) => new Uint8Array(new ArrayBuffer(n))
    cache.set('a', 0, page(100))
    cache.set('b', 0, page(100))
    expect(cache.get('b')).toBeDefined() // already the newest
    expect(cache.get('a')).toBeDefined() // now the newest: b is the oldest
    cache.set('c', 0, page(150))
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBeDefined()
    expect(cache.size).toBe(250)
    // A view counts all the memory it keeps alive.
    cache.set('d', 0, page(200).subarray(0, 10))
    expect([cache.get('a'), cache.get('c'), cache.get('d')].map((v) => v?.byteLength)).toEqual([100, undefined, 10])
    expect(cache.size).toBe(300)
    const big = cache.set('big', 0, page(251))
    expect(big.byteLength).toBe(251) // still the bytes to send
    expect(cache.get('big')).toBeUndefined()
    expect(cache.size).toBe(300)
  })

  it('replaces a key in place and empties on clear()', () => {
    const cache = new AnswerCache(1024)
    cache.set('k', 0, 'one')
    cache.set('k', 1, 'three')
    expect([cache.count, cache.size, text(cache.get('k', 1))]).toEqual([1, 5, 'three'])
    cache.clear()
    expect([cache.count, cache.size, cache.get('k', 1)]).toEqual([0, 0, undefined])
  })

  it('finds the newest key by its text, a new string each request, and forgets it when it goes', () => {
    const cache = new AnswerCache(1024)
    const body = cache.set('?limit=10', 0, '[]')
    const asked = (query: string) => ['?', query].join('')
    expect(cache.get(asked('limit=10'))).toBe(body)
    expect(cache.get(asked('limit=10'))).toBe(body)
    // The newest entry made from older data is dropped, not served, and not found again.
    expect(cache.get(asked('limit=10'), 1)).toBeUndefined()
    expect(cache.get(asked('limit=10'))).toBeUndefined()
    cache.set('?limit=10', 2, '[1]')
    cache.clear()
    expect(cache.get('?limit=10', 2)).toBeUndefined()
  })
})
