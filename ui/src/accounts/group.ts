import type { AccountSummary, ProviderOption } from '../lib/ipc'
import { providerLabel } from '../lib/provider'

export interface ProviderGroup {
  provider: string
  /** The provider as its heading names it (lib/provider.ts). */
  name: string
  environment: string
  accounts: AccountSummary[]
}

/**
 * Accounts grouped by provider and environment, in the order the core listed them, each group
 * named after its provider among `providers` (null while they are not known).
 */
export function groupByProvider(
  accounts: AccountSummary[],
  providers: ProviderOption[] | null = null,
): ProviderGroup[] {
  const groups = new Map<string, ProviderGroup>()
  for (const account of accounts) {
    const key = `${account.provider}\u0000${account.environment}`
    let group = groups.get(key)
    if (!group) {
      group = {
        provider: account.provider,
        name: providerLabel(account.provider, providers),
        environment: account.environment,
        accounts: [],
      }
      groups.set(key, group)
    }
    group.accounts.push(account)
  }
  return [...groups.values()]
}

/**
 * The groups cut to their first `count` accounts in screen order (a group left without any is
 * dropped), for painting a long list a batch at a time.
 */
export function firstRows(groups: ProviderGroup[], count: number): ProviderGroup[] {
  const cut: ProviderGroup[] = []
  let left = count
  for (const group of groups) {
    if (left <= 0) break
    cut.push(group.accounts.length <= left ? group : { ...group, accounts: group.accounts.slice(0, left) })
    left -= group.accounts.length
  }
  return cut
}
