import { describe, expect, it, vi } from 'vitest'
import { answer, emitEvent, fail, invoke, listenerCount, settle } from '../test/tauri'
import type { ProviderOption } from './ipc'
import { followProviders, providerLabel } from './provider'

const providers: ProviderOption[] = [
  { id: 'sandbox', name: 'Grantry Sandbox', environments: [] },
  { id: 'qa', name: 'QA Keycloak', environments: [] },
]

describe('providerLabel', () => {
  it('names a configured provider by its name', () => {
    expect(providerLabel('qa', providers)).toBe('QA Keycloak')
  })

  it('says a provider is removed only when the providers are known', () => {
    expect(providerLabel('corp', providers)).toBe('corp (removed provider)')
    expect(providerLabel('corp', [])).toBe('corp (removed provider)')
    expect(providerLabel('corp', null)).toBe('corp')
    expect(providerLabel('qa', null)).toBe('qa')
  })
})

describe('followProviders', () => {
  it('lists the providers, again when they change, and null when they cannot be listed', async () => {
    const set = vi.fn()
    answer('list_providers', providers)
    const stop = followProviders(set)
    await settle()
    expect(set).toHaveBeenLastCalledWith(providers)

    answer('list_providers', providers.slice(0, 1))
    emitEvent({ kind: 'accounts_changed' })
    await settle()
    expect(set).toHaveBeenCalledTimes(1)
    emitEvent({ kind: 'providers_changed' })
    await settle()
    expect(set).toHaveBeenLastCalledWith(providers.slice(0, 1))

    fail('list_providers', { code: 'storage', message: 'locked' })
    emitEvent({ kind: 'providers_changed' })
    await settle()
    expect(set).toHaveBeenLastCalledWith(null)
    stop()
  })

  it('drops an answer that arrives once stopped, and leaves no listener', async () => {
    const set = vi.fn()
    let reply!: (list: ProviderOption[]) => void
    answer('list_providers', () => new Promise((resolve) => (reply = resolve)))
    const stop = followProviders(set)
    await settle()
    expect(invoke).toHaveBeenCalledWith('list_providers', undefined)
    stop()
    reply(providers)
    await settle()
    expect(set).not.toHaveBeenCalled()
    expect(listenerCount()).toBe(0)
  })

  it('keeps only the latest of overlapping answers', async () => {
    const set = vi.fn()
    const replies: ((list: ProviderOption[]) => void)[] = []
    answer('list_providers', () => new Promise((resolve) => replies.push(resolve)))
    const stop = followProviders(set)
    await settle()
    emitEvent({ kind: 'providers_changed' })
    await settle()
    replies[1]!(providers.slice(0, 1))
    replies[0]!(providers)
    await settle()
    expect(set).toHaveBeenCalledExactlyOnceWith(providers.slice(0, 1))
    stop()
  })
})
