// "Revoke all" in words: which accounts it can take (every one, one provider's, one
// environment's), how many each choice takes, and how each account's revocation ended.
import type { AccountSummary, ProviderOption, RevokeAllScope } from '../lib/ipc'
import type { RevokeAllAccount } from '../lib/bindings/RevokeAllAccount'

export interface RevokeChoice {
  /** Stable key for the select. */
  key: string
  label: string
  scope: RevokeAllScope
  accounts: AccountSummary[]
}

/** The choices, each with the accounts it takes: every account, then each provider, then each
 * environment of a provider with accounts in more than one. */
export function revokeChoices(accounts: AccountSummary[], providers: ProviderOption[] | null): RevokeChoice[] {
  const nameOf = (id: string) => providers?.find((p) => p.id === id)?.name ?? id
  const choices: RevokeChoice[] = [
    { key: 'all', label: 'Every account', scope: { provider: null, environment: null }, accounts },
  ]
  const ids = [...new Set(accounts.map((a) => a.provider))].sort((a, b) => nameOf(a).localeCompare(nameOf(b)))
  for (const id of ids) {
    const at = accounts.filter((a) => a.provider === id)
    choices.push({
      key: `p:${id}`,
      label: `At ${nameOf(id)}`,
      scope: { provider: id, environment: null },
      accounts: at,
    })
    const environments = [...new Set(at.map((a) => a.environment))].sort()
    if (environments.length > 1) {
      for (const env of environments) {
        choices.push({
          key: `e:${id}:${env}`,
          label: `At ${nameOf(id)}, ${env}`,
          scope: { provider: id, environment: env },
          accounts: at.filter((a) => a.environment === env),
        })
      }
    }
  }
  return choices
}

/** "1 account", "3 accounts". */
export function accountsWord(count: number): string {
  return count === 1 ? '1 account' : `${count} accounts`
}

/** How one account's revocation ended, in a few words. */
export function revokedWords(account: RevokeAllAccount): string {
  const receipt = account.receipt
  if (!receipt) return `not revoked: ${account.error?.message ?? 'unknown error'}`
  switch (receipt.outcome) {
    case 'verified':
      return `revoked, verified (${receipt.summary})`
    case 'cannot_be_checked':
      return `revoked: ${receipt.summary}`
    case 'not_effective':
      return `not effective: ${receipt.summary}`
  }
}
