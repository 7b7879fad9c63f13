import * as z from 'zod'
import { describe, expect, it } from 'vitest'
import { built, later } from '../../src/core/later.js'

describe('later(): a schema built at its first use', () => {
  it('builds nothing until it parses, then once, whoever asks', () => {
    let builds = 0
    const query = later(() => {
      builds++
      return z.strictObject({ limit: z.coerce.number().int().max(10) })
    })
    expect(builds).toBe(0)
    expect(query.parse({ limit: '5' })).toEqual({ limit: 5 })
    expect(query.safeParse({ limit: '50' }).success).toBe(false)
    const inner = built(query)
    expect(built(query)).toBe(inner)
    expect(query.unwrap()).toBe(inner)
    expect(builds).toBe(1)
  })

  it('refuses, describes and documents exactly as the schema it stands for', () => {
    const make = () => z.strictObject({ id: z.string().regex(/^d-\d+$/, 'a delivery id such as d-1'), n: z.number().optional() })
    const plain = make()
    const deferred = later(make)
    for (const input of [{ id: 'x' }, { id: 'd-1', n: 'two' }, { id: 'd-1', extra: 1 }, null]) {
      expect(deferred.safeParse(input).error?.issues).toEqual(plain.safeParse(input).error?.issues)
    }
    expect(z.toJSONSchema(deferred, { io: 'input' })).toEqual(z.toJSONSchema(plain, { io: 'input' }))
  })

  it('leaves any other schema as it is', () => {
    const plain = z.string()
    expect(built(plain)).toBe(plain)
  })
})
