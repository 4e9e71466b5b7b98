// Which activity deserves the banner at the top of the window: what the person did, or must act
// on. Routine background work (refreshes, scope checks, links arriving) stays in the Activity
// screen.
import type { ActivityEntry } from '../lib/ipc'

/**
 * Whether a `refresh_failed` entry means the account needs linking again. The core records a
 * passing failure (the provider unreachable, a timeout) as "refresh failed: …" and retries it;
 * when the account is marked "needs re-link" it records the reason itself.
 */
export function meansRelink(entry: ActivityEntry): boolean {
  return entry.kind === 'refresh_failed' && !/^refresh failed\b/i.test(entry.detail.trim())
}

export function deservesBanner(entry: ActivityEntry): boolean {
  switch (entry.kind) {
    case 'account_linked':
    case 'account_relinked':
    case 'link_failed':
    case 'callback_rejected':
    case 'deep_link_rejected':
    case 'revocation_pending':
    case 'revocation_failed':
    case 'revocation_not_effective':
    case 'grant_ending_soon':
    case 'account_revoked':
    case 'account_forgotten':
    case 'scope_revoked':
    case 'sandbox_unavailable':
      return true
    case 'refresh_failed':
      return meansRelink(entry)
    case 'token_refreshed':
    case 'scopes_checked':
    case 'deep_link_received':
    // The Inspector's own actions: the person sees their outcome where they acted.
    case 'access_token_revealed':
    case 'access_token_copied':
    case 'access_token_expired':
    // Every use of a token by a program: the history keeps them, a notice each would drown.
    case 'token_handed_out':
    case 'token_refused':
    case 'program_allowed':
    case 'program_removed':
    // A tester's token exchanges: seen where they were made (the Inspector, the terminal).
    case 'token_exchanged':
    case 'token_exchange_failed':
    case 'exchanged_token_saved':
      return false
  }
}
