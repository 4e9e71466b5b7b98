import { render, screen, waitFor } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { AccountSummary } from '../lib/ipc'
import { answer, emitEvent, fail, holdListen, invoke, listenerCount, settle } from '../test/tauri'
import AccountsScreen from './AccountsScreen.svelte'

const ada: AccountSummary = {
  id: 1,
  provider: 'sandbox',
  environment: 'local',
  subject: 'u1',
  display_name: 'Ada Lovelace',
  email: 'ada@example.test',
  picture_url: null,
  access_expires_at: null,
  scope_count: 3,
  status: 'needs_relink',
  status_reason: 'Token has been expired or revoked.',
  has_refresh_token: true,
}

describe('AccountsScreen', () => {
  it('shows the empty state when no account is linked', async () => {
    answer('list_accounts', [])
    render(AccountsScreen)
    expect(await screen.findByText('No accounts linked yet')).toBeTruthy()
    expect(invoke).toHaveBeenCalledWith('list_accounts', undefined)
  })

  it('groups accounts by provider and shows each one', async () => {
    answer('list_accounts', [ada])
    render(AccountsScreen)
    expect(await screen.findByText('Ada Lovelace')).toBeTruthy()
    expect(screen.getByText('ada@example.test')).toBeTruthy()
    expect(screen.getByText('3 scopes')).toBeTruthy()
    const chip = screen.getByText('Needs re-link')
    expect(chip.getAttribute('title')).toBe('Token has been expired or revoked.')
    expect(screen.getByRole('region', { name: 'sandbox (local)' })).toBeTruthy()
  })

  it('explains an error from the Rust side instead of an empty list', async () => {
    fail('list_accounts', { code: 'schema_too_new', message: 'update Grantry to open it' })
    render(AccountsScreen)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('This data belongs to a newer Grantry')
    expect(alert.textContent).toContain('update Grantry to open it')
    expect(screen.queryByText('No accounts linked yet')).toBeNull()
  })

  it('fetches the list again when the accounts change', async () => {
    answer('list_accounts', [])
    render(AccountsScreen)
    await screen.findByText('No accounts linked yet')
    await settle()

    answer('list_accounts', [ada])
    emitEvent({ kind: 'sandbox_changed' })
    await settle()
    expect(invoke).toHaveBeenCalledTimes(1)

    emitEvent({ kind: 'accounts_changed' })
    expect(await screen.findByText('Ada Lovelace')).toBeTruthy()
    expect(invoke).toHaveBeenCalledTimes(2)
  })

  it('leaves no listener behind when closed before its listener is in place', async () => {
    answer('list_accounts', [])
    const release = holdListen()
    const { unmount } = render(AccountsScreen)
    unmount()
    await release()
    await waitFor(() => expect(listenerCount()).toBe(0))
  })
})
