import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import type { AccountSummary, ProviderOption } from '../lib/ipc'
import { answer, emitEvent, fail, holdListen, invoke, listenerCount, settle } from '../test/tauri'
import AccountsScreen from './AccountsScreen.svelte'

const listCalls = () => invoke.mock.calls.filter(([command]) => command === 'list_accounts').length

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
  failing_refresh: null,
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
    const chip = screen.getByTestId('status-chip')
    expect(chip.textContent?.trim()).toBe('Needs re-link')
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
    expect(listCalls()).toBe(1)

    emitEvent({ kind: 'accounts_changed' })
    expect(await screen.findByText('Ada Lovelace')).toBeTruthy()
    expect(listCalls()).toBe(2)
  })

  it('leaves no listener behind when closed before its listener is in place', async () => {
    answer('list_accounts', [])
    const release = holdListen()
    const { unmount } = render(AccountsScreen)
    unmount()
    await release()
    await waitFor(() => expect(listenerCount()).toBe(0))
  })

  it('says why an account needs re-linking on its row, not only on hover', async () => {
    answer('list_accounts', [ada])
    render(AccountsScreen)
    const row = await screen.findByRole('button', { name: /Ada Lovelace/ })
    expect(row.textContent).toContain('Token has been expired or revoked.')
    expect(row.getAttribute('aria-describedby')).toBeTruthy()
  })
})

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0)
const at = (seconds: number) => Math.floor(T0 / 1000) + seconds

function person(id: number, name: string, over: Partial<AccountSummary> = {}): AccountSummary {
  return {
    ...ada,
    id,
    subject: `u${id}`,
    display_name: name,
    email: `${name.toLowerCase()}@example.test`,
    status: 'valid',
    status_reason: null,
    access_expires_at: at(3600),
    ...over,
  }
}

const ann = person(1, 'Ann')
const bob = person(2, 'Bob', { provider: 'google', environment: 'production', subject: 'g-77' })
const cy = person(3, 'Cy', { status: 'revocation_pending', status_reason: 'provider unreachable' })

describe('AccountsScreen status chips', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('follow the clock: valid, then expiring, then expired, without a new fetch', async () => {
    // The clock's timeouts and the date are faked.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(T0)
    answer('list_accounts', [person(1, 'Ann', { access_expires_at: at(10 * 60 + 5), has_refresh_token: false })])
    render(AccountsScreen)
    const chip = await screen.findByTestId('status-chip')
    expect(chip.textContent?.trim()).toBe('Valid')
    expect(screen.getByTestId('expiry').textContent).toBe('expires in 10 min')

    await vi.advanceTimersByTimeAsync(10_000)
    expect(chip.textContent?.trim()).toBe('Expiring')

    // The clock ticks a moment after each second it waits for (lib/clock.ts).
    await vi.advanceTimersByTimeAsync(10 * 60 * 1000 + 100)
    expect(chip.textContent?.trim()).toBe('Expired')
    expect(screen.getByTestId('expiry').textContent).toBe('expired 5 s ago')
    expect(listCalls()).toBe(1)
  })

  it('turn expiring, with the reason on the row, when refreshes keep failing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(T0)
    const failing = { failures: 2, since: at(-15 * 60), last_error: 'sandbox: the provider took too long to answer' }
    answer('list_accounts', [person(1, 'Ann', { access_expires_at: at(10 * 60 + 5), failing_refresh: failing })])
    render(AccountsScreen)
    const chip = await screen.findByTestId('status-chip')
    // A refresh token alone would keep it valid, but its refreshes are failing.
    expect(chip.textContent?.trim()).toBe('Valid')

    await vi.advanceTimersByTimeAsync(10_000)
    expect(chip.textContent?.trim()).toBe('Expiring')
    const why = /^Refreshing has failed 2 times since \d\d:\d\d: sandbox: the provider took too long to answer$/
    expect(chip.getAttribute('title')).toMatch(why)
    const row = screen.getByRole('button', { name: /Ann/ })
    expect(document.getElementById(row.getAttribute('aria-describedby')!)?.textContent).toMatch(why)

    await vi.advanceTimersByTimeAsync(10 * 60 * 1000)
    expect(chip.textContent?.trim()).toBe('Expired')
    expect(listCalls()).toBe(1)
  })

  it('carry a word for every status', async () => {
    answer('list_accounts', [
      person(1, 'Ann'),
      person(2, 'Bob', { access_expires_at: at(60), has_refresh_token: false }),
      person(3, 'Cy', { access_expires_at: at(-60), has_refresh_token: false }),
      person(4, 'Di', { status: 'needs_relink', status_reason: 'gone' }),
      person(5, 'Ed', { status: 'revocation_pending' }),
    ])
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(T0)
    render(AccountsScreen)
    await screen.findByText('Ann')
    const words = screen.getAllByTestId('status-chip').map((chip) => chip.textContent?.trim())
    expect(words).toEqual(['Valid', 'Expiring', 'Expired', 'Needs re-link', 'Revocation pending'])
  })
})

