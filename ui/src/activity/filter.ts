// Which entries the Activity screen shows: by account (or those tied to none), by kind, by
// outcome, and by the program a token was handed to, all at once. Applied before refreshes are folded, so a fold holds only what
// passes.
import type { ActivityEntry } from '../lib/ipc'
import { isProblem } from './labels'

export interface ActivityFilter {
  /** An account's id, `none` for entries tied to no account, or `all`. */
  account: number | 'none' | 'all'
  kind: ActivityEntry['kind'] | 'all'
  outcome: 'all' | 'problems' | 'fine'
  /** A program ([`programOf`]), or `all`. */
  program: string
}

export const everything: ActivityFilter = { account: 'all', kind: 'all', outcome: 'all', program: 'all' }

export function isFiltering(filter: ActivityFilter): boolean {
  return filter.account !== 'all' || filter.kind !== 'all' || filter.outcome !== 'all' || filter.program !== 'all'
}

/** The program an entry names, without the process id each run of it had. */
export function programOf(entry: ActivityEntry): string | null {
  return entry.program?.replace(/ \(pid \d+\)$/, '') ?? null
}

/** The programs `entries` name, sorted, for the program picker. */
export function programsIn(entries: ActivityEntry[]): string[] {
  const named = entries.map(programOf).filter((p): p is string => p !== null)
  return [...new Set(named)].sort()
}

export function filterActivity(entries: ActivityEntry[], filter: ActivityFilter): ActivityEntry[] {
  return entries.filter((entry) => {
    const account =
      filter.account === 'all' ||
      (filter.account === 'none' ? entry.account_id === null : entry.account_id === filter.account)
    const kind = filter.kind === 'all' || entry.kind === filter.kind
    const outcome = filter.outcome === 'all' || (filter.outcome === 'problems') === isProblem(entry)
    const program = filter.program === 'all' || programOf(entry) === filter.program
    return account && kind && outcome && program
  })
}

/** The kinds present in `entries`, in the order of their labels, for the kind picker. */
export function kindsIn(entries: ActivityEntry[], order: ActivityEntry['kind'][]): ActivityEntry['kind'][] {
  const present = new Set(entries.map((entry) => entry.kind))
  return order.filter((kind) => present.has(kind))
}
