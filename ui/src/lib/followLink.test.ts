import { describe, expect, it } from 'vitest'
import type { AccountSummary } from './ipc'
import { followLink } from './followLink'
import { answer, emitEvent, fail, holdListen, invoke, listenerCount, settle } from '../test/tauri'

const account: AccountSummary = {
  id: 3,
  provider: 'sandbox',
  environment: 'local',
  subject: 'user-alice',
  display_name: 'Alice Tester',
  email: null,
  picture_url: null,
  access_expires_at: null,
  scope_count: 4,
  status: 'valid',
  status_reason: null,
  has_refresh_token: true,
  failing_refresh: null,
}
const started = { authorization_url: 'http://127.0.0.1:1/authorize', state: 'mine', expires_at: 2e9 }
const denied = { code: 'consent_denied' as const, message: 'consent was denied' }

/** Whether `promise` has settled, after pending work has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  void promise.then(() => (done = true))
  await settle()
  return done
}

describe('followLink', () => {
  it('listens before the link starts, and keeps its end when it comes first', async () => {
    answer('link_status', { status: 'waiting' })
    const start = () => {
      // The listeners are in place already when the link starts.
      expect(listenerCount()).toBe(2)
      emitEvent({ kind: 'link_failed', link: 'another', error: denied })
      emitEvent({ kind: 'link_completed', link: 'mine', account })
      return Promise.resolve(started)
    }
    const link = await followLink(start, new AbortController().signal)
    expect(await link.ended).toEqual({ linked: true, account })
    expect(listenerCount()).toBe(0)
  })

  it('does not start before its listeners are in place', async () => {
    const release = holdListen()
    let startedAt: number | null = null
    const closing = new AbortController()
    const following = followLink(() => {
      startedAt = listenerCount()
      return Promise.resolve(started)
    }, closing.signal)
    await settle()
    expect(startedAt).toBeNull()
    answer('link_status', { status: 'waiting' })
    answer('cancel_link', true)
    await release()
    await following
    expect(startedAt).toBe(2)
    closing.abort()
  })

  it('hears only its own link', async () => {
    answer('link_status', { status: 'waiting' })
    const link = await followLink(() => Promise.resolve(started), new AbortController().signal)
    emitEvent({ kind: 'link_completed', link: 'another', account })
    expect(await settled(link.ended)).toBe(false)
    emitEvent({ kind: 'link_failed', link: 'mine', error: denied })
    expect(await link.ended).toEqual({ linked: false, error: denied })
  })

  it('asks the core how the link stands once it is known', async () => {
    answer('link_status', { status: 'failed', error: denied })
    const link = await followLink(() => Promise.resolve(started), new AbortController().signal)
    expect(await link.ended).toEqual({ linked: false, error: denied })
    expect(invoke).toHaveBeenCalledWith('link_status', { link: 'mine' })
  })

  it('keeps waiting while the core cannot say, and asks again on focus', async () => {
    fail('link_status', { code: 'internal', message: 'no' })
    const link = await followLink(() => Promise.resolve(started), new AbortController().signal)
    expect(await settled(link.ended)).toBe(false)
    answer('link_status', { status: 'linked', account })
    window.dispatchEvent(new Event('focus'))
    expect(await link.ended).toEqual({ linked: true, account })
  })

  it('ends as failed when the core knows no such link', async () => {
    answer('link_status', { status: 'unknown' })
    const link = await followLink(() => Promise.resolve(started), new AbortController().signal)
    const end = await link.ended
    expect(end.linked).toBe(false)
  })

  it('fails as the start fails, and leaves no listener', async () => {
    const start = () => Promise.reject({ code: 'keyring_unavailable', message: 'locked' })
    await expect(followLink(start, new AbortController().signal)).rejects.toEqual({
      code: 'keyring_unavailable',
      message: 'locked',
    })
    expect(listenerCount()).toBe(0)
  })

  it('stops and cancels the link when it is closed', async () => {
    answer('link_status', { status: 'waiting' })
    answer('cancel_link', true)
    const closing = new AbortController()
    const link = await followLink(() => Promise.resolve(started), closing.signal)
    closing.abort()
    await settle()
    expect(invoke).toHaveBeenCalledWith('cancel_link', { link: 'mine' })
    expect(listenerCount()).toBe(0)
    emitEvent({ kind: 'link_completed', link: 'mine', account })
    expect(await settled(link.ended)).toBe(false)
  })

  it('cancels a link that started after its dialog closed', async () => {
    answer('cancel_link', true)
    const closing = new AbortController()
    await followLink(() => {
      closing.abort()
      return Promise.resolve(started)
    }, closing.signal)
    await settle()
    expect(invoke).toHaveBeenCalledWith('cancel_link', { link: 'mine' })
    expect(listenerCount()).toBe(0)
  })
})
