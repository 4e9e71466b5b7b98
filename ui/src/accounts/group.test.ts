import { describe, expect, it } from 'vitest'
import type { AccountSummary } from '../lib/ipc'
import { firstRows, groupByProvider } from './group'

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
    failing_refresh: null,
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

  it('names each group after its provider, and says when the provider is gone', () => {
    const accounts = [account('google', 'production', 'Ann'), account('qa', 'staging', 'Bob')]
    const providers = [{ id: 'google', name: 'Google', environments: [] }]
    expect(groupByProvider(accounts, providers).map((g) => g.name)).toEqual(['Google', 'qa (removed provider)'])
    // While the providers are not known, by id, claiming nothing.
    expect(groupByProvider(accounts).map((g) => g.name)).toEqual(['google', 'qa'])
  })
})

describe('firstRows', () => {
  const groups = groupByProvider([
    account('google', 'production', 'Ann'),
    account('google', 'production', 'Bob'),
    account('sandbox', 'local', 'Cy'),
    account('sandbox', 'local', 'Di'),
  ])
  const names = (cut: ReturnType<typeof firstRows>) => cut.map((g) => `${g.provider}: ${g.accounts.map((a) => a.display_name).join(' ')}`)

  it('keeps the first rows in screen order, across groups', () => {
    expect(names(firstRows(groups, 1))).toEqual(['google: Ann'])
    expect(names(firstRows(groups, 3))).toEqual(['google: Ann Bob', 'sandbox: Cy'])
    expect(names(firstRows(groups, 4))).toEqual(['google: Ann Bob', 'sandbox: Cy Di'])
    expect(names(firstRows(groups, 50))).toEqual(['google: Ann Bob', 'sandbox: Cy Di'])
    expect(firstRows(groups, 0)).toEqual([])
  })

  it('leaves the groups it was given as they were', () => {
    firstRows(groups, 1)
    expect(groups[0]!.accounts).toHaveLength(2)
  })
})
