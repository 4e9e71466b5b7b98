import { describe, expect, it } from 'vitest'
import { NOW, summary as account } from '../account/fixtures'
import { EXPIRING_SECONDS, expiryText, statusOf, statusTurns } from './status'

describe('statusOf', () => {
  it('calls a token with more than ten minutes left valid', () => {
    expect(statusOf(account(), NOW)).toMatchObject({ kind: 'valid', word: 'Valid', tone: 'ok' })
    expect(statusOf(account({ access_expires_at: null }), NOW).kind).toBe('valid')
    expect(statusOf(account({ access_expires_at: NOW + EXPIRING_SECONDS }), NOW).kind).toBe('valid')
  })

  it('calls one that cannot be refreshed, with less than ten minutes left, expiring, and says why', () => {
    const soon = account({ access_expires_at: NOW + EXPIRING_SECONDS - 1, has_refresh_token: false })
    expect(statusOf(soon, NOW)).toMatchObject({ kind: 'expiring', word: 'Expiring', tone: 'warn' })
    expect(statusOf(soon, NOW).reason).toContain('cannot be refreshed')
  })

  it('calls a short-lived token that will be refreshed valid, even just after linking', () => {
    // A ten-minute token, as some providers issue: not "Expiring" the moment it is linked.
    const linked = account({ access_expires_at: NOW + 10 * 60, has_refresh_token: true })
    expect(statusOf(linked, NOW + 1)).toMatchObject({ kind: 'valid', word: 'Valid' })
    expect(statusOf(linked, NOW + 9 * 60).kind).toBe('valid')
    expect(statusTurns(linked)).toEqual([NOW + 10 * 60])
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
    const ada = account({ access_expires_at: NOW + 11 * 60, has_refresh_token: false })
    expect(statusTurns(ada)).toEqual([NOW + 60 + 1, NOW + 11 * 60])
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

  it('names every status in words', () => {
    const word = (over: Parameters<typeof account>[0]) => statusOf(account(over), NOW).word
    expect(word({ access_expires_at: NOW + 3600 })).toBe('Valid')
    expect(word({ access_expires_at: null })).toBe('Valid')
    expect(word({ access_expires_at: NOW + 599, has_refresh_token: false })).toBe('Expiring')
    expect(word({ access_expires_at: NOW + 599 })).toBe('Valid')
    expect(word({ access_expires_at: NOW + 600, has_refresh_token: false })).toBe('Valid')
    expect(word({ access_expires_at: NOW })).toBe('Expired, refresh pending')
    expect(word({ access_expires_at: NOW, has_refresh_token: false })).toBe('Expired')
    expect(word({ status: 'needs_relink' })).toBe('Needs re-link')
    expect(word({ status: 'revocation_pending', access_expires_at: NOW - 5 })).toBe('Revocation pending')
  })
})

describe('expiryText', () => {
  it('counts down, and says when there is no expiry', () => {
    expect(expiryText(account({ access_expires_at: NOW + 42 * 60 }), NOW)).toBe('expires in 42 min')
    expect(expiryText(account({ access_expires_at: NOW - 3 * 3600 }), NOW)).toBe('expired 3 h ago')
    expect(expiryText(account({ access_expires_at: null }), NOW)).toBe('no expiry')
  })
})
