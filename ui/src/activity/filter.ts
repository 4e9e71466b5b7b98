// Which entries the Activity screen shows: by account (or those tied to none), by kind, and
// by outcome, all at once. Applied before refreshes are folded, so a fold holds only what
// passes.
import type { ActivityEntry } from '../lib/ipc'
import { isProblem } from './labels'

export interface ActivityFilter {
  /** An account's id, `none` for entries tied to no account, or `all`. */
  account: number | 'none' | 'all'
  kind: ActivityEntry['kind'] | 'all'
  outcome: 'all' | 'problems' | 'fine'
}

export const everything: ActivityFilter = { account: 'all', kind: 'all', outcome: 'all' }

export function isFiltering(filter: ActivityFilter): boolean {
  return filter.account !== 'all' || filter.kind !== 'all' || filter.outcome !== 'all'
}

export function filterActivity(entries: ActivityEntry[], filter: ActivityFilter): ActivityEntry[] {
  return entries.filter((entry) => {
    const account =
      filter.account === 'all' ||
      (filter.account === 'none' ? entry.account_id === null : entry.account_id === filter.account)
    const kind = filter.kind === 'all' || entry.kind === filter.kind
    const outcome = filter.outcome === 'all' || (filter.outcome === 'problems') === isProblem(entry)
    return account && kind && outcome
  })
}

/** The kinds present in `entries`, in the order of their labels, for the kind picker. */
export function kindsIn(entries: ActivityEntry[], order: ActivityEntry['kind'][]): ActivityEntry['kind'][] {
  const present = new Set(entries.map((entry) => entry.kind))
  return order.filter((kind) => present.has(kind))
}
