import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { DeviceLinkView } from '../lib/ipc'
import { answer, emitEvent, invoke, settle } from '../test/tauri'
import AddScopesDialog from './AddScopesDialog.svelte'
import RelinkDialog from './RelinkDialog.svelte'
import { detail, sandboxProvider } from './fixtures'

const view: DeviceLinkView = {
  link: 'device-7',
  provider: 'sandbox',
  environment: 'local',
  user_code: 'BCDF-GHJK',
  verification_uri: 'https://example.test/device',
  verification_uri_complete: null,
  expires_at: Math.floor(Date.now() / 1000) + 900,
  interval: 5,
  qr: null,
}

describe('Link again and Add scopes where the environment links by device code only', () => {
  it('links again by device code, and says why it failed', async () => {
    answer('link_account_by_device', view)
    answer('link_status', { status: 'waiting' })
    render(RelinkDialog, { accountId: 7, providerName: 'GitHub', byDevice: true, onClose: vi.fn() })
    expect((await screen.findByTestId('device-user-code')).textContent).toBe('BCDF-GHJK')
    expect(invoke).toHaveBeenCalledWith('link_account_by_device', { account: 7, scopes: [] })
    expect(invoke).not.toHaveBeenCalledWith('link_account_again', expect.anything())
    expect(screen.getByTestId('device-open').textContent).toContain('Open the page')
    await settle()
    emitEvent({
      kind: 'link_failed',
      link: 'device-7',
      error: { code: 'wrong_account', message: 'that was another account' },
    })
    expect((await screen.findByRole('alert')).textContent).toContain('that was another account')
  })

  it('adds scopes by device code', async () => {
    answer('link_account_by_device', view)
    answer('link_status', { status: 'waiting' })
    const onClose = vi.fn()
    render(AddScopesDialog, {
      accountId: 7,
      scopes: detail().scopes,
      known: sandboxProvider.environments[0]!.scopes,
      providerName: 'GitHub',
      byDevice: true,
      onClose,
    })
    await fireEvent.click(screen.getByRole('checkbox', { name: /Stay signed in/ }))
    await fireEvent.click(screen.getByRole('button', { name: 'Get a code' }))
    await screen.findByTestId('device-waiting')
    expect(invoke).toHaveBeenCalledWith('link_account_by_device', { account: 7, scopes: ['offline_access'] })
  })
})
