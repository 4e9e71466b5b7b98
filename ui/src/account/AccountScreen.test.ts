import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AccountDetail, ProviderOption, RevocationReceipt } from '../lib/ipc'
import { answer, emitEvent, fail, invoke, settle } from '../test/tauri'
import AccountScreen from './AccountScreen.svelte'
import { detail, microsoftProvider, NOW, sandboxProvider, started, summary, unrevocableDetail } from './fixtures'

const text = (element: Element) => element.textContent.replace(/\s+/g, ' ').trim()
/** What `revoke_account` answers: the receipt of a revocation the provider accepted. */
const receipt = (outcome: RevocationReceipt['outcome'], summary = 'checked'): RevocationReceipt => ({
  account_id: 7,
  label: 'alice@example.test',
  provider: 'sandbox',
  verified: outcome === 'verified',
  proof: outcome === 'verified' ? 'introspection' : null,
  outcome,
  summary,
  manage_url: null,
  activity_id: 1,
  exchanges: [],
})
const detailCalls = () => invoke.mock.calls.filter(([command]) => command === 'account_detail').length

/** Shows account 7 as `shown` describes it, once it has loaded and listens for events. */
async function open(shown: AccountDetail = detail(), providers: ProviderOption[] = [sandboxProvider]) {
  answer('account_detail', shown)
  answer('list_providers', providers)
  answer('link_status', { status: 'waiting' })
  answer('programs_with_access', [])
  const onBack = vi.fn()
  render(AccountScreen, { accountId: 7, onBack })
  await screen.findByTestId('status-chip')
  await settle()
  return onBack
}

// The fixtures' times are around NOW; only the clock is faked, timeouts stay real for the IPC stand-in.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW * 1000)
})

afterEach(() => {
  vi.useRealTimers()
})

