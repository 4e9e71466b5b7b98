import { describe, expect, it } from 'vitest'
import { moveTo } from './keyboard'

describe('moveTo', () => {
  it('moves one row with the arrows, stopping at the ends', () => {
    expect(moveTo('ArrowDown', 0, 3)).toBe(1)
    expect(moveTo('ArrowDown', 2, 3)).toBe(2)
    expect(moveTo('ArrowUp', 2, 3)).toBe(1)
    expect(moveTo('ArrowUp', 0, 3)).toBe(0)
  })

  it('jumps to the first and last row with Home and End', () => {
    expect(moveTo('Home', 2, 3)).toBe(0)
    expect(moveTo('End', 0, 3)).toBe(2)
  })

  it('leaves other keys and empty lists alone', () => {
    expect(moveTo('a', 1, 3)).toBeNull()
    expect(moveTo('ArrowDown', 0, 0)).toBeNull()
  })
})
