// Which accounts the list shows: a text over their names and where they are linked, and a
// status as the chip shows it now.
import type { AccountSummary, ProviderOption } from '../lib/ipc'
import { statusOf, type StatusKind } from '../lib/status'

export interface AccountFilter {
  /**
   * Matched, ignoring case, against name, email, provider (its id and its name), environment
   * and subject.
   */
  text: string
  /** Only accounts in this state; null for all. */
  status: StatusKind | null
}

export const noFilter: AccountFilter = { text: '', status: null }

export function isFiltering(filter: AccountFilter): boolean {
  return filter.text.trim() !== '' || filter.status !== null
}

export function matches(
  account: AccountSummary,
  filter: AccountFilter,
  now: number,
  providers: ProviderOption[] | null = null,
): boolean {
  if (filter.status !== null && statusOf(account, now).kind !== filter.status) return false
  const words = filter.text.trim().toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return true
  const haystack = [
    account.display_name,
    account.email,
    account.provider,
    providers?.find((p) => p.id === account.provider)?.name ?? null,
    account.environment,
    account.subject,
  ]
    .filter((field): field is string => field !== null)
    .join('\n')
    .toLowerCase()
  return words.every((word) => haystack.includes(word))
}

export function filterAccounts(
  accounts: AccountSummary[],
  filter: AccountFilter,
  now: number,
  providers: ProviderOption[] | null = null,
): AccountSummary[] {
  return accounts.filter((account) => matches(account, filter, now, providers))
}