describe('AccountScreen: loading and header', () => {
  it('says it is loading until the account arrives', () => {
    answer('account_detail', () => new Promise(() => {}))
    answer('list_providers', [])
    render(AccountScreen, { accountId: 7, onBack: () => {} })
    expect(screen.getByText('Loading the account…')).toBeTruthy()
    expect(invoke).toHaveBeenCalledWith('account_detail', { account: 7 })
  })

  it('shows who the account is: initials, name, email, provider, environment and subject', async () => {
    await open()
    // Titled by its label (the email), with the name beneath.
    expect(screen.getByRole('heading', { level: 1, name: 'alice@example.test' })).toBeTruthy()
    expect(screen.getByTestId('initials').textContent).toBe('AE')
    expect(screen.getByText('Alice Example')).toBeTruthy()
    expect(screen.getByText(/Grantry Sandbox/)).toBeTruthy()
    expect(screen.getByText('local')).toBeTruthy()
    expect(screen.getByText('sub-alice-42').classList.contains('mono')).toBe(true)
  })

  it('titles an account without an email by its name, and writes no name twice', async () => {
    await open(detail({ account: summary({ email: null }) }))
    expect(screen.getByRole('heading', { level: 1, name: 'Alice Example' })).toBeTruthy()
    expect(screen.getAllByText('Alice Example')).toHaveLength(1)
  })

  it("shows the provider's picture, described, when there is one", async () => {
    await open(detail({ account: summary({ picture_url: 'http://127.0.0.1:7461/_sandbox/avatar/a.svg' }) }))
    const picture = screen.getByRole('img', { name: 'Picture of alice@example.test' })
    expect(picture.getAttribute('src')).toBe('http://127.0.0.1:7461/_sandbox/avatar/a.svg')
    expect(screen.queryByTestId('initials')).toBeNull()
    // The window's content policy (or the network) may keep the picture out: initials then.
    await fireEvent.error(picture)
    expect(screen.getByTestId('initials').textContent).toBe('AE')
    expect(screen.queryByRole('img', { name: /^Picture of/ })).toBeNull()
    expect(screen.getByRole('img', { name: 'Initials of alice@example.test' })).toBe(screen.getByTestId('initials'))
  })

  it('falls back to the provider id when providers cannot be listed', async () => {
    answer('account_detail', detail())
    fail('list_providers', { code: 'internal', message: 'no' })
    render(AccountScreen, { accountId: 7, onBack: () => {} })
    await screen.findByTestId('status-chip')
    await settle()
    expect(screen.queryByText(/Grantry Sandbox/)).toBeNull()
    expect(screen.getByText('local').parentElement!.textContent).toMatch(/^\s*sandbox\s+local\s*$/)
  })

  it('says when its provider is no longer configured, by its id', async () => {
    await open(detail({ account: summary({ provider: 'qa' }) }))
    expect(screen.getByText('local').parentElement!.textContent).toMatch(/^\s*qa \(removed provider\)\s+local\s*$/)
  })

  it("follows the provider's name when the providers change", async () => {
    await open()
    answer('list_providers', [{ ...sandboxProvider, name: 'Sandbox (renamed)' }])
    emitEvent({ kind: 'providers_changed' })
    await settle()
    expect(screen.getByText('local').parentElement!.textContent).toMatch(/^\s*Sandbox \(renamed\)\s+local\s*$/)
  })

  it.each([
    [summary({ access_expires_at: null }), 'Valid'],
    [summary({ access_expires_at: NOW + 3600 }), 'Valid'],
    [summary({ access_expires_at: NOW + 120 }), 'Valid'],
    [summary({ access_expires_at: NOW + 120, has_refresh_token: false }), 'Expiring'],
    [summary({ access_expires_at: NOW - 60 }), 'Expired, refresh pending'],
    [summary({ access_expires_at: NOW - 60, has_refresh_token: false }), 'Expired'],
    [summary({ status: 'needs_relink', status_reason: 'The provider refused the refresh token.' }), 'Needs re-link'],
    [summary({ status: 'revocation_pending', status_reason: 'revocation pending: unreachable' }), 'Revocation pending'],
  ])('says the status in words: %#', async (account, word) => {
    await open(detail({ account }))
    expect(screen.getByTestId('status-chip').textContent).toBe(word)
    if (account.status_reason) expect(screen.getAllByText(account.status_reason).length).toBeGreaterThan(0)
  })

  it('says in the header why refreshing keeps failing', async () => {
    const failing = { failures: 4, since: NOW - 600, last_error: 'sandbox sent an answer Grantry cannot use: it answered HTTP 503' }
    await open(detail({ account: summary({ access_expires_at: NOW + 120, failing_refresh: failing }) }))
    expect(screen.getByTestId('status-chip').textContent).toBe('Expiring')
    expect(
      screen.getByText(/^Refreshing has failed 4 times since .+: sandbox sent an answer Grantry cannot use: it answered HTTP 503$/),
    ).toBeTruthy()
  })

  it('explains an expired token in a sentence', async () => {
    await open(detail({ account: summary({ access_expires_at: NOW - 60 }) }))
    expect(screen.getByText(/The access token has expired; Grantry refreshes it/)).toBeTruthy()
  })

  it('says why loading failed, and tries again', async () => {
    fail('account_detail', { code: 'storage', message: 'The database is locked; close other Grantry windows.' })
    answer('list_providers', [])
    render(AccountScreen, { accountId: 7, onBack: () => {} })
    expect((await screen.findByRole('alert')).textContent).toContain('The database is locked')
    answer('account_detail', detail())
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'alice@example.test' })).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })
})

