import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { AccountSummary } from '../lib/ipc'
import { answer, emitEvent, fail, invoke, settle } from '../test/tauri'
import LinkDialog from './LinkDialog.svelte'

const linked: AccountSummary = {
  id: 1,
  provider: 'sandbox',
  environment: 'local',
  subject: 'u1',
  display_name: 'Ada Lovelace',
  email: null,
  picture_url: null,
  access_expires_at: null,
  scope_count: 1,
  status: 'valid',
  status_reason: null,
  has_refresh_token: false,
  failing_refresh: null,
}

const sandbox = {
  id: 'sandbox',
  name: 'Grantry Sandbox',
  environments: [
    {
      name: 'local',
      scopes: [
        { scope: 'openid', description: 'Sign you in and know who you are' },
        { scope: 'email', description: 'See your email address' },
      ],
    },
  ],
}

const google = {
  id: 'google',
  name: 'Google',
  environments: [{ name: 'production', scopes: [{ scope: 'openid', description: 'Sign you in' }] }],
}

const started = { authorization_url: 'http://127.0.0.1:1/authorize', state: 's', expires_at: 2e9 }

/** Opens the dialog and starts a link, so it waits for the browser. */
async function startWaiting(onClose: (linked: boolean) => void) {
  answer('list_providers', [sandbox])
  answer('start_link', started)
  answer('link_status', { status: 'waiting' })
  render(LinkDialog, { onClose })
  await screen.findByText('See your email address')
  await fireEvent.click(screen.getByText('Link'))
  await screen.findByText('Finish in your browser.')
  await settle()
}

