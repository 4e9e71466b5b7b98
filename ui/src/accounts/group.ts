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
