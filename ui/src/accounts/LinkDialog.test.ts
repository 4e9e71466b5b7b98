import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { answer, fail, invoke } from '../test/tauri'
import LinkDialog from './LinkDialog.svelte'

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

describe('LinkDialog', () => {
  it('explains the scopes, starts the link with the ticked ones and waits', async () => {
    answer('list_providers', [sandbox])
    answer('start_link', {
      authorization_url: 'http://127.0.0.1:1/authorize',
      state: 's',
      expires_at: 2e9,
    })
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
})
