// Where an account stands, in words, from its stored status and its token's expiry at `now`.
// Pure, so the list's chips, its filter, the account header and the tests all read the same answer.
import type { AccountSummary, FailingRefresh } from './ipc'
import { expiry } from './time'

/** What the chip says, as a state the filter can match. */
export type StatusKind =
  'valid' | 'expiring' | 'expired' | 'needs_relink' | 'revocation_pending' | 'revocation_not_effective'

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

/**
 * An access token with less than this left is "Expiring" when it cannot be refreshed, or when
 * its refreshes have been failing.
 */
export const EXPIRING_SECONDS = 10 * 60

/** The statuses in the order the filter offers them, each with its word. */
export const statusWords: Record<StatusKind, string> = {
  valid: 'Valid',
  expiring: 'Expiring',
  expired: 'Expired',
  needs_relink: 'Needs re-link',
  revocation_pending: 'Revocation pending',
  revocation_not_effective: 'Revocation not effective',
}

export function statusOf(account: AccountSummary, now: number): Status {
  const reason = account.status_reason
  if (account.status === 'needs_relink') {
    return { kind: 'needs_relink', word: statusWords.needs_relink, tone: 'danger', reason }
  }
  if (account.status === 'revocation_pending') {
    return { kind: 'revocation_pending', word: statusWords.revocation_pending, tone: 'pending', reason }
  }
  if (account.status === 'revocation_not_effective') {
    const word = statusWords.revocation_not_effective
    return { kind: 'revocation_not_effective', word, tone: 'danger', reason }
  }
  const failing = account.failing_refresh
  const at = account.access_expires_at
  if (at !== null && at <= now) {
    // Refreshes that keep failing will not mend it by themselves: say so, and why.
    if (failing) {
      return { kind: 'expired', word: statusWords.expired, tone: 'warn', reason: failingReason(failing, now) }
    }
    // With a refresh token the background refresh mends it; without one only a new link does.
    const word = account.has_refresh_token ? 'Expired, refresh pending' : statusWords.expired
    return { kind: 'expired', word, tone: 'neutral', reason }
  }
  // A short-lived token that will be refreshed in time is nothing to worry about: only one
  // that will lapse with nothing to renew it, or whose refreshes keep failing, is "Expiring",
  // and the chip says why.
  if (at !== null && at - now < EXPIRING_SECONDS && (failing || !account.has_refresh_token)) {
    const why = failing
      ? failingReason(failing, now)
      : (reason ?? 'It cannot be refreshed: link the account again before it lapses.')
    return { kind: 'expiring', word: statusWords.expiring, tone: 'warn', reason: why }
  }
  return { kind: 'valid', word: statusWords.valid, tone: 'ok', reason }
}

/** "Refreshing has failed 3 times since 14:05: <the last error>", at `now`. */
export function failingReason(failing: FailingRefresh, now: number): string {
  const times = failing.failures === 1 ? 'once' : `${failing.failures} times`
  return `Refreshing has failed ${times} since ${clockTime(failing.since, now)}: ${failing.last_error}`
}

/** "14:05" on the day of `now`, "2026-03-01 14:05" on another (local time, 24-hour clock). */
function clockTime(at: number, now: number): string {
  const when = new Date(at * 1000)
  const two = (n: number) => String(n).padStart(2, '0')
  const time = `${two(when.getHours())}:${two(when.getMinutes())}`
  const day = (d: Date) => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`
  return day(when) === day(new Date(now * 1000)) ? time : `${day(when)} ${time}`
}

/** The moments at which `statusOf(account, now)` turns: Expiring (if it can), then Expired. */
export function statusTurns(account: AccountSummary): number[] {
  const at = account.access_expires_at
  if (at === null) return []
  return account.has_refresh_token && !account.failing_refresh ? [at] : [at - EXPIRING_SECONDS + 1, at]
}

/** "expires in 42 min", "expired 3 h ago" or "no expiry". */
export function expiryText(account: AccountSummary, now: number): string {
  return account.access_expires_at === null ? 'no expiry' : expiry(account.access_expires_at, now)
}
