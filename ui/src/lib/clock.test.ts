import { afterEach, describe, expect, it, vi } from 'vitest'
import { LONGEST_WAIT, nextTick, tickAfter, untilWordsChange } from './clock'
import { ago, expiry, relative } from './time'

const words = (at: number, now: number) => [expiry(at, now), ago(at, now), relative(at, now)].join('|')

describe('untilWordsChange', () => {
  it('is never late: the words stay the same until the tick', () => {
    const now = 1_000_000
    const offsets = [
      ...Array.from({ length: 400 }, (_, i) => i * 37 - 7400),
      119,
      120,
      121,
      150,
      3540,
      3599,
      3600,
      3601,
      5399,
      5400,
      172_799,
      172_800,
      200_000,
      -119,
      -120,
      -121,
      -3599,
      -3600,
      -5400,
      -172_800,
      -172_801,
      -1_000_000,
      1_000_000,
    ]
    const late: string[] = []
    for (const offset of offsets) {
      const at = now + offset
      const wait = untilWordsChange(at, now)
      if (wait < 1) late.push(`offset ${offset}: waits ${wait}`)
      const before = words(at, now)
      for (let s = 1; s < wait; s++) {
        if (words(at, now + s) !== before) late.push(`offset ${offset}: changed ${s} s later`)
      }
    }
    expect(late).toEqual([])
  })

  it('sleeps for long stretches far from the time shown', () => {
    const now = 1_000_000
    // "expires in 42 min" reads so for a minute; "expires in 5 h" for an hour.
    expect(untilWordsChange(now + 42 * 60, now)).toBe(31)
    expect(untilWordsChange(now + 5 * 3600, now)).toBe(1801)
    expect(untilWordsChange(now - 5 * 3600, now)).toBe(1800)
    expect(untilWordsChange(now + 90, now)).toBe(1)
  })
})

describe('nextTick', () => {
  it('takes the soonest change, a status turning included, within the longest wait', () => {
    const now = 1_000_000
    expect(nextTick([], [], now)).toBe(LONGEST_WAIT)
    expect(nextTick([now + 5 * 3600], [], now)).toBe(LONGEST_WAIT)
    expect(nextTick([now + 5 * 3600], [now + 42], now)).toBe(42)
    expect(nextTick([now + 42 * 60], [now - 5, now + 600], now)).toBe(31)
  })
})

describe('tickAfter', () => {
  afterEach(() => vi.useRealTimers())

  it('sets the time once the wait has passed, never before, and can be cancelled', () => {
    vi.useFakeTimers({ now: 1_000_000_500 })
    const set = vi.fn()
    tickAfter(1_000_000, 30, set)
    vi.advanceTimersByTime(29_400)
    expect(set).not.toHaveBeenCalled()
    vi.advanceTimersByTime(200)
    expect(set).toHaveBeenCalledWith(1_000_030)
    const cancelled = vi.fn()
    tickAfter(1_000_030, 5, cancelled)()
    vi.advanceTimersByTime(10_000)
    expect(cancelled).not.toHaveBeenCalled()
  })
})
