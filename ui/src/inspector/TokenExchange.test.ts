import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ExchangeResult } from '../lib/ipc'
import { axeViolations } from '../test/axe'
import { answer, fail, invoke, settle } from '../test/tauri'
import TokenExchange from './TokenExchange.svelte'

const NOW = 1_750_000_000
const API = 'https://api.sandbox.grantry.test'
const b = (value: object) => JSON.stringify(value)

function result(overrides: Partial<ExchangeResult> = {}): ExchangeResult {
  return {
    handle: 3,
    account_id: 7,
    subject: 'access',
    audience: API,
    resource: null,
    issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    token_type: 'Bearer',
    expires_at: NOW + 3600,
    scopes: ['openid', 'email'],
    token: {
      shape: 'jwt',
      header: b({ alg: 'ES256', kid: 'k1', typ: 'JWT' }),
      claims: b({ aud: API, sub: 'user-alice', scope: 'openid email', exp: NOW + 3600 }),
    },
    ...overrides,
  }
}

async function exchanged(shown: ExchangeResult = result()) {
  answer('exchange_token', shown)
  render(TokenExchange, { accountId: 7 })
  await fireEvent.input(screen.getByLabelText('Audience'), { target: { value: ` ${API} ` } })
  await fireEvent.input(screen.getByLabelText('Scopes'), { target: { value: 'openid  email' } })
  await fireEvent.click(screen.getByTestId('exchange-submit'))
  await screen.findByTestId('exchange-result')
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW * 1000)
})

afterEach(() => {
  vi.useRealTimers()
})

describe('TokenExchange', () => {
  it('sends what the form says, trimmed, with empty fields left out', async () => {
    await exchanged()
    expect(invoke).toHaveBeenCalledWith('exchange_token', {
      account: 7,
      request: {
        subject: 'access',
        audience: API,
        resource: null,
        scopes: ['openid', 'email'],
        requested_token_type: null,
      },
    })
  })

  it('asks for the token and type chosen', async () => {
    answer('exchange_token', result({ subject: 'id' }))
    render(TokenExchange, { accountId: 7 })
    await fireEvent.change(screen.getByLabelText('Token to exchange'), { target: { value: 'id' } })
    await fireEvent.change(screen.getByLabelText('Requested token type'), { target: { value: 'jwt' } })
    await fireEvent.input(screen.getByLabelText('Resource'), { target: { value: 'https://files.sandbox.grantry.test/' } })
    await fireEvent.click(screen.getByTestId('exchange-submit'))
    await screen.findByTestId('exchange-result')
    const request = (invoke.mock.calls.find((call) => call[0] === 'exchange_token')![1] as { request: object }).request
    expect(request).toEqual({
      subject: 'id',
      audience: null,
      resource: 'https://files.sandbox.grantry.test/',
      scopes: [],
      requested_token_type: 'jwt',
    })
  })

  it('shows the answer decoded, the audience among the claims, and never the token unasked', async () => {
    await exchanged()
    expect(screen.getByTestId('exchange-issued').textContent).toContain(':access_token')
    expect(screen.getByTestId('exchange-scopes-granted').textContent).toContain('openid email')
    expect(screen.getByTestId('exchange-result').textContent).toContain('in 1 h')
    const aud = screen.getByTestId('exchange-claims').querySelector('[data-claim="aud"]')!
    expect(aud.textContent).toContain(API)
    expect(screen.queryByTestId('exchange-revealed')).toBeNull()
    expect(invoke).not.toHaveBeenCalledWith('reveal_exchanged_token', expect.anything())
  })

  it('reveals the token on request, hides it again, and copies it through the app', async () => {
    await exchanged()
    answer('reveal_exchanged_token', 'eyJ.exchanged.token')
    await fireEvent.click(screen.getByTestId('exchange-reveal'))
    expect((await screen.findByTestId('exchange-revealed')).textContent).toBe('eyJ.exchanged.token')
    expect(invoke).toHaveBeenCalledWith('reveal_exchanged_token', { handle: 3 })
    await fireEvent.click(screen.getByTestId('exchange-hide'))
    expect(screen.queryByTestId('exchange-revealed')).toBeNull()

    answer('copy_exchanged_token', undefined)
    await fireEvent.click(screen.getByTestId('exchange-copy'))
    await waitFor(() => expect(screen.getByTestId('exchange-copy').textContent).toContain('Copied'))
    expect(invoke).toHaveBeenCalledWith('copy_exchanged_token', { handle: 3 })
    expect(document.body.textContent).not.toContain('eyJ.exchanged.token')
  })

  it('saves the token through the app, and says where', async () => {
    await exchanged()
    answer('save_exchanged_token', null)
    await fireEvent.click(screen.getByTestId('exchange-save'))
    await settle()
    expect(screen.queryByTestId('exchange-saved')).toBeNull()
    answer('save_exchanged_token', '/home/alice/api.jwt')
    await fireEvent.click(screen.getByTestId('exchange-save'))
    expect((await screen.findByTestId('exchange-saved')).textContent).toContain('/home/alice/api.jwt')
    expect(invoke).toHaveBeenCalledWith('save_exchanged_token', { handle: 3 })
    fail('save_exchanged_token', { code: 'invalid_input', message: 'could not be saved: File exists' })
    await fireEvent.click(screen.getByTestId('exchange-save'))
    expect((await screen.findByRole('alert')).textContent).toContain('File exists')
  })

  it("says the provider's refusal, and a refused reveal, as an alert", async () => {
    fail('exchange_token', {
      code: 'provider_error',
      message: 'sandbox refused: invalid_target (it does not know the audience or resource asked for)',
    })
    render(TokenExchange, { accountId: 7 })
    await fireEvent.click(screen.getByTestId('exchange-submit'))
    expect((await screen.findByRole('alert')).textContent).toContain('does not know the audience')
    expect(screen.queryByTestId('exchange-result')).toBeNull()

    cleanup()
    await exchanged()
    fail('reveal_exchanged_token', { code: 'invalid_input', message: 'that exchanged token is no longer held' })
    await fireEvent.click(screen.getByTestId('exchange-reveal'))
    expect((await screen.findByRole('alert')).textContent).toContain('no longer held')
  })

  it('has labelled fields and passes axe, before and after an exchange', async () => {
    render(TokenExchange, { accountId: 7 })
    await settle()
    expect(await axeViolations()).toEqual([])
    cleanup()
    await exchanged()
    expect(await axeViolations()).toEqual([])
  })
})
