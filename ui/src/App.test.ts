import { fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { beforeAll, describe, expect, it } from 'vitest'
import App from './App.svelte'
import { detail, summary } from './account/fixtures'
import { parts } from './parts'
import { axeViolations } from './test/axe'
import { answer, emitEvent, invoke, listen, settle } from './test/tauri'

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
  // The screens and dialogs the window loads when first shown, loaded once beforehand: on a
  // busy machine a first load (a transform, in Vitest) could outlast a test's wait for it.
  beforeAll(async () => {
    await Promise.all(Object.values(parts).map((load) => load()))
  })

  it('shows what the person must act on as a notice, and a routine refresh does not replace it', async () => {
    await open()
    expect(screen.queryByTestId('activity-notice')).toBeNull()
    emitEvent({
      kind: 'activity_recorded',
      entry: { id: 3, at: 1000, kind: 'refresh_failed', detail: 'google/production', account_id: 2, exchanges: 0 },
    })
    const notice = await screen.findByTestId('activity-notice')
    expect(notice.textContent).toContain('Refresh failed')
    expect(notice.textContent).toContain('google/production')
    emitEvent({
      kind: 'activity_recorded',
      entry: { id: 4, at: 1001, kind: 'token_refreshed', detail: 'tokens refreshed', account_id: 5, exchanges: 0 },
    })
    await settle()
    expect(screen.getByTestId('activity-notice').textContent).toContain('google/production')
  })

  it('opens an account from the list, and Back returns to it', async () => {
    const alice = summary({ id: 7 })
    answer('list_accounts', [alice])
    answer('list_activity', [])
    answer('sandbox_status', running)
    answer('account_detail', detail({ account: alice }))
    answer('list_providers', [])
    render(App)
    const row = await screen.findByRole('button', { name: /alice@example.test/ })
    await fireEvent.click(row)
    await screen.findByRole('heading', { level: 1 })
    expect(invoke).toHaveBeenCalledWith('account_detail', { account: 7 })
    await fireEvent.keyDown(window, { key: 'ArrowLeft', altKey: true })
    await screen.findByRole('button', { name: /alice@example.test/ })
  })

  it('opens the account a desktop notification asks for', async () => {
    const alice = summary({ id: 9 })
    await open()
    answer('account_detail', detail({ account: alice }))
    answer('list_providers', [])
    for (const [channel, handler] of listen.mock.calls) {
      if (channel === 'open_account') handler({ event: channel, id: 1, payload: 9 })
    }
    await screen.findByRole('heading', { level: 1 })
    expect(invoke).toHaveBeenCalledWith('account_detail', { account: 9 })
  })

  it('asks for the sandbox status again when it changes, and explains a failure', async () => {
    await open()
    expect(screen.getByTestId('sandbox-indicator').textContent).toContain('Sandbox running')
    expect(screen.queryByTestId('sandbox-failed')).toBeNull()

    answer('sandbox_status', { state: 'failed', message: 'port 4380 is in use' })
    emitEvent({ kind: 'sandbox_changed' })
    expect((await screen.findByTestId('sandbox-failed')).textContent).toContain('port 4380 is in use')
    await waitFor(() => expect(screen.getByTestId('sandbox-indicator').textContent).toContain('Sandbox stopped'))
    expect(invoke.mock.calls.filter(([command]) => command === 'sandbox_status')).toHaveLength(2)
  })

  it('goes to the Providers screen from the sidebar, after Accounts', async () => {
    await open()
    const items = [...document.querySelectorAll('nav[aria-label=Main] [data-testid^=nav-]')].map((el) => el.textContent.trim())
    expect(items).toEqual(['Accounts', 'Providers', 'Activity', 'Sandbox', 'Settings'])
    answer('list_provider_views', [])
    await fireEvent.click(screen.getByTestId('nav-providers'))
    expect(await screen.findByRole('heading', { level: 1, name: 'Providers' })).toBeTruthy()
    expect(screen.getByTestId('nav-providers').getAttribute('aria-current')).toBe('page')
  })

  it('opens the Sandbox screen from the sidebar, and the indicator follows a stop', async () => {
    await open()
    answer('sandbox_overview', {
      issuer: 'http://127.0.0.1:1',
      personality: 'generic',
      clients: [],
      users: [],
      scopes: [],
    })
    answer('sandbox_faults', [])
    await fireEvent.click(screen.getByTestId('nav-sandbox'))
    expect(await screen.findByRole('heading', { level: 1, name: 'Sandbox' })).toBeTruthy()
    await screen.findByTestId('sandbox-issuer')
    answer('sandbox_status', { state: 'stopped', port: 1 })
    emitEvent({ kind: 'sandbox_changed' })
    await waitFor(() => expect(screen.getByTestId('sandbox-indicator').textContent).toContain('Sandbox stopped'))
    expect(screen.getByTestId('sandbox-indicator').getAttribute('title')).toBe('Stopped from the Sandbox screen')
    await waitFor(() => expect(screen.getByTestId('sandbox-status').dataset.state).toBe('stopped'))
  })

  it('goes from the Link dialog to adding a provider', async () => {
    await open()
    answer('list_providers', [{ id: 'sandbox', name: 'Grantry Sandbox', environments: [] }])
    answer('list_provider_views', [])
    answer('list_presets', [])
    await fireEvent.click(screen.getByTestId('link-account'))
    await fireEvent.click(await screen.findByRole('button', { name: 'Add a provider' }))
    expect(await screen.findByRole('dialog', { name: 'Add a provider' })).toBeTruthy()
    expect(screen.queryByTestId('link-dialog')).toBeNull()
    expect(screen.getByRole('heading', { level: 1, name: 'Providers' })).toBeTruthy()
  })

  describe('shortcuts', () => {
    const alice = summary({ id: 7 })

    /** The window on the Accounts screen with Alice's account listed. */
    async function openWithAlice() {
      answer('list_accounts', [alice])
      answer('list_activity', [])
      answer('sandbox_status', running)
      answer('list_providers', [{ id: 'sandbox', name: 'Grantry Sandbox', environments: [] }])
      render(App)
      await screen.findByRole('button', { name: /alice@example.test/ })
      await settle()
    }

    const press = (key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body) => {
      const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init })
      target.dispatchEvent(event)
      return event
    }
    const filterField = () => screen.getByRole('searchbox', { name: /Filter by name/ })

    it('Ctrl+F focuses the accounts filter, from the list or from another screen', async () => {
      await openWithAlice()
      expect(press('f', { ctrlKey: true }).defaultPrevented).toBe(true)
      expect(document.activeElement).toBe(filterField())
      answer('get_settings', { settings: { keep_running_in_tray: true, start_at_login: false }, tray_available: true })
      await fireEvent.click(screen.getByTestId('nav-settings'))
      await screen.findByRole('heading', { level: 1, name: 'Settings' })
      press('f', { ctrlKey: true })
      await waitFor(() => expect(document.activeElement).toBe(filterField()))
      expect(screen.getByTestId('nav-accounts').getAttribute('aria-current')).toBe('page')
    })

    it('Ctrl+N opens the Link dialog, from the list or from another screen', async () => {
      await openWithAlice()
      press('n', { ctrlKey: true })
      expect(await screen.findByTestId('link-dialog')).toBeTruthy()
      await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' })
      expect(screen.queryByTestId('link-dialog')).toBeNull()
      answer('list_provider_views', [])
      await fireEvent.click(screen.getByTestId('nav-providers'))
      await screen.findByRole('heading', { level: 1, name: 'Providers' })
      press('n', { ctrlKey: true })
      expect(await screen.findByTestId('link-dialog')).toBeTruthy()
      expect(screen.getByRole('heading', { level: 1, name: 'Accounts' })).toBeTruthy()
    })

    it('F5 refreshes all on the Accounts screen, and the account on its screen; never reloads the window', async () => {
      await openWithAlice()
      answer('refresh_all', { total: 1, refreshed: 1, failures: [] })
      expect(press('F5').defaultPrevented).toBe(true)
      await waitFor(() => expect(invoke).toHaveBeenCalledWith('refresh_all', undefined))
      answer('account_detail', detail({ account: alice }))
      answer('refresh_account', alice)
      await fireEvent.click(screen.getByRole('button', { name: /alice@example.test/ }))
      await screen.findByTestId('refresh-now')
      press('F5')
      await waitFor(() => expect(invoke).toHaveBeenCalledWith('refresh_account', { account: 7 }))
      // On a screen with nothing to refresh, F5 still does not reload.
      answer('list_activity', [])
      await fireEvent.click(screen.getByTestId('nav-activity'))
      await screen.findByRole('heading', { level: 1, name: 'Activity' })
      expect(press('F5').defaultPrevented).toBe(true)
    })

    it('Ctrl+, opens Settings', async () => {
      await open()
      answer('get_settings', { settings: { keep_running_in_tray: true, start_at_login: false }, tray_available: true })
      press(',', { ctrlKey: true })
      expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy()
      expect(screen.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page')
    })

    it("F1, ? and the sidebar's Help open the Help dialog; ? typed in a field is only a character", async () => {
      await openWithAlice()
      press('F1')
      expect(await screen.findByRole('dialog', { name: 'Help' })).toBeTruthy()
      expect(await axeViolations()).toEqual([])
      await fireEvent.click(screen.getByRole('button', { name: 'Close' }))
      expect(screen.queryByRole('dialog')).toBeNull()

      expect(press('?', { shiftKey: true }, filterField()).defaultPrevented).toBe(false)
      expect(screen.queryByRole('dialog')).toBeNull()
      press('?', { shiftKey: true })
      expect(await screen.findByRole('dialog', { name: 'Help' })).toBeTruthy()
      await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' })

      await fireEvent.click(screen.getByTestId('help-open'))
      expect(await screen.findByRole('dialog', { name: 'Help' })).toBeTruthy()
    })

    it('do nothing while a dialog is open', async () => {
      await openWithAlice()
      press('n', { ctrlKey: true })
      const dialog = await screen.findByTestId('link-dialog')
      for (const [key, init] of [
        ['F1', {}],
        [',', { ctrlKey: true }],
        ['f', { ctrlKey: true }],
        ['F5', {}],
      ] as const) {
        press(key, init, dialog)
      }
      await settle()
      expect(screen.getAllByRole('dialog')).toHaveLength(1)
      expect(screen.getByRole('heading', { level: 1, name: 'Accounts' })).toBeTruthy()
      expect(invoke).not.toHaveBeenCalledWith('refresh_all', undefined)
    })
  })
})
