// The Activity screen's rows: entries as they come (newest first), with routine background
// refreshes folded so they do not bury what matters.
import { accountLabel } from '../lib/account'
import type { AccountSummary, ActivityEntry, ProviderOption } from '../lib/ipc'
import { providerLabel } from '../lib/provider'

export type ActivityRow =
  | { type: 'entry'; key: string; entry: ActivityEntry }
  | {
      type: 'refreshes'
      key: string
      accountId: number
      /** Newest first, as listed. */
      entries: ActivityEntry[]
      /** When the newest of them happened (unix seconds). */
      last: number
    }

/**
 * Folds `token_refreshed` entries: each account's refreshes between two other entries become
 * one row, placed where its newest refresh was. Any other entry (a failure, a link, a revoke)
 * ends every fold, so what happened around it keeps its order. A lone refresh stays an entry.
 */
export function foldRefreshes(entries: ActivityEntry[]): ActivityRow[] {
  const rows: ActivityRow[] = []
  let open = new Map<number, Extract<ActivityRow, { type: 'refreshes' }>>()
  for (const entry of entries) {
    if (entry.kind !== 'token_refreshed' || entry.account_id === null) {
      open = new Map()
      rows.push({ type: 'entry', key: `e${entry.id}`, entry })
      continue
    }
    const fold = open.get(entry.account_id)
    if (fold) {
      fold.entries.push(entry)
    } else {
      const row = {
        type: 'refreshes' as const,
        key: `r${entry.id}`,
        accountId: entry.account_id,
        entries: [entry],
        last: entry.at,
      }
      open.set(entry.account_id, row)
      rows.push(row)
    }
  }
  return rows.map((row) =>
    row.type === 'refreshes' && row.entries.length === 1
      ? { type: 'entry', key: `e${row.entries[0]!.id}`, entry: row.entries[0]! }
      : row,
  )
}

/** Who an entry is about, as its row names it. */
export type Subject =
  | { type: 'none' }
  | { type: 'unknown'; id: number }
  | { type: 'removed'; id: number }
  | {
      type: 'account'
      account: AccountSummary
      label: string
      /** Its provider as people read it (lib/provider.ts). */
      provider: string
    }

/**
 * The account `accountId` names among `accounts` (null when they could not be listed): an
 * account, one that no longer exists, or none at all. Its provider is named after `providers`
 * (null while they are not known).
 */
export function subjectOf(
  accountId: number | null,
  accounts: AccountSummary[] | null,
  providers: ProviderOption[] | null = null,
): Subject {
  if (accountId === null) return { type: 'none' }
  if (accounts === null) return { type: 'unknown', id: accountId }
  const account = accounts.find((a) => a.id === accountId)
  if (!account) return { type: 'removed', id: accountId }
  return {
    type: 'account',
    account,
    label: accountLabel(account),
    provider: providerLabel(account.provider, providers),
  }
}

/** "14:03", local time, from unix seconds. */
export function clockTime(at: number): string {
  const date = new Date(at * 1000)
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`
}

/** "Tokens refreshed ×12, last at 14:03". */
export function refreshesSummary(count: number, last: number): string {
  return `Tokens refreshed ×${count}, last at ${clockTime(last)}`
}
