import { describe, expect, it } from 'vitest'
import { duration, formatDuration, parseDuration } from '../../src/core/duration.js'

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['61m', 3_660_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
    expect(duration.parse(text)).toBe(ms)
  })

  it.each(['', '5', 'h', '5 minutes', '-5s', '5x', '1h 30m', 'ms'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined()
    const result = duration.safeParse(text)
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toMatch(/not a duration: write it like 500ms/)
  })

  it('takes a plain number as milliseconds and refuses a negative one', () => {
    expect(duration.parse(250)).toBe(250)
    expect(duration.safeParse(-1).success).toBe(false)
  })

  it('writes durations back compactly', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m')
    expect(formatDuration(500)).toBe('500ms')
    expect(formatDuration(0)).toBe('0s')
  })
})
