import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ActivityEntry } from './bindings/ActivityEntry'
import { emitEvent, holdListen, listen, listenerCount, settle } from '../test/tauri'
import { subscribe, toIpcError } from './ipc'

describe('toIpcError', () => {
  it('keeps an error the Rust side sent as it is', () => {
    const sent = { code: 'schema_too_new', message: 'update Grantry' }
    expect(toIpcError(sent)).toEqual(sent)
  })
  it('turns anything else into an internal error with its text', () => {
    expect(toIpcError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' })
    expect(toIpcError('plain text')).toEqual({ code: 'internal', message: 'plain text' })
  })
})

describe('subscribe', () => {
  const entry: ActivityEntry = {
    id: 7,
    at: 1000,
    kind: 'account_linked',
    detail: 'sandbox/local ada@example.test',
    account_id: 1,
    exchanges: 0,
  }
  const stops: (() => void)[] = []
  afterEach(() => stops.splice(0).forEach((stop) => stop()))

  it('listens on the one event channel and hands each handler only its kind', async () => {
    const accounts = vi.fn()
    const activity = vi.fn()
    stops.push(subscribe('accounts_changed', accounts), subscribe('activity_recorded', activity))
    await settle()
    expect(listen).toHaveBeenCalledWith('grantry://event', expect.any(Function))

    emitEvent({ kind: 'sandbox_changed' })
    expect(accounts).not.toHaveBeenCalled()
    expect(activity).not.toHaveBeenCalled()

    emitEvent({ kind: 'accounts_changed' })
    expect(accounts).toHaveBeenCalledTimes(1)
    expect(activity).not.toHaveBeenCalled()

    emitEvent({ kind: 'activity_recorded', entry })
    expect(activity).toHaveBeenCalledExactlyOnceWith({ kind: 'activity_recorded', entry })
    expect(accounts).toHaveBeenCalledTimes(1)
  })

  it('stops, and removes its listener, once the listener is in place', async () => {
    const handler = vi.fn()
    const stop = subscribe('accounts_changed', handler)
    await settle()
    expect(listenerCount()).toBe(1)

    stop()
    await settle()
    expect(listenerCount()).toBe(0)
    emitEvent({ kind: 'accounts_changed' })
    expect(handler).not.toHaveBeenCalled()
    stop()
  })

  it('stops before the listener is in place, and removes it when it arrives', async () => {
    const release = holdListen()
    const handler = vi.fn()
    const stop = subscribe('sandbox_changed', handler)
    stop()
    await release()
    expect(listenerCount()).toBe(0)
    emitEvent({ kind: 'sandbox_changed' })
    expect(handler).not.toHaveBeenCalled()
  })

  it('delivers nothing between stop and the removal of the listener', async () => {
    const release = holdListen()
    const handler = vi.fn()
    const stop = subscribe('accounts_changed', handler)
    // The listener arrives, but its removal is still on its way when the event comes in.
    await release()
    stop()
    emitEvent({ kind: 'accounts_changed' })
    expect(handler).not.toHaveBeenCalled()
    await settle()
    expect(listenerCount()).toBe(0)
  })

  it('reports a listener Tauri refused instead of failing unhandled', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    listen.mockRejectedValueOnce(new Error('no window'))
    const stop = subscribe('accounts_changed', () => {})
    await settle()
    expect(logged).toHaveBeenCalledWith('cannot listen for accounts_changed events', expect.any(Error))
    stop()
    await settle()
    logged.mockRestore()
  })
})
