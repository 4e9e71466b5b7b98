import type { AccountSummary } from '../lib/ipc'

export interface ProviderGroup {
  provider: string
  environment: string
  accounts: AccountSummary[]
}

/** Accounts grouped by provider and environment, in the order the core listed them. */
export function groupByProvider(accounts: AccountSummary[]): ProviderGroup[] {
  const groups = new Map<string, ProviderGroup>()
  for (const account of accounts) {
    const key = `${account.provider}\u0000${account.environment}`
    let group = groups.get(key)
    if (!group) {
      group = { provider: account.provider, environment: account.environment, accounts: [] }
      groups.set(key, group)
    }
    group.accounts.push(account)
  }
  return [...groups.values()]
}

/** Up to two initials for an avatar without a picture. */
export function initials(account: AccountSummary): string {
  const name = account.display_name ?? account.email ?? account.subject
  const words = name.split(/[\s@._-]+/).filter(Boolean)
  return words
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join('')
}