describe('LinkDialog', () => {
  it('explains the scopes, starts the link with the ticked ones and waits', async () => {
    answer('list_providers', [sandbox])
    answer('start_link', started)
    render(LinkDialog, { onClose: () => {} })
    expect(await screen.findByText('See your email address')).toBeTruthy()
    await fireEvent.click(screen.getByLabelText(/See your email address/))
    await fireEvent.click(screen.getByText('Link'))
    expect(await screen.findByText('Finish in your browser.')).toBeTruthy()
    expect(invoke).toHaveBeenCalledWith('start_link', {
      provider: 'sandbox',
      environment: 'local',
      scopes: ['openid'],
    })
  })

  it('says why a link could not start, and stays open', async () => {
    answer('list_providers', [sandbox])
    fail('start_link', { code: 'keyring_unavailable', message: 'the OS keyring is locked' })
    render(LinkDialog, { onClose: () => {} })
    await screen.findByText('See your email address')
    await fireEvent.click(screen.getByText('Link'))
    expect((await screen.findByRole('alert')).textContent).toContain('the OS keyring is locked')
    expect(screen.getByText('Link')).toBeTruthy()
  })

  it('closes as linked once its own link completes, not on other changes', async () => {
    const onClose = vi.fn()
    await startWaiting(onClose)
    emitEvent({ kind: 'sandbox_changed' })
    emitEvent({ kind: 'accounts_changed' })
    emitEvent({ kind: 'link_completed', link: 'another-link', account: linked })
    await settle()
    expect(onClose).not.toHaveBeenCalled()
    emitEvent({ kind: 'link_completed', link: 's', account: linked })
    await settle()
    expect(onClose).toHaveBeenCalledExactlyOnceWith(true)
  })

  it('closes by itself when the provider answered before the link had even started', async () => {
    // A remembered consent: the browser answers at once, and the link's event comes before
    // `start_link` has answered the window.
    const onClose = vi.fn()
    answer('list_providers', [sandbox])
    answer('start_link', () => {
      emitEvent({ kind: 'link_completed', link: 's', account: linked })
      return started
    })
    answer('link_status', { status: 'waiting' })
    render(LinkDialog, { onClose })
    await screen.findByText('See your email address')
    await fireEvent.click(screen.getByText('Link'))
    await settle()
    expect(onClose).toHaveBeenCalledExactlyOnceWith(true)
  })

  it('closes by itself when the event was lost and the core says the link is done', async () => {
    const onClose = vi.fn()
    answer('list_providers', [sandbox])
    answer('start_link', started)
    answer('link_status', { status: 'linked', account: linked })
    render(LinkDialog, { onClose })
    await screen.findByText('See your email address')
    await fireEvent.click(screen.getByText('Link'))
    await settle()
    expect(invoke).toHaveBeenCalledWith('link_status', { link: 's' })
    expect(onClose).toHaveBeenCalledExactlyOnceWith(true)
  })

  it('asks again how its link stands when the window gets the focus back', async () => {
    const onClose = vi.fn()
    await startWaiting(onClose)
    expect(onClose).not.toHaveBeenCalled()
    answer('link_status', { status: 'linked', account: linked })
    window.dispatchEvent(new Event('focus'))
    await settle()
    expect(onClose).toHaveBeenCalledExactlyOnceWith(true)
  })

  it('says why its link failed, and offers the choice again', async () => {
    const onClose = vi.fn()
    await startWaiting(onClose)
    const denied = { code: 'consent_denied' as const, message: 'consent was denied at sandbox' }
    emitEvent({ kind: 'link_failed', link: 'another-link', error: denied })
    const entry = { id: 1, at: 1000, detail: 'refused', account_id: null, exchanges: 0 }
    emitEvent({ kind: 'activity_recorded', entry: { ...entry, kind: 'callback_rejected' } })
    await settle()
    expect(screen.queryByRole('alert')).toBeNull()

    emitEvent({ kind: 'link_failed', link: 's', error: denied })
    expect((await screen.findByRole('alert')).textContent).toContain('consent was denied at sandbox')
    expect(screen.queryByText('Finish in your browser.')).toBeNull()
    expect(screen.getByTestId('link-start')).toBeTruthy()
    expect(onClose).not.toHaveBeenCalled()
  })

  it('says when its link is no longer known, rather than waiting ten minutes', async () => {
    const onClose = vi.fn()
    answer('list_providers', [sandbox])
    answer('start_link', started)
    answer('link_status', { status: 'unknown' })
    render(LinkDialog, { onClose })
    await screen.findByText('See your email address')
    await fireEvent.click(screen.getByText('Link'))
    expect((await screen.findByRole('alert')).textContent).toContain('no longer waiting')
    expect(onClose).not.toHaveBeenCalled()
  })

  it('is drawn above the page, which is inert while it is open', async () => {
    answer('list_providers', [sandbox])
    const { container, unmount } = render(LinkDialog, { onClose: () => {} })
    await screen.findByText('See your email address')
    const dialog = screen.getByRole('dialog', { name: 'Link an account' })
    expect(dialog.closest('.backdrop')?.parentElement).toBe(document.body)
    expect(container.hasAttribute('inert')).toBe(true)
    unmount()
    expect(container.hasAttribute('inert')).toBe(false)
  })

  it('cancels a link it is waiting for, and closes as not linked', async () => {
    const onClose = vi.fn()
    await startWaiting(onClose)
    answer('cancel_link', true)
    await fireEvent.click(screen.getByText('Cancel'))
    await settle()
    expect(invoke).toHaveBeenCalledWith('cancel_link', { link: 's' })
    expect(onClose).toHaveBeenCalledExactlyOnceWith(false)
  })

  it('points at adding a provider when only the sandbox is there', async () => {
    answer('list_providers', [sandbox])
    const onManageProviders = vi.fn()
    render(LinkDialog, { onClose: () => {}, onManageProviders })
    const hint = await screen.findByTestId('link-sandbox-only')
    expect(hint.textContent).toContain('Only the Grantry Sandbox is set up.')
    expect(screen.queryByTestId('link-manage-providers')).toBeNull()
    await fireEvent.click(screen.getByRole('button', { name: 'Add a provider' }))
    expect(onManageProviders).toHaveBeenCalledExactlyOnceWith(true)
  })

  it('offers to manage the providers when there are others', async () => {
    answer('list_providers', [sandbox, google])
    const onManageProviders = vi.fn()
    render(LinkDialog, { onClose: () => {}, onManageProviders })
    await screen.findByText('See your email address')
    expect(screen.queryByTestId('link-sandbox-only')).toBeNull()
    await fireEvent.click(screen.getByRole('button', { name: 'Manage providers' }))
    expect(onManageProviders).toHaveBeenCalledExactlyOnceWith(false)
  })

  it('lists the providers again when they change, keeping the choice', async () => {
    answer('list_providers', [sandbox])
    render(LinkDialog, { onClose: () => {}, onManageProviders: () => {} })
    await screen.findByTestId('link-sandbox-only')
    await settle()
    answer('list_providers', [google, sandbox])
    emitEvent({ kind: 'providers_changed' })
    expect(await screen.findByRole('option', { name: 'Google' })).toBeTruthy()
    expect(screen.getByTestId<HTMLSelectElement>('link-provider').value).toBe('sandbox')
    expect(screen.queryByTestId('link-sandbox-only')).toBeNull()
  })
})