describe('AccountScreen: sections', () => {
  it('shows the scopes, the tokens and the timeline', async () => {
    await open()
    expect(screen.getByRole('rowheader', { name: 'email' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Refresh now' })).toBeTruthy()
    expect(screen.getByText('Tokens refreshed')).toBeTruthy()
    expect(screen.getByText('Alice linked at sandbox')).toBeTruthy()
  })

  it('loads again when the accounts change or this account has news, not for others', async () => {
    await open()
    const before = detailCalls()
    emitEvent({ kind: 'activity_recorded', entry: { id: 9, at: NOW, kind: 'token_refreshed', detail: 'x', account_id: 8, exchanges: 0 } })
    emitEvent({ kind: 'sandbox_changed' })
    await settle()
    expect(detailCalls()).toBe(before)
    emitEvent({ kind: 'activity_recorded', entry: { id: 9, at: NOW, kind: 'token_refreshed', detail: 'x', account_id: 7, exchanges: 0 } })
    await settle()
    expect(detailCalls()).toBe(before + 1)
    answer('account_detail', detail({ account: summary({ display_name: 'Alice Renamed' }) }))
    emitEvent({ kind: 'accounts_changed' })
    expect(await screen.findByText('Alice Renamed')).toBeTruthy()
  })
})

describe('AccountScreen: going back', () => {
  it('goes back with the Back button', async () => {
    const onBack = await open()
    await fireEvent.click(screen.getByRole('button', { name: 'Back to Accounts' }))
    expect(onBack).toHaveBeenCalledOnce()
  })

  it('goes back with Escape when no dialog is open', async () => {
    const onBack = await open()
    await fireEvent.keyDown(window, { key: 'Escape' })
    expect(onBack).toHaveBeenCalledOnce()
  })

  it('lets Escape close an open dialog without going back', async () => {
    const onBack = await open()
    // Focused first, as a click or the keyboard leaves it (jsdom's click does not move focus).
    screen.getByRole('button', { name: 'Forget' }).focus()
    await fireEvent.click(screen.getByRole('button', { name: 'Forget' }))
    const dialog = screen.getByRole('dialog', { name: 'Forget account' })
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    expect(dialog.isConnected).toBe(false)
    expect(onBack).not.toHaveBeenCalled()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Forget' }))
  })

  it('goes back once the account no longer exists', async () => {
    const onBack = await open()
    fail('account_detail', { code: 'unknown_account', message: 'no account 7' })
    emitEvent({ kind: 'accounts_changed' })
    await settle()
    expect(onBack).toHaveBeenCalledOnce()
  })
})

describe('AccountScreen: revoke and forget', () => {
  it('revokes after a sentence that says what will happen, then goes back', async () => {
    const onBack = await open()
    answer('revoke_account', receipt('verified'))
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke access' }))
    const dialog = screen.getByRole('dialog', { name: 'Revoke access' })
    expect(text(dialog)).toContain(
      'Grantry will ask Grantry Sandbox to revoke the access it gave Grantry for alice@example.test, then remove the account and its tokens from this device.',
    )
    expect(invoke).not.toHaveBeenCalledWith('revoke_account', expect.anything())
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke access' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('revoke_account', { account: 7 })
    expect(onBack).toHaveBeenCalledOnce()
    // The engine then says the accounts changed and the account is gone: still one "back".
    fail('account_detail', { code: 'unknown_account', message: 'no account 7' })
    emitEvent({ kind: 'accounts_changed' })
    await settle()
    expect(onBack).toHaveBeenCalledOnce()
  })

  it('cancels a revoke without asking the engine', async () => {
    const onBack = await open()
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke access' }))
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(invoke).not.toHaveBeenCalledWith('revoke_account', expect.anything())
    expect(onBack).not.toHaveBeenCalled()
  })

  it('says a revocation is pending when the provider cannot be reached, and retries', async () => {
    const onBack = await open()
    fail('revoke_account', { code: 'provider_unreachable', message: 'Grantry Sandbox could not be reached.' })
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke access' }))
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke access' }))
    const banner = await screen.findByTestId('revocation-pending')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(text(banner)).toContain(
      'Revocation pending: Grantry Sandbox could not take the revocation (it could not be reached, or it failed). Grantry keeps the account and will try again.',
    )
    expect(onBack).not.toHaveBeenCalled()

    await fireEvent.click(within(banner).getByRole('button', { name: 'Retry' }))
    expect((await within(banner).findByRole('alert')).textContent).toContain('Still unreachable')

    answer('revoke_account', receipt('verified'))
    await fireEvent.click(within(banner).getByRole('button', { name: 'Retry' }))
    await settle()
    expect(onBack).toHaveBeenCalledOnce()
  })

  it('keeps an account whose revocation the provider accepted but did not take, and says so', async () => {
    const onBack = await open(detail({ manage_access_url: 'https://myaccount.example/connections' }))
    const found = 'Grantry Sandbox accepted the revocation, but its introspection still calls the token active'
    answer('revoke_account', receipt('not_effective', found))
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke access' }))
    answer(
      'account_detail',
      detail({
        manage_access_url: 'https://myaccount.example/connections',
        account: summary({ status: 'revocation_not_effective', status_reason: `revocation not effective: ${found}` }),
      }),
    )
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke access' }))
    const banner = await screen.findByTestId('revocation-not-effective')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(onBack).not.toHaveBeenCalled()
    expect(text(banner)).toContain("Revocation not effective: Grantry Sandbox accepted the revocation, but Grantry's tokens still work.")
    // What the check found, the header says once.
    expect(screen.getAllByText(`revocation not effective: ${found}`)).toHaveLength(1)
    expect(screen.getByTestId('status-chip').textContent).toContain('Revocation not effective')

    // The provider's own page, and a retry that still does not take, then one that does.
    answer('open_manage_access', null)
    await fireEvent.click(within(banner).getByRole('button', { name: /See it at Grantry Sandbox/ }))
    expect(invoke).toHaveBeenCalledWith('open_manage_access', { account: 7 })
    await fireEvent.click(within(banner).getByRole('button', { name: 'Retry' }))
    expect((await within(banner).findByRole('alert')).textContent).toContain(`Still not effective: ${found}`)
    expect(onBack).not.toHaveBeenCalled()
    answer('revoke_account', receipt('verified'))
    await fireEvent.click(within(banner).getByRole('button', { name: 'Retry' }))
    await settle()
    expect(onBack).toHaveBeenCalledOnce()
  })

  it('shows a pending revocation found on load, with Retry', async () => {
    const onBack = await open(detail({ account: summary({ status: 'revocation_pending', status_reason: 'revocation pending' }) }))
    const banner = screen.getByTestId('revocation-pending')
    answer('revoke_account', receipt('verified'))
    await fireEvent.click(within(banner).getByRole('button', { name: 'Retry' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('revoke_account', { account: 7 })
    expect(onBack).toHaveBeenCalledOnce()
  })

  it('says a revocation is pending when the provider failed and the engine kept the account', async () => {
    const onBack = await open()
    fail('revoke_account', { code: 'provider_error', message: 'its revocation endpoint answered HTTP 503' })
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke access' }))
    answer('account_detail', detail({ account: summary({ status: 'revocation_pending', status_reason: 'revocation pending: 503' }) }))
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke access' }))
    await screen.findByTestId('revocation-pending')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(onBack).not.toHaveBeenCalled()
  })

  it('says in the dialog why a revoke was refused, and keeps the account', async () => {
    const onBack = await open()
    fail('revoke_account', { code: 'provider_error', message: 'Grantry Sandbox refused: invalid_client.' })
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke access' }))
    const dialog = screen.getByRole('dialog')
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke access' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Grantry Sandbox refused: invalid_client.')
    expect(onBack).not.toHaveBeenCalled()
  })

  it("links to the provider's own page of allowed apps beside Revoke", async () => {
    await open(detail({ manage_access_url: 'https://myaccount.google.com/connections' }))
    answer('open_manage_access', null)
    const page = screen.getByRole('button', { name: 'See it at Grantry Sandbox (opens in your browser)' })
    expect(screen.getByRole('button', { name: 'Revoke access' })).toBeTruthy()
    await fireEvent.click(page)
    expect(invoke).toHaveBeenCalledWith('open_manage_access', { account: 7 })
  })

  it('offers Revoke, and no consent page, when the provider can revoke', async () => {
    await open()
    expect(screen.getByRole('button', { name: 'Revoke access' })).toBeTruthy()
    expect(screen.queryByTestId('no-revocation')).toBeNull()
    expect(screen.queryByRole('button', { name: /Open consent page/ })).toBeNull()
    expect(screen.getByRole('button', { name: 'Forget' }).getAttribute('aria-describedby')).toBeNull()
  })

  it('forgets after a sentence that says the access at the provider stays, then goes back', async () => {
    const onBack = await open()
    answer('forget_account', null)
    await fireEvent.click(screen.getByRole('button', { name: 'Forget' }))
    const dialog = screen.getByRole('dialog', { name: 'Forget account' })
    expect(text(dialog)).toContain(
      'Grantry will remove alice@example.test and its tokens from this device only. The access at Grantry Sandbox stays; revoke it there if you no longer want it.',
    )
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Forget' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('forget_account', { account: 7 })
    expect(onBack).toHaveBeenCalledOnce()
  })
})

describe('AccountScreen: add scopes and re-link', () => {
  it('adds scopes in the browser and shows what the provider answered', async () => {
    await open()
    answer('link_account_again', started)
    await fireEvent.click(screen.getByRole('button', { name: 'Add scopes' }))
    const dialog = screen.getByRole('dialog', { name: 'Add scopes' })
    // Only what the account lacks is offered.
    expect(within(dialog).queryByLabelText(/See your email address/)).toBeNull()
    await fireEvent.click(within(dialog).getByLabelText(/See your name and picture/))
    await fireEvent.input(within(dialog).getByLabelText('Another scope'), { target: { value: 'read:user' } })
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Continue in browser' }))
    expect(await within(dialog).findByText('Finish in your browser.')).toBeTruthy()
    expect(invoke).toHaveBeenCalledWith('link_account_again', { account: 7, scopes: ['profile', 'read:user'] })
    await settle()

    const grown = detail()
    grown.scopes.push(
      { scope: 'profile', description: 'See your name and picture', status: 'granted', source: 'token_response', checked_at: NOW },
      { scope: 'read:user', description: null, status: 'declined', source: 'token_response', checked_at: NOW },
    )
    answer('account_detail', grown)
    const before = detailCalls()
    emitEvent({ kind: 'link_completed', link: 'link-7', account: summary() })
    await settle()
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(detailCalls()).toBeGreaterThan(before)
    const declined = screen.getByRole('rowheader', { name: 'read:user' }).closest('tr')!
    expect(within(declined).getByText('Declined')).toBeTruthy()
  })

  it('shows as is why another account’s answer was refused, and offers the choice again', async () => {
    await open()
    answer('link_account_again', started)
    await fireEvent.click(screen.getByRole('button', { name: 'Add scopes' }))
    const dialog = screen.getByRole('dialog', { name: 'Add scopes' })
    await fireEvent.click(within(dialog).getByLabelText(/See your name and picture/))
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Continue in browser' }))
    await within(dialog).findByText('Finish in your browser.')
    await settle()
    const message = 'That answer came from bob@example.test, not from Alice Example; sign in as Alice Example and try again.'
    emitEvent({ kind: 'link_failed', link: 'link-7', error: { code: 'wrong_account', message } })
    expect((await within(dialog).findByRole('alert')).textContent).toBe(message)
    expect(within(dialog).queryByText('Finish in your browser.')).toBeNull()
    expect(within(dialog).getByRole('button', { name: 'Continue in browser' })).toBeTruthy()
  })

  it('closes Add scopes by itself when the scopes were granted before the link had even started', async () => {
    await open()
    answer('link_account_again', () => {
      emitEvent({ kind: 'link_completed', link: 'link-7', account: summary() })
      return started
    })
    await fireEvent.click(screen.getByRole('button', { name: 'Add scopes' }))
    const dialog = screen.getByRole('dialog', { name: 'Add scopes' })
    await fireEvent.click(within(dialog).getByLabelText(/See your name and picture/))
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Continue in browser' }))
    await settle()
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('closes Link again by itself when the event was lost and the core says it is done', async () => {
    await open()
    answer('link_account_again', started)
    answer('link_status', { status: 'linked', account: summary() })
    await fireEvent.click(screen.getByRole('button', { name: 'Re-link' }))
    await settle()
    await settle()
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('links the account again from the needs re-link banner', async () => {
    await open(detail({ account: summary({ status: 'needs_relink', status_reason: 'The refresh token was revoked.' }) }))
    const banner = screen.getByTestId('needs-relink')
    expect(text(banner)).toContain('This account needs to be linked again. The refresh token was revoked.')
    answer('link_account_again', started)
    await fireEvent.click(within(banner).getByRole('button', { name: 'Re-link' }))
    const dialog = screen.getByRole('dialog', { name: 'Link again' })
    expect(await within(dialog).findByText('Finish in your browser.')).toBeTruthy()
    expect(invoke).toHaveBeenCalledWith('link_account_again', { account: 7, scopes: [] })
    await settle()

    answer('account_detail', detail())
    emitEvent({ kind: 'link_completed', link: 'link-7', account: summary() })
    await settle()
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(screen.getByTestId('status-chip').textContent).toBe('Valid')
    expect(screen.queryByTestId('needs-relink')).toBeNull()
  })

  it('offers Re-link in the action row too, and says why a link could not start', async () => {
    await open()
    fail('link_account_again', { code: 'keyring_unavailable', message: 'The OS keyring is locked; unlock it and try again.' })
    await fireEvent.click(screen.getByRole('button', { name: 'Re-link' }))
    const dialog = screen.getByRole('dialog', { name: 'Link again' })
    expect((await within(dialog).findByRole('alert')).textContent).toContain('The OS keyring is locked')
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }))
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('cancels the link when the waiting dialog is closed with Escape', async () => {
    await open()
    answer('link_account_again', started)
    answer('cancel_link', true)
    await fireEvent.click(screen.getByRole('button', { name: 'Re-link' }))
    const dialog = screen.getByRole('dialog', { name: 'Link again' })
    await within(dialog).findByText('Finish in your browser.')
    await fireEvent.keyDown(dialog, { key: 'Escape' })
    await settle()
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(invoke).toHaveBeenCalledWith('cancel_link', { link: 'link-7' })
  })
})

describe('AccountScreen: a provider that cannot revoke', () => {
  const sentence =
    'Microsoft offers no way for Grantry to take back its access. Remove it yourself on Microsoft’s consent page, then forget the account here.'

  it('says so in words, by the provider’s name, instead of offering Revoke', async () => {
    await open(unrevocableDetail(), [microsoftProvider])
    expect(screen.queryByRole('button', { name: /Revoke/ })).toBeNull()
    expect(text(screen.getByTestId('no-revocation'))).toBe(sentence)
    // The buttons carry the sentence as their description, for whoever reaches them by Tab.
    const consent = screen.getByRole('button', { name: 'Open consent page (opens in your browser)', description: sentence })
    const forget = screen.getByRole('button', { name: 'Forget', description: sentence })
    const actions = screen.getByRole('group', { name: 'Account actions' })
    expect(actions.contains(consent) && actions.contains(forget)).toBe(true)
  })

  it('opens the consent page through the app, and stays on the account', async () => {
    const onBack = await open(unrevocableDetail(), [microsoftProvider])
    answer('open_manage_access', null)
    await fireEvent.click(screen.getByRole('button', { name: /Open consent page/ }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('open_manage_access', { account: 7 })
    expect(screen.queryByRole('alert')).toBeNull()
    expect(onBack).not.toHaveBeenCalled()
  })

  it('says where it happened when the consent page could not be opened, and clears it on success', async () => {
    await open(unrevocableDetail(), [microsoftProvider])
    fail('open_manage_access', { code: 'internal', message: 'No browser could be opened.' })
    await fireEvent.click(screen.getByRole('button', { name: /Open consent page/ }))
    const alert = await within(screen.getByTestId('no-revocation')).findByRole('alert')
    expect(text(alert)).toBe('The consent page did not open. No browser could be opened.')
    answer('open_manage_access', null)
    await fireEvent.click(screen.getByRole('button', { name: /Open consent page/ }))
    await settle()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('still forgets the account here', async () => {
    const onBack = await open(unrevocableDetail(), [microsoftProvider])
    answer('forget_account', null)
    await fireEvent.click(screen.getByRole('button', { name: 'Forget' }))
    const dialog = screen.getByRole('dialog', { name: 'Forget account' })
    expect(text(dialog)).toContain('The access at Microsoft stays')
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Forget' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('forget_account', { account: 7 })
    expect(onBack).toHaveBeenCalledOnce()
  })

  it('points at the account settings, with no button, when Grantry knows no consent page', async () => {
    await open(unrevocableDetail({ manage_access_url: null }), [microsoftProvider])
    expect(text(screen.getByTestId('no-revocation'))).toBe(
      'Microsoft offers no way for Grantry to take back its access. Remove it yourself in your Microsoft account settings, then forget the account here.',
    )
    expect(screen.queryByRole('button', { name: /Open consent page|Revoke/ })).toBeNull()
    expect(screen.getByRole('button', { name: 'Forget' })).toBeTruthy()
  })
})

describe('AccountScreen: tabs', () => {
  it('opens the Inspector in its own tab, and leaving it takes a revealed token off the page', async () => {
    await open()
    expect(screen.getByTestId('tab-overview').getAttribute('aria-selected')).toBe('true')
    answer('inspect_account', {
      account_id: 7,
      access_token: { shape: 'opaque', length: 20 },
      id_token: null,
      token_response: null,
    })
    answer('account_http_log', [])
    await fireEvent.click(screen.getByTestId('tab-inspector'))
    expect(screen.getByTestId('tab-inspector').getAttribute('aria-selected')).toBe('true')
    expect(screen.queryByTestId('tokens')).toBeNull()
    answer('reveal_access_token', 'sbx_at_shown')
    await fireEvent.click(await screen.findByTestId('reveal-token'))
    expect((await screen.findByTestId('revealed-token')).textContent).toBe('sbx_at_shown')
    await fireEvent.keyDown(screen.getByTestId('tab-inspector'), { key: 'ArrowLeft' })
    expect(screen.getByTestId('tab-overview').getAttribute('aria-selected')).toBe('true')
    expect(screen.getByTestId('tokens')).toBeTruthy()
    expect(document.body.textContent).not.toContain('sbx_at_shown')
  })
})
