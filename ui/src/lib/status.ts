// Where an account stands, in words, from its stored status and its token's expiry at `now`.
// Pure, so the list's chips, its filter, the account header and the tests all read the same answer.
import type { AccountSummary } from './ipc'
import { expiry } from './time'

/** What the chip says, as a state the filter can match. */
export type StatusKind = 'valid' | 'expiring' | 'expired' | 'needs_relink' | 'revocation_pending'

/** The chip's colour, which only repeats what its word says. */
export type Tone = 'ok' | 'warn' | 'neutral' | 'danger' | 'pending'

export interface Status {
  kind: StatusKind
  /** Always shown: never colour alone. */
  word: string
  tone: Tone
  /** Why the account needs attention, when the core says. */
  reason: string | null
}

/** An access token that cannot be refreshed with less than this left is "Expiring". */
export const EXPIRING_SECONDS = 10 * 60

/** The statuses in the order the filter offers them, each with its word. */
export const statusWords: Record<StatusKind, string> = {
  valid: 'Valid',
  expiring: 'Expiring',
  expired: 'Expired',
  needs_relink: 'Needs re-link',
  revocation_pending: 'Revocation pending',
}

export function statusOf(account: AccountSummary, now: number): Status {
  const reason = account.status_reason
  if (account.status === 'needs_relink') {
    return { kind: 'needs_relink', word: statusWords.needs_relink, tone: 'danger', reason }
  }
  if (account.status === 'revocation_pending') {
    return { kind: 'revocation_pending', word: statusWords.revocation_pending, tone: 'pending', reason }
  }
  const at = account.access_expires_at
  if (at !== null && at <= now) {
    // With a refresh token the background refresh mends it; without one only a new link does.
    const word = account.has_refresh_token ? 'Expired, refresh pending' : statusWords.expired
    return { kind: 'expired', word, tone: 'neutral', reason }
  }
  // A short-lived token that will be refreshed in time is nothing to worry about: only one
  // that will lapse with nothing to renew it is "Expiring", and the chip says why.
  if (at !== null && at - now < EXPIRING_SECONDS && !account.has_refresh_token) {
    const why = reason ?? 'It cannot be refreshed: link the account again before it lapses.'
    return { kind: 'expiring', word: statusWords.expiring, tone: 'warn', reason: why }
  }
  return { kind: 'valid', word: statusWords.valid, tone: 'ok', reason }
}

/** The moments at which `statusOf(account, now)` turns: Expiring (if it can), then Expired. */
export function statusTurns(account: AccountSummary): number[] {
  const at = account.access_expires_at
  if (at === null) return []
  return account.has_refresh_token ? [at] : [at - EXPIRING_SECONDS + 1, at]
}

/** "expires in 42 min", "expired 3 h ago" or "no expiry". */
export function expiryText(account: AccountSummary, now: number): string {
  return account.access_expires_at === null ? 'no expiry' : expiry(account.access_expires_at, now)
}
