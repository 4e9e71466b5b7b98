import { render, screen, waitFor } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import App from './App.svelte'
import { answer, emitEvent, invoke, settle } from './test/tauri'

const running = { state: 'running', issuer: 'http://127.0.0.1:1' }

/** Shows the window on an empty accounts screen, with every listener in place. */
async function open() {
  answer('list_accounts', [])
  answer('list_activity', [])
  answer('sandbox_status', running)
  render(App)
  await screen.findByText('No accounts linked yet')
  await settle()
}

describe('App', () => {
  it('shows new activity as a notice', async () => {
    await open()
    expect(screen.queryByTestId('activity-notice')).toBeNull()
    emitEvent({
      kind: 'activity_recorded',
      entry: { id: 3, at: 1000, kind: 'refresh_failed', detail: 'google/production', account_id: 2 },
    })
    const notice = await screen.findByTestId('activity-notice')
    expect(notice.textContent).toContain('Refresh failed')
    expect(notice.textContent).toContain('google/production')
  })

  it('asks for the sandbox status again when it changes, and explains a failure', async () => {
    await open()
    expect(screen.getByTestId('sandbox-indicator').textContent).toContain('Sandbox running')
    expect(screen.queryByTestId('sandbox-failed')).toBeNull()

    answer('sandbox_status', { state: 'failed', message: 'port 4380 is in use' })
    emitEvent({ kind: 'sandbox_changed' })
    expect((await screen.findByTestId('sandbox-failed')).textContent).toContain('port 4380 is in use')
    await waitFor(() =>
      expect(screen.getByTestId('sandbox-indicator').textContent).toContain('Sandbox stopped'),
    )
    expect(invoke.mock.calls.filter(([command]) => command === 'sandbox_status')).toHaveLength(2)
  })
})
