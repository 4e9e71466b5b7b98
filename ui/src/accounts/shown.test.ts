import { afterEach, describe, expect, it, vi } from 'vitest'
import { answer, invoke, settle } from '../test/tauri'
import { forgetListShown, tellListShown } from './shown'

const shownCalls = () => invoke.mock.calls.filter(([command]) => command === 'accounts_shown')

describe('tellListShown', () => {
  afterEach(() => {
    forgetListShown()
    vi.useRealTimers()
  })

  it('tells the app once, after two frames, how long fetching and painting took', async () => {
    answer('accounts_shown', null)
    const frames: FrameRequestCallback[] = []
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => {
      frames.push(callback)
      return frames.length
    })
    vi.spyOn(performance, 'now').mockReturnValue(130)
    tellListShown(3, 100, 110)
    tellListShown(4, 200, 210)
    expect(shownCalls()).toHaveLength(0)
    frames.shift()!(0)
    expect(shownCalls()).toHaveLength(0)
    frames.shift()!(0)
    await settle()
    expect(frames).toHaveLength(0)
    expect(shownCalls()).toEqual([['accounts_shown', { accounts: 3, ipcMs: 10, renderMs: 20 }]])
    vi.restoreAllMocks()
  })
})
