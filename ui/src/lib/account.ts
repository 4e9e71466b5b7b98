// How an account is named, the same everywhere in the UI.
import type { AccountSummary } from './ipc'

/**
 * How an account is named: its email, else its name, else its subject at the provider. The
 * same rule as the core's `AccountSummary::label()`.
 */
export function accountLabel(account: AccountSummary): string {
  return account.email ?? account.display_name ?? account.subject
}

/** Up to two initials for an avatar without a picture: from the name, else the email, else the subject. */
export function initials(account: AccountSummary): string {
  const name = account.display_name ?? account.email ?? account.subject
  return name
    .split(/[\s@._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join('')
}
