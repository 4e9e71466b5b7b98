import { describe, expect, it } from 'vitest'
import { countdown, preciseSpan } from './duration'

describe('countdown', () => {
  it('counts down to the second', () => {
    expect(countdown(1000 + 252, 1000)).toBe('expires in 4 min 12 s')
    expect(countdown(1000 + 9, 1000)).toBe('expires in 9 s')
    expect(countdown(1000 + 3900, 1000)).toBe('expires in 1 h 5 min')
  })

  it('says how long ago it expired, and when there is no expiry', () => {
    expect(countdown(1000, 1000 + 185)).toBe('expired 3 min ago')
    expect(countdown(1000, 1000)).toBe('expired 0 s ago')
    expect(countdown(null, 1000)).toBe('no expiry given')
  })

  it('turns coarse past two days', () => {
    expect(preciseSpan(86400 * 3 + 5)).toBe('3 days')
  })
})
