import { describe, expect, it } from 'vitest'
import { Recent } from '../../src/core/memo.js'

describe('Recent', () => {
  it('makes each key once, the newest and older ones alike, and hands a value back for an equal new string', () => {
    const made: string[] = []
    const recent = new Recent<string, string>(8)
    const make = (key: string) => {
      made.push(key)
      return key.toUpperCase()
    }
    expect(recent.get('alpha', make)).toBe('ALPHA')
    expect(recent.get('beta', make)).toBe('BETA')
    // A string built afresh, as a request's header is: equal text, another string.
    expect(recent.get(['al', 'pha'].join(''), make)).toBe('ALPHA')
    expect(recent.get('beta', make)).toBe('BETA')
    expect(made).toEqual(['alpha', 'beta'])
  })

  it('keeps nothing when make throws, and makes the key again next time', () => {
    const recent = new Recent<string, number>(8)
    let calls = 0
    const failing = () => {
      calls++
      throw new Error('bad input')
    }
    expect(() => recent.get('x', failing)).toThrow('bad input')
    expect(() => recent.get('x', failing)).toThrow('bad input')
    expect(calls).toBe(2)
    expect(recent.size).toBe(0)
    expect(recent.get('x', () => 1)).toBe(1)
  })

  it('starts again past its bound, and forgets everything, the newest key too, when cleared', () => {
    const recent = new Recent<number, string>(3)
    for (let i = 0; i < 3; i++) recent.get(i, String)
    expect(recent.size).toBe(3)
    recent.get(3, String)
    expect(recent.size).toBe(1)
    let made = 0
    recent.clear()
    expect(recent.size).toBe(0)
    expect(recent.get(3, () => `${++made}`)).toBe('1')
  })

  it('keeps null as a value (a path that names nothing), not as a miss', () => {
    const recent = new Recent<string, string | null>(4)
    let made = 0
    const make = () => {
      made++
      return null
    }
    expect(recent.get('/nowhere', make)).toBeNull()
    expect(recent.get('/nowhere', make)).toBeNull()
    recent.get('/other', make)
    expect(recent.get('/nowhere', make)).toBeNull()
    expect(made).toBe(2)
  })
})
