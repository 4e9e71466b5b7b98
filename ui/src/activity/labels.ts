import type { ActivityEntry } from '../lib/ipc'

/** What each kind of activity is called on screen. */
export const activityLabels: Record<ActivityEntry['kind'], string> = {
  deep_link_received: 'Link received',
  deep_link_rejected: 'Link refused',
  sandbox_unavailable: 'Sandbox not started',
  account_linked: 'Account linked',
  account_relinked: 'Account linked again',
  link_failed: 'Link failed',
  callback_rejected: 'Sign-in response refused',
  token_refreshed: 'Tokens refreshed',
  refresh_failed: 'Refresh failed',
  account_revoked: 'Access revoked',
  revocation_pending: 'Revocation pending',
  revocation_not_effective: 'Revocation not effective',
  grant_ending_soon: 'Access ends soon',
  revocation_failed: 'Revocation failed',
  account_forgotten: 'Account forgotten',
  scopes_checked: 'Scopes checked',
  scope_revoked: 'Permission taken back',
  access_token_revealed: 'Access token shown',
  access_token_copied: 'Access token copied',
  access_token_expired: 'Access token expired by hand',
  token_handed_out: 'Token handed out',
  token_refused: 'Token refused to a program',
  program_allowed: 'Program always allowed',
  program_removed: 'Program must ask again',
  token_exchanged: 'Token exchanged',
  token_exchange_failed: 'Token exchange failed',
  exchanged_token_saved: 'Exchanged token saved',
}

/** Whether an entry reports a problem the person should notice. */
export function isProblem(entry: ActivityEntry): boolean {
  const fine: ActivityEntry['kind'][] = [
    'deep_link_received',
    'account_linked',
    'account_relinked',
    'token_refreshed',
    'account_revoked',
    'account_forgotten',
    'scopes_checked',
    'scope_revoked',
    'access_token_revealed',
    'access_token_copied',
    'access_token_expired',
    'token_handed_out',
    'program_allowed',
    'program_removed',
    'token_exchanged',
    'exchanged_token_saved',
  ]
  return !fine.includes(entry.kind)
}
