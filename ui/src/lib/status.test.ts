import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
    expect(statusOf(account({ status: 'needs_relink', status_reason: reason, access_expires_at: NOW - 1 }), NOW)).toEqual({
      kind: 'needs_relink',
      word: 'Needs re-link',
      tone: 'danger',
      reason,
    })
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

describe('statusOf, when refreshes keep failing', () => {
  // Times in the reason are local: pin the zone so the test reads the same everywhere.
  const zone = process.env.TZ
  beforeAll(() => {
    process.env.TZ = 'UTC'
  })
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ
    else process.env.TZ = zone
  })

  // NOW is 22:13:20 UTC; the first failure was 25 minutes before.
  const failing = { failures: 3, since: NOW - 25 * 60, last_error: 'sandbox: the provider could not be reached' }
  const why = 'Refreshing has failed 3 times since 21:48: sandbox: the provider could not be reached'

  it('calls a token with less than ten minutes left expiring, though it has a refresh token, and says why', () => {
    const soon = account({ access_expires_at: NOW + 5 * 60, failing_refresh: failing })
    expect(statusOf(soon, NOW)).toEqual({ kind: 'expiring', word: 'Expiring', tone: 'warn', reason: why })
  })

  it('calls it expired once it has lapsed, not "refresh pending"', () => {
    const lapsed = account({ access_expires_at: NOW - 60, failing_refresh: failing })
    expect(statusOf(lapsed, NOW)).toEqual({ kind: 'expired', word: 'Expired', tone: 'warn', reason: why })
  })

  it('leaves a token with time to spare, or with no expiry, valid', () => {
    expect(statusOf(account({ access_expires_at: NOW + EXPIRING_SECONDS, failing_refresh: failing }), NOW).kind).toBe('valid')
    expect(statusOf(account({ access_expires_at: null, failing_refresh: failing }), NOW).kind).toBe('valid')
  })

  it('prefers it to "cannot be refreshed" for a provider that renews its own way', () => {
    const renewing = account({ access_expires_at: NOW + 60, has_refresh_token: false, failing_refresh: failing })
    expect(statusOf(renewing, NOW).reason).toBe(why)
  })

  it('says "once", and the date when the first failure was on another day', () => {
    const once = { ...failing, failures: 1 }
    expect(statusOf(account({ access_expires_at: NOW + 60, failing_refresh: once }), NOW).reason).toBe(
      'Refreshing has failed once since 21:48: sandbox: the provider could not be reached',
    )
    const yesterday = { ...failing, since: NOW - 24 * 3600 }
    expect(statusOf(account({ access_expires_at: NOW + 60, failing_refresh: yesterday }), NOW).reason).toContain('since 2023-11-13 22:13:')
  })

  it('turns expiring ten minutes before expiry, like a token that cannot be refreshed', () => {
    const soon = account({ access_expires_at: NOW + 11 * 60, failing_refresh: failing })
    expect(statusTurns(soon)).toEqual([NOW + 60 + 1, NOW + 11 * 60])
  })

  it('gives way to what the core says: needs re-link', () => {
    const gone = account({ status: 'needs_relink', status_reason: 'invalid_grant', failing_refresh: failing })
    expect(statusOf(gone, NOW)).toMatchObject({ kind: 'needs_relink', reason: 'invalid_grant' })
  })
})

describe('expiryText', () => {
  it('counts down, and says when there is no expiry', () => {
    expect(expiryText(account({ access_expires_at: NOW + 42 * 60 }), NOW)).toBe('expires in 42 min')
    expect(expiryText(account({ access_expires_at: NOW - 3 * 3600 }), NOW)).toBe('expired 3 h ago')
    expect(expiryText(account({ access_expires_at: null }), NOW)).toBe('no expiry')
  })
})
