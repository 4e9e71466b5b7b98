import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import { answer, fail, invoke, settle } from '../test/tauri'
import AddScopesDialog from './AddScopesDialog.svelte'
import { detail, sandboxProvider, started } from './fixtures'

function show(onClose: (linked: boolean) => void = () => {}) {
  const scopes = detail().scopes
  scopes.push({ scope: 'profile', description: 'See your name and picture', status: 'declined', source: 'token_response', checked_at: 0 })
  render(AddScopesDialog, {
    accountId: 7,
    scopes,
    known: sandboxProvider.environments[0]!.scopes,
    providerName: 'Grantry Sandbox',
    onClose,
  })
}

const start = () => fireEvent.click(screen.getByRole('button', { name: 'Continue in browser' }))
const typed = (value: string) => fireEvent.input(screen.getByLabelText('Another scope'), { target: { value } })

describe('AddScopesDialog', () => {
  it('offers the known scopes the account lacks, declined ones included', () => {
    show()
    expect(screen.getByRole('dialog', { name: 'Add scopes' })).toBeTruthy()
    const offered = screen.getAllByRole('checkbox').map((box) => (box as HTMLInputElement).value)
    expect(offered).toEqual(['profile', 'offline_access'])
    expect(screen.getByText(/now Declined/)).toBeTruthy()
  })

  it('asks for at least one scope', async () => {
    show()
    await start()
    expect(screen.getByRole('alert').textContent).toBe('Pick at least one scope to ask for, or type one.')
    expect(invoke).not.toHaveBeenCalledWith('link_account_again', expect.anything())
  })

  it('refuses a typed scope with spaces, saying why, next to the field', async () => {
    show()
    await typed('read user')
    await start()
    const field = screen.getByLabelText('Another scope')
    expect(field.getAttribute('aria-invalid')).toBe('true')
    const problem = document.getElementById(field.getAttribute('aria-describedby')!)!
    expect(problem.textContent).toBe('A scope is one word without spaces, such as read:user.')
    expect(invoke).not.toHaveBeenCalledWith('link_account_again', expect.anything())
  })

  it('refuses a typed scope the account already has', async () => {
    show()
    await typed('email')
    await start()
    expect(screen.getByRole('alert').textContent).toBe('email is already granted.')
  })

  it('asks for a typed scope alone, then waits for the browser', async () => {
    answer('link_account_again', started)
    show()
    await typed('  read:user ')
    await start()
    expect(await screen.findByText('Finish in your browser.')).toBeTruthy()
    expect(invoke).toHaveBeenCalledWith('link_account_again', { account: 7, scopes: ['read:user'] })
  })

  it('says why the link could not start, and stays open', async () => {
    fail('link_account_again', { code: 'invalid_input', message: 'Grantry Sandbox does not know the scope x.' })
    show()
    await typed('x')
    await start()
    await settle()
    expect((await screen.findByRole('alert')).textContent).toBe('Grantry Sandbox does not know the scope x.')
    expect(screen.getByRole('button', { name: 'Continue in browser' })).toBeTruthy()
  })

  it('closes as not linked with Cancel', async () => {
    const onClose = vi.fn()
    show(onClose)
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(onClose).toHaveBeenCalledExactlyOnceWith(false)
  })
})
