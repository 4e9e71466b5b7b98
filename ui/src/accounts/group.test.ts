import { describe, expect, it } from 'vitest'
import type { AccountSummary } from '../lib/ipc'
import { groupByProvider } from './group'

function account(provider: string, environment: string, name: string | null): AccountSummary {
  return {
    id: Math.random(),
    provider,
    environment,
    subject: 'sub-1',
    display_name: name,
    email: null,
    picture_url: null,
    access_expires_at: null,
    scope_count: 0,
    status: 'valid',
    status_reason: null,
    has_refresh_token: false,
  }
}

describe('groupByProvider', () => {
  it('keeps one group per provider and environment, in list order', () => {
    const groups = groupByProvider([
      account('google', 'production', 'Ann'),
      account('google', 'production', 'Bob'),
      account('google', 'testing', 'Cy'),
      account('sandbox', 'local', 'Di'),
    ])
    expect(groups.map((g) => [g.provider, g.environment, g.accounts.length])).toEqual([
      ['google', 'production', 2],
      ['google', 'testing', 1],
      ['sandbox', 'local', 1],
    ])
  })

  it("names each group after its provider, and says when the provider is gone", () => {
    const accounts = [account('google', 'production', 'Ann'), account('qa', 'staging', 'Bob')]
    const providers = [{ id: 'google', name: 'Google', environments: [] }]
    expect(groupByProvider(accounts, providers).map((g) => g.name)).toEqual(['Google', 'qa (removed provider)'])
    // While the providers are not known, by id, claiming nothing.
    expect(groupByProvider(accounts).map((g) => g.name)).toEqual(['google', 'qa'])
  })
})
