import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { AccountSummary, ProviderOption, RevokeAllOutcome } from '../lib/ipc'
import { answer, emitEvent, invoke, settle } from '../test/tauri'
import RevokeAllDialog from './RevokeAllDialog.svelte'
import { revokeChoices } from './revokeAll'
import { summary } from '../account/fixtures'

const account = (id: number, email: string, provider = 'sandbox', environment = 'local'): AccountSummary =>
  summary({ id, email, provider, environment, display_name: null })
const accounts = [
  account(1, 'alice@example.test'),
  account(2, 'bob@example.test'),
  account(3, 'carol@example.test', 'google', 'production'),
  account(4, 'dave@example.test', 'google', 'testing'),
]
const providers: ProviderOption[] = [
  { id: 'sandbox', name: 'Grantry Sandbox', environments: [] },
  { id: 'google', name: 'Google', environments: [] },
]
const text = (element: Element) => element.textContent.replace(/\s+/g, ' ').trim()

describe('revokeChoices', () => {
  it('offers every account, each provider, and the environments of a provider with more than one', () => {
    const choices = revokeChoices(accounts, providers)
    expect(choices.map((c) => [c.label, c.accounts.length])).toEqual([
      ['Every account', 4],
      ['At Google', 2],
      ['At Google, production', 1],
      ['At Google, testing', 1],
      ['At Grantry Sandbox', 2],
    ])
    expect(choices[2]?.scope).toEqual({ provider: 'google', environment: 'production' })
  })
})

describe('RevokeAllDialog', () => {
  it('names the count and the accounts, shows progress, then each outcome and a summary', async () => {
    const onClose = vi.fn()
    render(RevokeAllDialog, { accounts, providers, onClose })
    const dialog = screen.getByRole('dialog', { name: 'Revoke all' })
    expect(within(dialog).getByTestId('revoke-all-confirm').textContent).toContain('Revoke 4 accounts')
    await fireEvent.change(within(dialog).getByTestId('revoke-all-scope'), { target: { value: 'p:sandbox' } })
    expect(text(dialog)).toContain(
      'Grantry will ask the provider to revoke the access of 2 accounts (alice@example.test, bob@example.test), check that each revocation took, and remove them from this device.',
    )
    expect(invoke).not.toHaveBeenCalledWith('revoke_all', expect.anything())

    let finish!: (outcome: RevokeAllOutcome) => void
    answer('revoke_all', () => new Promise((resolve) => (finish = resolve)))
    await fireEvent.click(within(dialog).getByTestId('revoke-all-confirm'))
    await settle()
    expect(invoke).toHaveBeenCalledWith('revoke_all', { scope: { provider: 'sandbox', environment: null } })
    emitEvent({ kind: 'revoke_progress', done: 1, total: 2, account: 1, error: null })
    await settle()
    expect(within(dialog).getByTestId('revoke-all-confirm').textContent).toContain('Revoking 1 of 2…')
    finish({
      total: 2,
      revoked: 1,
      verified: 1,
      not_effective: 0,
      failed: 1,
      accounts: [
        {
          account: 1,
          label: 'alice@example.test',
          provider: 'sandbox',
          error: null,
          receipt: {
            account_id: 1,
            label: 'alice@example.test',
            provider: 'sandbox',
            verified: true,
            proof: 'introspection',
            outcome: 'verified',
            summary: "sandbox's introspection says the token is no longer active",
            manage_url: null,
            activity_id: 9,
            exchanges: [],
          },
        },
        {
          account: 2,
          label: 'bob@example.test',
          provider: 'sandbox',
          receipt: null,
          error: { code: 'provider_error', message: 'its revocation endpoint answered HTTP 503' },
        },
      ],
    })
    await settle()
    expect(screen.getByTestId('revoke-all-summary').textContent).toBe('Revoked 1 of 2 accounts (1 verified); 1 not revoked.')
    expect(text(dialog)).toContain("alice@example.test: revoked, verified (sandbox's introspection says the token is no longer active)")
    expect(text(dialog)).toContain('bob@example.test: not revoked: its revocation endpoint answered HTTP 503')
    expect(text(dialog)).toContain('each with Retry on its screen')
    await fireEvent.click(within(dialog).getByTestId('revoke-all-close'))
    expect(onClose).toHaveBeenCalledOnce()
  })
})
