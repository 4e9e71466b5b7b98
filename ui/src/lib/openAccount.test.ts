import { describe, expect, it, vi } from 'vitest'
import { holdListen, listen, listenerCount, settle } from '../test/tauri'
import { OPEN_ACCOUNT_EVENT, onOpenAccountRequest } from './openAccount'

/** Sends what the Rust side emits on `open_account` to every listener of it. */
function request(payload: unknown) {
  for (const [channel, handler] of listen.mock.calls) {
    if (channel === OPEN_ACCOUNT_EVENT) handler({ event: channel, id: 1, payload })
  }
}

describe('onOpenAccountRequest', () => {
  it('hands over the account id a notification asks to open', async () => {
    const handler = vi.fn()
    const stop = onOpenAccountRequest(handler)
    await settle()
    expect(listenerCount(OPEN_ACCOUNT_EVENT)).toBe(1)
    request(4)
    expect(handler).toHaveBeenCalledWith(4)
    request('4')
    request(null)
    expect(handler).toHaveBeenCalledOnce()
    stop()
    await settle()
    expect(listenerCount(OPEN_ACCOUNT_EVENT)).toBe(0)
    request(5)
    expect(handler).toHaveBeenCalledOnce()
  })

  it('removes a listener that arrives after it was stopped', async () => {
    const release = holdListen()
    const stop = onOpenAccountRequest(() => {})
    stop()
    await release()
    await settle()
    expect(listenerCount()).toBe(0)
  })
})