describe('AccountsScreen filter', () => {
  it('filters by text over name, email, provider and subject', async () => {
    answer('list_accounts', [ann, bob, cy])
    render(AccountsScreen)
    await screen.findByText('Ann')
    const text = screen.getByRole('searchbox', { name: /Filter by name/ })

    await fireEvent.input(text, { target: { value: 'google' } })
    expect(screen.getAllByTestId('account-row').map((row) => row.dataset.accountId)).toEqual(['2'])

    await fireEvent.input(text, { target: { value: 'cy@EXAMPLE' } })
    expect(screen.getAllByTestId('account-row').map((row) => row.dataset.accountId)).toEqual(['3'])

    await fireEvent.input(text, { target: { value: 'g-77' } })
    expect(screen.getAllByTestId('account-row').map((row) => row.dataset.accountId)).toEqual(['2'])
  })

  it('filters by status', async () => {
    answer('list_accounts', [ann, bob, cy])
    render(AccountsScreen)
    await screen.findByText('Ann')
    const status = screen.getByRole('combobox', { name: 'Status' })
    await fireEvent.change(status, { target: { value: 'revocation_pending' } })
    expect(screen.getAllByTestId('account-row').map((row) => row.dataset.accountId)).toEqual(['3'])
  })

  it('says when nothing matches, and clears the filter on request', async () => {
    answer('list_accounts', [ann, bob, cy])
    render(AccountsScreen)
    await screen.findByText('Ann')
    const text = screen.getByRole<HTMLInputElement>('searchbox', { name: /Filter by name/ })
    await fireEvent.input(text, { target: { value: 'nobody' } })

    const none = screen.getByTestId('accounts-no-match')
    expect(none.textContent).toContain('No account matches')
    expect(none.textContent).toContain('“nobody”')
    expect(screen.queryAllByTestId('account-row')).toHaveLength(0)

    await fireEvent.click(within(none).getByRole('button', { name: 'Clear filter' }))
    expect(screen.getAllByTestId('account-row')).toHaveLength(3)
    expect(text.value).toBe('')
  })
})

