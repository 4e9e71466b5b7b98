import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { AccountSummary, ActivityEntry } from '../lib/ipc'
import { answer, emitEvent, fail, settle } from '../test/tauri'
import ActivityScreen from './ActivityScreen.svelte'

const alice: AccountSummary = {
  id: 1,
  provider: 'sandbox',
  environment: 'local',
  subject: 'u-alice',
  display_name: 'Alice',
  email: 'alice@example.test',
  picture_url: null,
  access_expires_at: null,
  scope_count: 2,
  status: 'valid',
  status_reason: null,
  has_refresh_token: true,
  failing_refresh: null,
}
const bob: AccountSummary = { ...alice, id: 2, provider: 'google', subject: 'g-bob', email: null, display_name: 'Bob' }

let id = 1
function entry(kind: ActivityEntry['kind'], account_id: number | null, detail: string = kind): ActivityEntry {
  return { id: id++, at: 1_700_000_000 - id, kind, detail, account_id, exchanges: 0 }
}

function rows(): HTMLElement[] {
  return screen.getAllByTestId('activity-row')
}

describe('ActivityScreen', () => {
  it('names the account and provider of every row, and opens it', async () => {
    const onOpenAccount = vi.fn()
    answer('list_activity', [entry('account_linked', 1, 'linked'), entry('scopes_checked', 2), entry('deep_link_received', null)])
    answer('list_accounts', [alice, bob])
    render(ActivityScreen, { refreshKey: 0, onOpenAccount })
    await screen.findByTestId('activity-list')

    const [linked, checked, link] = rows()
    expect(linked!.textContent).toContain('alice@example.test')
    expect(linked!.textContent).toContain('sandbox')
    expect(checked!.textContent).toContain('Bob')
    expect(checked!.textContent).toContain('google')
    expect(within(link!).queryByRole('button')).toBeNull()

    await fireEvent.click(screen.getByRole('button', { name: /alice@example\.test\s*sandbox\s*: open account/ }))
    expect(onOpenAccount).toHaveBeenCalledWith(1)
    await fireEvent.click(screen.getByRole('button', { name: /Bob\s*google\s*: open account/ }))
    expect(onOpenAccount).toHaveBeenLastCalledWith(2)
  })

  it('says "removed account" for an account that no longer exists, with nothing to open', async () => {
    answer('list_activity', [entry('account_revoked', 9, 'revoked')])
    answer('list_accounts', [alice])
    render(ActivityScreen, { refreshKey: 0 })
    await screen.findByTestId('activity-list')
    expect(rows()[0]!.textContent).toContain('removed account')
    expect(within(rows()[0]!).queryByRole('button')).toBeNull()
  })

  it('still lists the activity when the accounts cannot be listed', async () => {
    answer('list_activity', [entry('refresh_failed', 1, 'refresh failed: offline')])
    fail('list_accounts', { code: 'storage', message: 'locked' })
    render(ActivityScreen, { refreshKey: 0 })
    await screen.findByTestId('activity-list')
    expect(rows()[0]!.textContent).toContain('refresh failed: offline')
    expect(rows()[0]!.textContent).toContain('account 1')
    expect(rows()[0]!.textContent).not.toContain('removed account')
  })

  it('folds routine refreshes into one row that can be expanded', async () => {
    answer('list_activity', [
      ...Array.from({ length: 12 }, () => entry('token_refreshed', 1, 'tokens refreshed')),
      entry('account_linked', 1, 'linked'),
    ])
    answer('list_accounts', [alice])
    render(ActivityScreen, { refreshKey: 0 })
    await screen.findByTestId('activity-list')

    expect(rows()).toHaveLength(2)
    const fold = rows()[0]!
    expect(fold.textContent).toMatch(/Tokens refreshed ×12, last at \d\d:\d\d/)
    expect(fold.textContent).toContain('alice@example.test')
    const toggle = within(fold).getByRole('button', { name: 'Show all 12' })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')

    await fireEvent.click(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    expect(toggle.textContent?.trim()).toBe('Hide all 12')
    expect(within(fold).getAllByText('tokens refreshed')).toHaveLength(12)

    await fireEvent.click(toggle)
    expect(within(fold).queryAllByText('tokens refreshed')).toHaveLength(0)
  })

  it('asks for the accounts again when they change', async () => {
    answer('list_activity', [entry('account_linked', 2, 'linked')])
    answer('list_accounts', [alice])
    render(ActivityScreen, { refreshKey: 0 })
    await screen.findByTestId('activity-list')
    await settle()
    expect(rows()[0]!.textContent).toContain('removed account')

    answer('list_accounts', [alice, bob])
    emitEvent({ kind: 'accounts_changed' })
    expect(await screen.findByRole('button', { name: /Bob\s*google\s*: open account/ })).toBeTruthy()
  })

  it("names each account's provider by its name, following changes, and says when it was removed", async () => {
    answer('list_activity', [entry('account_linked', 1, 'linked'), entry('scopes_checked', 2)])
    answer('list_accounts', [alice, bob])
    answer('list_providers', [{ id: 'sandbox', name: 'Grantry Sandbox', environments: [] }])
    render(ActivityScreen, { refreshKey: 0 })
    await screen.findByTestId('activity-list')
    await settle()
    expect(screen.getByRole('button', { name: /alice@example\.test\s*Grantry Sandbox\s*: open account/ })).toBeTruthy()
    expect(screen.getByRole('button', { name: /Bob\s*google \(removed provider\)\s*: open account/ })).toBeTruthy()

    answer('list_providers', [
      { id: 'sandbox', name: 'Grantry Sandbox', environments: [] },
      { id: 'google', name: 'Google', environments: [] },
    ])
    emitEvent({ kind: 'providers_changed' })
    expect(await screen.findByRole('button', { name: /Bob\s*Google\s*: open account/ })).toBeTruthy()
  })
})

describe('ActivityScreen and hostile text', () => {
  it('shows markup from a link or a provider as text in the history', async () => {
    const detail = 'refused: <img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    answer('list_activity', [entry('deep_link_rejected', null, detail)])
    answer('list_accounts', [])
    const { container } = render(ActivityScreen, { refreshKey: 0, onOpenAccount: vi.fn() })
    await screen.findByTestId('activity-list')
    expect(container.querySelector('[data-testid=activity-list] img, [data-testid=activity-list] script')).toBeNull()
    expect(rows()[0]?.textContent).toContain('<img src="x"')
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined()
  })
})

describe('ActivityScreen filters', () => {
  it('shows only the chosen account, kind and outcome, says when nothing matches, and clears', async () => {
    answer('list_activity', [
      entry('refresh_failed', 1, 'alice refused'),
      entry('account_linked', 2, 'bob linked'),
      entry('deep_link_rejected', null, 'stray link'),
      entry('account_linked', 1, 'alice linked'),
    ])
    answer('list_accounts', [alice, bob])
    render(ActivityScreen, { refreshKey: 0, onOpenAccount: vi.fn() })
    await screen.findByTestId('activity-list')
    await settle()
    const details = () => rows().map((row) => row.querySelector('.mono')?.textContent)

    await fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'problems' } })
    expect(details()).toEqual(['alice refused', 'stray link'])

    await fireEvent.change(screen.getByLabelText('Account'), { target: { value: '1' } })
    expect(details()).toEqual(['alice refused'])

    await fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'all' } })
    await fireEvent.change(screen.getByLabelText('What'), { target: { value: 'account_linked' } })
    expect(details()).toEqual(['alice linked'])

    await fireEvent.change(screen.getByLabelText('Account'), { target: { value: 'none' } })
    expect(screen.getByTestId('activity-none-match').textContent).toContain('Nothing matches')

    await fireEvent.click(screen.getByRole('button', { name: 'Show all' }))
    expect(details()).toHaveLength(4)
    expect(screen.queryByTestId('activity-none-match')).toBeNull()
    expect(screen.queryByRole('button', { name: 'Show all' })).toBeNull()
  })

  it('offers only the kinds that happened, by their names', async () => {
    answer('list_activity', [entry('scopes_checked', 1), entry('account_linked', 1)])
    answer('list_accounts', [alice])
    render(ActivityScreen, { refreshKey: 0, onOpenAccount: vi.fn() })
    await screen.findByTestId('activity-list')
    const options = within(screen.getByLabelText('What')).getAllByRole('option')
    expect(options.map((o) => o.textContent)).toEqual(['Everything', 'Account linked', 'Scopes checked'])
  })

  it("opens a failure's HTTP exchanges under it, loaded once, and offers none where there are none", async () => {
    const failed = { ...entry('refresh_failed', 1, 'invalid_grant'), exchanges: 3 }
    answer('list_activity', [failed, entry('deep_link_received', null)])
    answer('list_accounts', [alice])
    let calls = 0
    answer('activity_exchanges', (args: Record<string, unknown> | undefined) => {
      calls++
      expect(args).toEqual({ entry: failed.id })
      return [503, 503, 400].map((status) => ({
        at: 1_700_000_000,
        method: 'POST',
        url: 'http://127.0.0.1:7461/token',
        status,
        request_body: 'grant_type=refresh_token&refresh_token=[redacted]',
        response_body: '{"error":"invalid_grant"}',
        duration_ms: 5,
        error: null,
        operation: 'refresh',
      }))
    })
    render(ActivityScreen, { refreshKey: 0 })
    await screen.findByTestId('activity-list')
    expect(within(rows()[1]!).queryByTestId('entry-exchanges')).toBeNull()
    const toggle = within(rows()[0]!).getByTestId('entry-exchanges')
    expect(toggle.textContent.replace(/\s+/g, ' ')).toContain('Show 3 HTTP exchanges')
    await fireEvent.click(toggle)
    const list = await screen.findByTestId('entry-exchange-list')
    expect([...list.querySelectorAll('.status')].map((s) => s.textContent)).toEqual(['HTTP 503', 'HTTP 503', 'HTTP 400'])
    await fireEvent.click(toggle)
    expect(screen.queryByTestId('entry-exchange-list')).toBeNull()
    await fireEvent.click(toggle)
    await screen.findByTestId('entry-exchange-list')
    expect(calls).toBe(1)
  })
})
