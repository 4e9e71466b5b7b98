import { describe, expect, it } from 'vitest'
import type { AccountSummary } from '../lib/ipc'
import { filterAccounts, isFiltering, matches } from './filter'

const NOW = 1_000_000

function account(over: Partial<AccountSummary> = {}): AccountSummary {
  return {
    id: 1,
    provider: 'sandbox',
    environment: 'local',
    subject: 'u-ada',
    display_name: 'Ada Lovelace',
    email: 'ada@example.test',
    picture_url: null,
    access_expires_at: NOW + 3600,
    scope_count: 3,
    status: 'valid',
    status_reason: null,
    has_refresh_token: true,
    failing_refresh: null,
    ...over,
  }
}

describe('filter', () => {
  const ada = account()
  const bob = account({
    id: 2,
    provider: 'google',
    environment: 'production',
    subject: '1093',
    display_name: null,
    email: 'bob@corp.example',
    status: 'needs_relink',
  })
  const cy = account({ id: 3, display_name: 'Cy', email: null, access_expires_at: NOW + 60, has_refresh_token: false })

  it('matches name, email, provider and subject, ignoring case, every word', () => {
    const pick = (text: string) => filterAccounts([ada, bob, cy], { text, status: null }, NOW).map((a) => a.id)
    expect(pick('')).toEqual([1, 2, 3])
    expect(pick('LOVELACE')).toEqual([1])
    expect(pick('corp.example')).toEqual([2])
    expect(pick('google')).toEqual([2])
    expect(pick('1093')).toEqual([2])
    expect(pick('sandbox cy')).toEqual([3])
    expect(pick('nobody')).toEqual([])
  })

  it('matches the name the provider is shown by, too', () => {
    const providers = [{ id: 'google', name: 'Google Workspace', environments: [] }]
    const pick = (text: string) => filterAccounts([ada, bob, cy], { text, status: null }, NOW, providers).map((a) => a.id)
    expect(pick('workspace')).toEqual([2])
    expect(pick('google')).toEqual([2])
  })

  it('matches the status as the chip shows it now', () => {
    expect(matches(cy, { text: '', status: 'expiring' }, NOW)).toBe(true)
    expect(matches(cy, { text: '', status: 'expiring' }, NOW + 120)).toBe(false)
    expect(matches(cy, { text: '', status: 'expired' }, NOW + 120)).toBe(true)
    expect(filterAccounts([ada, bob, cy], { text: '', status: 'needs_relink' }, NOW)).toEqual([bob])
  })

  it('knows when it filters anything', () => {
    expect(isFiltering({ text: '  ', status: null })).toBe(false)
    expect(isFiltering({ text: 'a', status: null })).toBe(true)
    expect(isFiltering({ text: '', status: 'valid' })).toBe(true)
  })
})
