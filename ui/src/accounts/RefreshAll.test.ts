import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { AccountSummary, RefreshAllOutcome } from '../lib/ipc'
import { answer, emitEvent, fail, settle } from '../test/tauri'
import RefreshAll from './RefreshAll.svelte'

const account = (id: number, email: string): AccountSummary => ({
  id,
  provider: 'sandbox',
  environment: 'local',
  subject: `s-${id}`,
  display_name: null,
  email,
  picture_url: null,
  access_expires_at: null,
  scope_count: 1,
  status: 'valid',
  status_reason: null,
  has_refresh_token: true,
  failing_refresh: null,
})
const accounts = [account(1, 'alice@example.test'), account(2, 'bob@example.test'), account(3, 'carol@example.test')]

describe('RefreshAll', () => {
  it('shows progress as each account ends, then a summary naming each failure and why', async () => {
    let finish!: (outcome: RefreshAllOutcome) => void
    answer('refresh_all', () => new Promise((resolve) => (finish = resolve)))
    render(RefreshAll, { accounts })
    await fireEvent.click(screen.getByTestId('refresh-all'))
    await settle()
    expect(screen.getByTestId('refresh-all').textContent).toContain('Refreshing…')
    expect(screen.getByTestId<HTMLButtonElement>('refresh-all').disabled).toBe(true)
    emitEvent({ kind: 'refresh_progress', done: 1, total: 3, account: 2, error: null })
    await settle()
    expect(screen.getByTestId('refresh-all').textContent).toContain('Refreshing 1 of 3…')
    emitEvent({ kind: 'refresh_progress', done: 2, total: 3, account: 1, error: null })
    await settle()
    expect(screen.getByTestId('refresh-all').textContent).toContain('Refreshing 2 of 3…')
    finish({
      total: 3,
      refreshed: 2,
      failures: [{ account: 2, error: { code: 'needs_relink', message: 'the grant is gone (invalid_grant)' } }],
    })
    await settle()
    const summary = screen.getByTestId('refresh-all-summary').textContent
    expect(summary).toContain('Refreshed 2 of 3 accounts.')
    expect(summary).toContain('bob@example.test: the grant is gone (invalid_grant)')
    expect(screen.getByTestId('refresh-all').textContent).toContain('Refresh all')
  })

  it('says when nothing could be refreshed, and says a failure of the whole as an alert', async () => {
    answer('refresh_all', { total: 0, refreshed: 0, failures: [] })
    render(RefreshAll, { accounts })
    await fireEvent.click(screen.getByTestId('refresh-all'))
    await settle()
    expect(screen.getByTestId('refresh-all-summary').textContent).toContain('No account can be refreshed')
    fail('refresh_all', { code: 'storage', message: 'The database is locked.' })
    await fireEvent.click(screen.getByTestId('refresh-all'))
    expect((await screen.findByRole('alert')).textContent).toContain('The database is locked.')
  })
})
