import { cleanup, fireEvent, render, screen } from '@testing-library/svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

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
  beforeEach(() => {
    invoke.mockReset()
  })
  afterEach(cleanup)

  it('explains the scopes, starts the link with the ticked ones and waits', async () => {
    invoke.mockImplementation(async (command: string) => {
      if (command === 'list_providers') return [sandbox]
      if (command === 'start_link') {
        return { authorization_url: 'http://127.0.0.1:1/authorize', state: 's', expires_at: 2e9 }
      }
      throw new Error(`unexpected ${command}`)
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
    invoke.mockImplementation(async (command: string) => {
      if (command === 'list_providers') return [sandbox]
      throw { code: 'keyring_unavailable', message: 'the OS keyring is locked' }
    })
    render(LinkDialog, { onClose: () => {} })
    await screen.findByText('See your email address')
    await fireEvent.click(screen.getByText('Link'))
    expect((await screen.findByRole('alert')).textContent).toContain('the OS keyring is locked')
    expect(screen.getByText('Link')).toBeTruthy()
  })
})
