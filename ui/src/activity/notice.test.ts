import { describe, expect, it } from 'vitest'
import type { ActivityEntry } from '../lib/ipc'
import { activityLabels } from './labels'
import { deservesBanner, meansRelink } from './notice'

function entry(kind: ActivityEntry['kind'], detail = 'something'): ActivityEntry {
  return { id: 1, at: 1000, kind, detail, account_id: 2, exchanges: 0 }
}

describe('deservesBanner', () => {
  it('shows what the person did or must act on', () => {
    for (const kind of [
      'account_linked',
      'account_relinked',
      'link_failed',
      'callback_rejected',
      'deep_link_rejected',
      'revocation_pending',
      'revocation_failed',
      'account_revoked',
      'account_forgotten',
      'sandbox_unavailable',
    ] as const) {
      expect(deservesBanner(entry(kind)), kind).toBe(true)
    }
  })

  it('keeps routine background work out of the banner', () => {
    expect(deservesBanner(entry('token_refreshed'))).toBe(false)
    expect(deservesBanner(entry('scopes_checked'))).toBe(false)
    expect(deservesBanner(entry('deep_link_received'))).toBe(false)
  })

  it('shows a failed refresh only when the account needs linking again', () => {
    const relink = entry('refresh_failed', 'Token has been expired or revoked.')
    const missing = entry('refresh_failed', 'its tokens are missing from the keyring (Grantry was interrupted, or they were deleted)')
    const passing = entry('refresh_failed', 'refresh failed: the provider cannot be reached: connection refused')
    const kept = entry('refresh_failed', 'refresh failed: the new tokens were kept, but the ID token is invalid')
    expect(meansRelink(relink)).toBe(true)
    expect(deservesBanner(relink)).toBe(true)
    expect(deservesBanner(missing)).toBe(true)
    expect(deservesBanner(passing)).toBe(false)
    expect(deservesBanner(kept)).toBe(false)
  })

  it('has an answer for every kind of activity', () => {
    for (const kind of Object.keys(activityLabels) as ActivityEntry['kind'][]) {
      expect(typeof deservesBanner(entry(kind)), kind).toBe('boolean')
    }
  })
})