describe('AccountsScreen rows', () => {
  it('open the account on a click and on Enter', async () => {
    const onOpenAccount = vi.fn()
    answer('list_accounts', [ann, bob])
    render(AccountsScreen, { onOpenAccount })
    await fireEvent.click(await screen.findByRole('button', { name: /Bob/ }))
    expect(onOpenAccount).toHaveBeenLastCalledWith(2)
    await fireEvent.keyDown(screen.getByRole('button', { name: /Ann/ }), { key: 'Enter' })
    expect(onOpenAccount).toHaveBeenLastCalledWith(1)
    expect(onOpenAccount).toHaveBeenCalledTimes(2)
  })

  it('move focus with the arrow keys, Home and End, across providers, one Tab stop', async () => {
    answer('list_accounts', [ann, bob, cy])
    render(AccountsScreen)
    await screen.findByText('Ann')
    // Screen order: sandbox (Ann, Cy), then google (Bob).
    const rows = screen.getAllByTestId('account-row')
    expect(rows.map((row) => row.dataset.accountId)).toEqual(['1', '3', '2'])
    expect(rows.map((row) => row.tabIndex)).toEqual([0, -1, -1])

    rows[0]!.focus()
    await fireEvent.keyDown(rows[0]!, { key: 'ArrowDown' })
    expect(document.activeElement).toBe(rows[1])
    await fireEvent.keyDown(rows[1]!, { key: 'ArrowDown' })
    expect(document.activeElement).toBe(rows[2])
    await fireEvent.keyDown(rows[2]!, { key: 'ArrowDown' })
    expect(document.activeElement).toBe(rows[2])
    await fireEvent.keyDown(rows[2]!, { key: 'Home' })
    expect(document.activeElement).toBe(rows[0])
    await fireEvent.keyDown(rows[0]!, { key: 'End' })
    expect(document.activeElement).toBe(rows[2])
    await fireEvent.keyDown(rows[2]!, { key: 'ArrowUp' })
    expect(document.activeElement).toBe(rows[1])
    expect(rows.map((row) => row.tabIndex)).toEqual([-1, 0, -1])
  })

  it('of a long list paint a screenful first, then the rest a batch after each paint', async () => {
    const many = Array.from({ length: 180 }, (_, n) => person(n + 1, `User ${n + 1}`))
    answer('list_accounts', many)
    render(AccountsScreen)
    await screen.findByText('User 1')
    expect(screen.getAllByTestId('account-row')).toHaveLength(50)
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(180))
  })

  it('of a long list come at once when End jumps past the rows painted', async () => {
    // No paint ever comes, so no batch follows: only End brings the other rows.
    const frames = vi.spyOn(window, 'requestAnimationFrame').mockImplementation(() => 0)
    onTestFinished(() => frames.mockRestore())
    const many = Array.from({ length: 180 }, (_, n) => person(n + 1, `User ${n + 1}`))
    answer('list_accounts', many)
    render(AccountsScreen)
    const first = (await screen.findByText('User 1')).closest('button')!
    first.focus()
    await fireEvent.keyDown(first, { key: 'End' })
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.accountId).toBe('180'))
    expect(screen.getAllByTestId('account-row')).toHaveLength(180)
  })

  it('name every control', async () => {
    answer('list_accounts', [ann])
    render(AccountsScreen)
    await screen.findByText('Ann')
    for (const control of screen.getAllByRole('button')) {
      expect(control.textContent?.trim() || control.getAttribute('aria-label')).toBeTruthy()
    }
    expect(screen.getByRole('searchbox', { name: /Filter by name/ })).toBeTruthy()
    expect(screen.getByRole('combobox', { name: 'Status' })).toBeTruthy()
  })
})

describe('AccountsScreen provider names', () => {
  const providers: ProviderOption[] = [
    { id: 'sandbox', name: 'Grantry Sandbox', environments: [] },
    { id: 'google', name: 'Google Workspace', environments: [] },
  ]
  const headings = () => screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent.replace(/\s+/g, ' ').trim())

  it("head each group with its provider's name", async () => {
    answer('list_accounts', [ann, bob])
    answer('list_providers', providers)
    render(AccountsScreen)
    await screen.findByText('Ann')
    await settle()
    expect(headings()).toEqual(['Grantry Sandbox local', 'Google Workspace production'])
    expect(screen.getByRole('region', { name: 'Google Workspace (production)' })).toBeTruthy()
  })

  it('say a provider is no longer configured, by its id', async () => {
    answer('list_accounts', [ann, bob])
    answer('list_providers', providers.slice(0, 1))
    render(AccountsScreen)
    await screen.findByText('Ann')
    await settle()
    expect(headings()).toEqual(['Grantry Sandbox local', 'google (removed provider) production'])
  })

  it('fall back to ids, claiming nothing, when the providers cannot be listed', async () => {
    answer('list_accounts', [ann, bob])
    fail('list_providers', { code: 'storage', message: 'locked' })
    render(AccountsScreen)
    await screen.findByText('Ann')
    await settle()
    expect(headings()).toEqual(['sandbox local', 'google production'])
  })

  it('follow the providers as they change', async () => {
    answer('list_accounts', [ann, bob])
    answer('list_providers', providers)
    render(AccountsScreen)
    await screen.findByText('Ann')
    await settle()
    answer('list_providers', [providers[0]!, { id: 'google', name: 'Google', environments: [] }])
    emitEvent({ kind: 'providers_changed' })
    await settle()
    expect(headings()).toEqual(['Grantry Sandbox local', 'Google production'])
  })

  it('are matched by the filter', async () => {
    answer('list_accounts', [ann, bob, cy])
    answer('list_providers', providers)
    render(AccountsScreen)
    await screen.findByText('Ann')
    await settle()
    await fireEvent.input(screen.getByRole('searchbox', { name: /Filter by name/ }), { target: { value: 'workspace' } })
    expect(screen.getAllByTestId('account-row').map((row) => row.dataset.accountId)).toEqual(['2'])
  })
})
