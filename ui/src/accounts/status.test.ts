import { describe, expect, it } from 'vitest'
import type { AccountSummary } from '../lib/ipc'
import { EXPIRING_SECONDS, expiryText, filterAccounts, isFiltering, matches, statusOf } from './status'

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
    ...over,
  }
}

describe('statusOf', () => {
  it('calls a token with more than ten minutes left valid', () => {
    expect(statusOf(account(), NOW)).toMatchObject({ kind: 'valid', word: 'Valid', tone: 'ok' })
    expect(statusOf(account({ access_expires_at: null }), NOW).kind).toBe('valid')
    expect(statusOf(account({ access_expires_at: NOW + EXPIRING_SECONDS }), NOW).kind).toBe('valid')
  })

  it('calls one with less than ten minutes left expiring', () => {
    const soon = account({ access_expires_at: NOW + EXPIRING_SECONDS - 1 })
    expect(statusOf(soon, NOW)).toMatchObject({ kind: 'expiring', word: 'Expiring', tone: 'warn' })
  })

  it('calls one past its expiry expired, saying whether a refresh will mend it', () => {
    expect(statusOf(account({ access_expires_at: NOW }), NOW)).toMatchObject({
      kind: 'expired',
      word: 'Expired, refresh pending',
    })
    expect(statusOf(account({ access_expires_at: NOW - 60, has_refresh_token: false }), NOW)).toMatchObject({
      kind: 'expired',
      word: 'Expired',
    })
  })

  it('moves from valid to expiring to expired as the clock runs', () => {
    const ada = account({ access_expires_at: NOW + 11 * 60 })
    expect(statusOf(ada, NOW).kind).toBe('valid')
    expect(statusOf(ada, NOW + 2 * 60).kind).toBe('expiring')
    expect(statusOf(ada, NOW + 11 * 60).kind).toBe('expired')
  })

  it('puts what the core says first, with its reason, whatever the expiry', () => {
    const reason = 'Token has been expired or revoked.'
    expect(
      statusOf(account({ status: 'needs_relink', status_reason: reason, access_expires_at: NOW - 1 }), NOW),
    ).toEqual({ kind: 'needs_relink', word: 'Needs re-link', tone: 'danger', reason })
    expect(statusOf(account({ status: 'revocation_pending' }), NOW)).toMatchObject({
      kind: 'revocation_pending',
      word: 'Revocation pending',
    })
  })
})

describe('expiryText', () => {
  it('counts down, and says when there is no expiry', () => {
    expect(expiryText(account({ access_expires_at: NOW + 42 * 60 }), NOW)).toBe('expires in 42 min')
    expect(expiryText(account({ access_expires_at: NOW - 3 * 3600 }), NOW)).toBe('expired 3 h ago')
    expect(expiryText(account({ access_expires_at: null }), NOW)).toBe('no expiry')
  })
})

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
  const cy = account({ id: 3, display_name: 'Cy', email: null, access_expires_at: NOW + 60 })

  it('matches name, email, provider and subject, ignoring case, every word', () => {
    const pick = (text: string) =>
      filterAccounts([ada, bob, cy], { text, status: null }, NOW).map((a) => a.id)
    expect(pick('')).toEqual([1, 2, 3])
    expect(pick('LOVELACE')).toEqual([1])
    expect(pick('corp.example')).toEqual([2])
    expect(pick('google')).toEqual([2])
    expect(pick('1093')).toEqual([2])
    expect(pick('sandbox cy')).toEqual([3])
    expect(pick('nobody')).toEqual([])
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
