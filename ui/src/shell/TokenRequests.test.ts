import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { TokenRequest } from '../lib/ipc'
import { answer, emitOn, invoke, listenerCount, settle } from '../test/tauri'
import TokenRequests from './TokenRequests.svelte'

const request = (id: number, executable = '/usr/bin/thunderbird'): TokenRequest => ({
  id,
  account: 7,
  account_label: 'alice@gmail.com',
  provider: 'Google',
  executable,
  pid: 4242,
})

async function show(waiting: TokenRequest[] = []) {
  answer('pending_token_requests', waiting)
  answer('answer_token_request', true)
  const shown = render(TokenRequests)
  await settle()
  return shown
}

describe('TokenRequests', () => {
  it('asks about a program that asks, naming it, the account and the provider', async () => {
    await show()
    expect(screen.queryByTestId('token-request')).toBeNull()
    emitOn('token_request', request(1))
    await settle()
    const asked = screen.getByTestId('token-request')
    expect(asked.textContent).toContain('/usr/bin/thunderbird')
    expect(asked.textContent).toContain('alice@gmail.com')
    expect(asked.textContent).toContain('Google')
    await fireEvent.click(screen.getByRole('button', { name: 'Allow once' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('answer_token_request', { id: 1, answer: 'allow_once' })
    expect(screen.queryByTestId('token-request')).toBeNull()
  })

  it('shows requests that came while the window was closed, one at a time, oldest first', async () => {
    await show([request(3, '/usr/bin/b'), request(2, '/usr/bin/a')])
    expect(screen.getByTestId('token-request-program').textContent).toBe('/usr/bin/a')
    await fireEvent.click(screen.getByRole('button', { name: 'Always allow' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('answer_token_request', { id: 2, answer: 'always_allow' })
    expect(screen.getByTestId('token-request-program').textContent).toBe('/usr/bin/b')
  })

  it('denies when the dialog is closed, and drops a request answered elsewhere', async () => {
    await show([request(1)])
    await fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' })
    await settle()
    expect(invoke).toHaveBeenCalledWith('answer_token_request', { id: 1, answer: 'deny' })
    emitOn('token_request', request(2))
    await settle()
    expect(screen.getByTestId('token-request')).toBeTruthy()
    emitOn('token_request', { answered: 2 })
    await settle()
    expect(screen.queryByTestId('token-request')).toBeNull()
  })

  it('stops listening when it goes', async () => {
    const shown = await show()
    expect(listenerCount('token_request')).toBe(1)
    shown.unmount()
    await settle()
    expect(listenerCount('token_request')).toBe(0)
  })
})
