// What the account screen calls things: every status is said in words, so nothing on it is
// told by colour alone, and the engine's identifiers never reach the person.
import type { ScopeChange } from '../lib/ipc'

export const scopeStatusWords: Record<ScopeChange['after'], string> = {
  granted: 'Granted',
  declined: 'Declined',
  not_granted: 'Requested but not granted',
}

const sourceWords: Record<string, string> = {
  token_response: 'Token response',
  introspection: 'Introspection',
  requested: 'As requested (provider did not list scopes)',
  tokeninfo: 'Google tokeninfo',
  permissions: '/me/permissions',
  token_info: 'GitLab token info',
}

/** Where a scope's answer came from; a source this version does not know is shown as is. */
export function sourceWord(source: string): string {
  return sourceWords[source] ?? source
}

/** "email: Granted → Requested but not granted". */
export function changeSentence(change: ScopeChange): string {
  const before = change.before === null ? 'Not listed' : scopeStatusWords[change.before]
  return `${change.scope}: ${before} → ${scopeStatusWords[change.after]}`
}

/** A scope is one word: providers separate scopes with spaces, so a space would make two. */
export function scopeProblem(scope: string): string | null {
  if (/\s/.test(scope)) return 'A scope is one word without spaces, such as read:user.'
  return null
}

/**
 * What the account screen says instead of offering Revoke, for a provider that gives other apps
 * no way to revoke (Microsoft): the person removes the access there by hand, then forgets the
 * account here. `hasPage`: whether Grantry knows the page where that is done.
 */
export function noRevocationSentence(providerName: string, hasPage: boolean): string {
  const where = hasPage ? `on ${providerName}’s consent page` : `in your ${providerName} account settings`
  return `${providerName} offers no way for Grantry to take back its access. Remove it yourself ${where}, then forget the account here.`
}
