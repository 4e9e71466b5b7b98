import { fireEvent, render, screen } from '@testing-library/svelte'
import { tick } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { answer, fail, invoke } from '../test/tauri'
import { detail, NOW, summary, tokens } from './fixtures'
import TokenPanel from './TokenPanel.svelte'

const countdown = () => screen.getByTestId('countdown').textContent.replace(/\s+/g, ' ').trim()
/** What the panel says for one of its labels. */
const value = (label: string) => screen.getByText(label).nextElementSibling!.textContent.replace(/\s+/g, ' ').trim()

beforeEach(() => {
  // Only the clock and the one-second tick are faked: the IPC stand-in still needs real timeouts.
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] })
  vi.setSystemTime(NOW * 1000)
})

afterEach(() => {
  vi.useRealTimers()
})

describe('TokenPanel', () => {
  it('says when the grant ends, who says so, and opens where the provider documents it', async () => {
    render(TokenPanel, {
      accountId: 7,
      tokens: tokens(),
      status: 'valid',
      grantEnd: {
        at: NOW + 90 * 86_400,
        source: 'rule',
        words: 'Microsoft ends a refresh token unused for 90 days',
        doc_url: 'https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens',
      },
    })
    const said = value('Grant ends')
    expect(said).toMatch(/^Around 90 d/)
    expect(said).toContain("Microsoft ends a refresh token unused for 90 days (the provider's published rule).")
    answer('open_grant_end_doc', null)
    await fireEvent.click(screen.getByRole('button', { name: 'Where the provider says so (opens in your browser)' }))
    expect(invoke).toHaveBeenCalledWith('open_grant_end_doc', { account: 7 })
  })

  it('says no end is known, and a provider-given end as such', () => {
    const { unmount } = render(TokenPanel, { accountId: 7, tokens: tokens(), status: 'valid', grantEnd: detail().grant_end })
    expect(value('Grant ends')).toMatch(/^No known end no end is known/)
    expect(screen.queryByTestId('grant-end-doc')).toBeNull()
    unmount()
    render(TokenPanel, {
      accountId: 7,
      tokens: tokens(),
      status: 'valid',
      grantEnd: { at: NOW + 3600, source: 'provider', words: 'the provider said when its refresh token ends', doc_url: null },
    })
    expect(value('Grant ends')).toMatch(/^In 1 h .*\(said by the provider\)\.$/)
  })

  it('counts the access token down every second', async () => {
    render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens({ access_expires_at: NOW + 252 }),
      status: 'valid',
    })
    expect(countdown()).toMatch(/^expires in 4 min 12 s/)
    vi.advanceTimersByTime(1000)
    await tick()
    expect(countdown()).toMatch(/^expires in 4 min 11 s/)
    vi.advanceTimersByTime(252_000)
    await tick()
    expect(countdown()).toMatch(/^expired 1 s ago/)
    vi.advanceTimersByTime(180_000)
    await tick()
    expect(countdown()).toMatch(/^expired 3 min ago/)
  })

  it('says when no expiry was given', () => {
    render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens({ access_expires_at: null, next_refresh_at: null }),
      status: 'valid',
    })
    expect(countdown()).toBe('no expiry given')
    expect(value('Next refresh')).toBe('None: the access token has no expiry')
  })

  it('shows the refresh token, the last and next refresh and the counts', () => {
    render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens({ last_refresh_at: NOW - 600, next_refresh_at: NOW + 3480, refreshes: 5, rotations: 3 }),
      status: 'valid',
    })
    expect(value('Refresh token')).toBe('Present')
    expect(value('Last refresh')).toMatch(/\(10 min ago\)$/)
    expect(value('Next refresh')).toMatch(/\(in 58 min 0 s\)$/)
    expect(value('Refreshes')).toBe('5, of which 3 brought a new refresh token')
  })

  it("says when a provider's access to the person's data lapses, only where it has such a limit", () => {
    const { unmount } = render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens(),
      status: 'valid',
    })
    expect(screen.queryByText('Data access')).toBeNull()
    unmount()
    render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens({ data_access_expires_at: NOW + 89 * 86_400 }),
      status: 'valid',
    })
    expect(value('Data access')).toMatch(/^lapses in 89 d(ays)? unless the account is used/)
  })

  it('says when data access has lapsed', () => {
    render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens({ data_access_expires_at: NOW - 60 }),
      status: 'valid',
    })
    expect(value('Data access')).toMatch(/^lapsed: link the account again/)
  })

  it('says "never" and why nothing is scheduled', () => {
    const { unmount } = render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens({ has_refresh_token: false, next_refresh_at: null }),
      status: 'valid',
    })
    expect(value('Refresh token')).toBe('None')
    expect(value('Last refresh')).toBe('never')
    expect(value('Next refresh')).toBe('None: there is no refresh token')
    unmount()
    render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens({ next_refresh_at: null }),
      status: 'needs_relink',
    })
    expect(value('Next refresh')).toBe('None: the account needs attention first')
  })

  it('refreshes now, with progress, and says until when the new token lasts', async () => {
    let finish!: (value: unknown) => void
    answer('refresh_account', () => new Promise((resolve) => (finish = resolve)))
    const onRefreshed = vi.fn()
    render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens(),
      status: 'valid',
      onRefreshed,
    })
    await fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }))
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Refreshing…' }).disabled).toBe(true)
    expect(invoke).toHaveBeenCalledWith('refresh_account', { account: 7 })
    finish(summary({ access_expires_at: NOW + 59 * 60 }))
    expect(await screen.findByText('Refreshed — expires in 59 min')).toBeTruthy()
    expect(onRefreshed).toHaveBeenCalledOnce()
    expect(screen.getByRole('button', { name: 'Refresh now' })).toBeTruthy()
  })

  it('says in place why a refresh failed', async () => {
    fail('refresh_account', {
      code: 'needs_relink',
      message: 'Grantry Sandbox no longer accepts this account’s refresh token; link it again.',
    })
    const onRefreshed = vi.fn()
    render(TokenPanel, {
      grantEnd: detail().grant_end,
      accountId: 7,
      tokens: tokens(),
      status: 'valid',
      onRefreshed,
    })
    await fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('The refresh failed.')
    expect(alert.textContent).toContain('no longer accepts this account’s refresh token; link it again.')
    expect(onRefreshed).not.toHaveBeenCalled()
  })
})
