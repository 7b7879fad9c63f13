import { describe, expect, it } from 'vitest'
import { Clock } from '../../src/core/clock.js'
import { FakeTime } from '../support/fake-time.js'

const START = Date.parse('2026-01-14T16:00:00+05:00')

describe('virtual clock', () => {
  it('starts at the scenario time and runs with real time', () => {
    const real = new FakeTime()
    const clock = new Clock(real, { start: START })
    expect(clock.now()).toBe(START)
    real.tick(1_500)
    expect(clock.now()).toBe(START + 1_500)
  })

  it('stands still while frozen and continues from there when unfrozen', () => {
    const real = new FakeTime()
    const clock = new Clock(real, { start: START, frozen: true })
    real.tick(10_000)
    expect(clock.now()).toBe(START)
    clock.freeze(false)
    real.tick(2_000)
    expect(clock.now()).toBe(START + 2_000)
    clock.freeze(true)
    real.tick(2_000)
    expect(clock.now()).toBe(START + 2_000)
  })

  it('advance fires due timers in time order, each seeing its own due time', async () => {
    const clock = new Clock(new FakeTime(), { start: START, frozen: true })
    const seen: [string, number][] = []
    clock.at(START + 3_000, () => seen.push(['c', clock.now()]))
    clock.at(START + 1_000, () => seen.push(['a', clock.now()]))
    clock.at(START + 2_000, () => seen.push(['b1', clock.now()]))
    clock.at(START + 2_000, () => seen.push(['b2', clock.now()]))
    clock.at(START + 9_000, () => seen.push(['late', clock.now()]))
    await clock.advance(5_000)
    expect(seen).toEqual([
      ['a', START + 1_000],
      ['b1', START + 2_000],
      ['b2', START + 2_000],
      ['c', START + 3_000],
    ])
    expect(clock.now()).toBe(START + 5_000)
    expect(clock.pending()).toEqual([{ due: START + 9_000, label: 'timer' }])
  })

  it('runs a timer scheduled by a timer inside the same advance (a retry 5 s after a failure)', async () => {
    const clock = new Clock(new FakeTime(), { start: START, frozen: true })
    const seen: number[] = []
    clock.after(1_000, () => {
      seen.push(clock.now())
      clock.after(5_000, () => seen.push(clock.now()))
    })
    await clock.advance(4_000)
    expect(seen).toEqual([START + 1_000])
    await clock.advance(2_000)
    expect(seen).toEqual([START + 1_000, START + 6_000])
  })

  it('set jumps forward running timers on the way, and backward running none', async () => {
    const clock = new Clock(new FakeTime(), { start: START, frozen: true })
    let fired = 0
    clock.at(START + 60_000, () => fired++)
    await clock.set(START - 3_600_000)
    expect(clock.now()).toBe(START - 3_600_000)
    expect(fired).toBe(0)
    await clock.set(START + 120_000)
    expect(fired).toBe(1)
  })

  it('fires timers in real time while running, and not while frozen', async () => {
    const real = new FakeTime()
    const clock = new Clock(real, { start: START })
    let fired = 0
    clock.after(1_000, () => fired++)
    real.tick(999)
    await clock.idle()
    expect(fired).toBe(0)
    real.tick(1)
    await clock.idle()
    expect(fired).toBe(1)

    clock.freeze(true)
    clock.after(1_000, () => fired++)
    real.tick(5_000)
    await clock.idle()
    expect(fired).toBe(1)
    clock.freeze(false)
    real.tick(1_000)
    await clock.idle()
    expect(fired).toBe(2)
  })

  it('a cancelled timer never fires, a failing one does not stop the others', async () => {
    const errors: string[] = []
    const clock = new Clock(new FakeTime(), { start: START, frozen: true, onTimerError: (e, label) => errors.push(`${label}: ${(e as Error).message}`) })
    let fired = 0
    clock.after(1_000, () => fired++).cancel()
    clock.after(2_000, () => { throw new Error('nope') }, 'bad')
    clock.after(3_000, () => fired++)
    await clock.advance(10_000)
    expect(fired).toBe(1)
    expect(errors).toEqual(['bad: nope'])
  })

  it('dispose drops pending timers and the real timer', () => {
    const real = new FakeTime()
    const clock = new Clock(real, { start: START })
    clock.after(1_000, () => undefined)
    expect(real.scheduled).toBe(1)
    clock.dispose()
    expect(real.scheduled).toBe(0)
    expect(clock.pending()).toEqual([])
  })
})
