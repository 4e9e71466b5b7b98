import { describe, expect, it } from 'vitest'
import { ago, expiry } from './time'

describe('expiry', () => {
  it('counts down in the largest sensible unit', () => {
    expect(expiry(1000 + 42 * 60, 1000)).toBe('expires in 42 min')
    expect(expiry(1000 + 30, 1000)).toBe('expires in 30 s')
    expect(expiry(1000 + 5 * 86400, 1000)).toBe('expires in 5 days')
  })
  it('says how long ago a token expired', () => {
    expect(expiry(1000, 1000 + 3 * 3600)).toBe('expired 3 h ago')
  })
})

describe('ago', () => {
  it('calls the last few seconds "just now"', () => {
    expect(ago(100, 105)).toBe('just now')
    expect(ago(100, 100 + 120)).toBe('2 min ago')
  })
})
