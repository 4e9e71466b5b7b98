import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { AccountScope } from '../lib/ipc'
import { answer, fail, invoke, settle } from '../test/tauri'
import { NOW } from './fixtures'
import ScopesTable from './ScopesTable.svelte'

const scopes: AccountScope[] = [
  { scope: 'openid', description: 'Sign you in', status: 'granted', source: 'token_response', checked_at: NOW },
  { scope: 'email', description: 'See your email address', status: 'declined', source: 'introspection', checked_at: NOW },
  { scope: 'x.custom', description: null, status: 'not_granted', source: 'requested', checked_at: NOW },
  { scope: 'user_posts', description: null, status: 'granted', source: 'permissions', checked_at: NOW },
  { scope: 'drive', description: null, status: 'granted', source: 'tokeninfo', checked_at: NOW },
  { scope: 'odd', description: null, status: 'granted', source: 'header', checked_at: NOW },
]

/** The cells of the row for one scope, as text. */
function row(scope: string): string[] {
  const header = screen.getByRole('rowheader', { name: scope })
  return within(header.closest('tr')!)
    .getAllByRole('cell')
    .map((cell) => cell.textContent.trim())
}

describe('ScopesTable', () => {
  it('shows every scope with what it allows, its status and its source in words', () => {
    render(ScopesTable, { accountId: 7, scopes })
    expect(row('openid').slice(0, 3)).toEqual(['Sign you in', 'Granted', 'Token response'])
    expect(row('email').slice(0, 3)).toEqual(['See your email address', 'Declined', 'Introspection'])
    expect(row('x.custom').slice(0, 3)).toEqual([
      'No description for this scope',
      'Requested but not granted',
      'As requested (provider did not list scopes)',
    ])
    expect(row('user_posts')[2]).toBe('/me/permissions')
    expect(row('drive')[2]).toBe('Google tokeninfo')
    expect(row('odd')[2]).toBe('header')
  })

  it('says when each answer was checked, with the local time on hover', () => {
    render(ScopesTable, { accountId: 7, scopes: [{ ...scopes[0]!, checked_at: Math.floor(Date.now() / 1000) - 300 }] })
    const time = screen.getByText('5 min ago')
    expect(time.tagName).toBe('TIME')
    expect(time.getAttribute('title')).toBeTruthy()
  })

  it('checks again, shows progress, lists what changed and updates the table', async () => {
    let finish!: (value: unknown) => void
    answer('check_scopes', () => new Promise((resolve) => (finish = resolve)))
    render(ScopesTable, { accountId: 7, scopes })
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }))
    const busy = screen.getByRole<HTMLButtonElement>('button', { name: 'Checking…' })
    expect(busy.disabled).toBe(true)
    expect(invoke).toHaveBeenCalledWith('check_scopes', { account: 7 })

    finish({
      scopes: [{ ...scopes[0]!, status: 'not_granted', source: 'introspection' }],
      changes: [{ scope: 'openid', before: 'granted', after: 'not_granted' }],
    })
    expect(await screen.findByText('openid: Granted → Requested but not granted')).toBeTruthy()
    expect(row('openid').slice(1, 3)).toEqual(['Requested but not granted', 'Introspection'])
    expect(screen.queryByRole('rowheader', { name: 'email' })).toBeNull()
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Check again' }).disabled).toBe(false)
  })

  it('says when nothing changed', async () => {
    answer('check_scopes', { scopes, changes: [] })
    render(ScopesTable, { accountId: 7, scopes })
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }))
    expect(await screen.findByText('Nothing changed.')).toBeTruthy()
  })

  it('says in place why the check failed, and keeps the table', async () => {
    fail('check_scopes', { code: 'provider_unreachable', message: 'Grantry Sandbox could not be reached; try again later.' })
    render(ScopesTable, { accountId: 7, scopes })
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }))
    await settle()
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('The scopes could not be checked.')
    expect(alert.textContent).toContain('Grantry Sandbox could not be reached; try again later.')
    expect(row('openid')[1]).toBe('Granted')
  })

  it('says when no scopes are recorded', () => {
    render(ScopesTable, { accountId: 7, scopes: [] })
    expect(screen.getByText('No scopes are recorded for this account.')).toBeTruthy()
  })

  it('offers no Take back where the provider lets scopes go only all together', () => {
    render(ScopesTable, { accountId: 7, scopes })
    expect(screen.queryByRole('button', { name: /Take back/ })).toBeNull()
  })

  it('takes one granted scope back after a question, and shows what changed', async () => {
    answer('revoke_scope', () => ({
      scopes: [{ ...scopes[3]!, status: 'declined', source: 'permissions' }],
      changes: [{ scope: 'user_posts', before: 'granted', after: 'declined' }],
    }))
    render(ScopesTable, { accountId: 7, scopes, revocable: true, providerName: 'Facebook' })
    expect(screen.queryByRole('button', { name: 'Take back email' })).toBeNull()
    await fireEvent.click(screen.getByRole('button', { name: 'Take back user_posts' }))
    const dialog = screen.getByRole('dialog')
    expect(dialog.textContent).toContain('Grantry will ask Facebook to take back')
    expect(dialog.textContent).toContain('keeps its other permissions')
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Take back' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('revoke_scope', { account: 7, scope: 'user_posts' })
    expect(await screen.findByText('user_posts: Granted → Declined')).toBeTruthy()
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('says in the dialog why a scope could not be taken back, and changes nothing', async () => {
    fail('revoke_scope', { code: 'unreachable', message: 'Facebook could not be reached' })
    render(ScopesTable, { accountId: 7, scopes, revocable: true, providerName: 'Facebook' })
    await fireEvent.click(screen.getByRole('button', { name: 'Take back openid' }))
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Take back' }))
    await settle()
    expect(screen.getByRole('dialog').textContent).toContain('Facebook could not be reached')
    expect(row('openid')[1]).toBe('Granted')
  })
})
