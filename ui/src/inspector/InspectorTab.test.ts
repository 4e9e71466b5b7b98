import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HttpExchange, Inspection } from '../lib/ipc'
import { answer, emitEvent, fail, invoke, settle } from '../test/tauri'
import InspectorTab from './InspectorTab.svelte'

const NOW = 1_750_000_000
const b = (value: object) => JSON.stringify(value)

function exchange(overrides: Partial<HttpExchange> = {}): HttpExchange {
  return {
    at: NOW,
    method: 'POST',
    url: 'http://127.0.0.1:7461/token',
    status: 200,
    request_body: 'grant_type=refresh_token&refresh_token=[redacted]',
    response_body: b({ access_token: '[redacted]', token_type: 'Bearer', expires_in: 3600 }),
    duration_ms: 12,
    error: null,
    operation: 'refresh',
    ...overrides,
  }
}

function inspection(overrides: Partial<Inspection> = {}): Inspection {
  return {
    account_id: 7,
    access_token: { shape: 'opaque', length: 43 },
    id_token: {
      shape: 'jwt',
      header: b({ alg: 'ES256', kid: 'k1' }),
      claims: b({ iss: 'http://127.0.0.1:7461', sub: 'sub-alice', nonce: 'n-123', exp: NOW + 600 }),
    },
    token_response: exchange(),
    token_type: 'Bearer',
    binding: null,
    ...overrides,
  }
}

const log = [
  exchange({ status: 400, operation: 'refresh', response_body: b({ error: 'invalid_grant' }) }),
  exchange({ status: 503, operation: 'refresh' }),
  exchange({ method: 'GET', url: 'http://127.0.0.1:7461/userinfo', operation: 'link' }),
]

async function open(shown: Inspection = inspection(), exchanges: HttpExchange[] = log) {
  answer('inspect_account', shown)
  answer('account_http_log', exchanges)
  render(InspectorTab, { accountId: 7 })
  await screen.findByTestId('access-token')
  await settle()
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW * 1000)
})

afterEach(() => {
  vi.useRealTimers()
})

describe('InspectorTab', () => {
  it('says it is inspecting until the answer comes', () => {
    answer('inspect_account', () => new Promise(() => {}))
    answer('account_http_log', [])
    render(InspectorTab, { accountId: 7 })
    expect(screen.getByText('Inspecting the account…')).toBeTruthy()
  })

  it("shows the ID token's claims with meanings, and says an opaque access token is not a JWT", async () => {
    await open()
    const idToken = screen.getByTestId('id-token')
    const sub = idToken.querySelector('[data-claim="sub"]')!
    expect(sub.textContent).toContain('sub-alice')
    expect(sub.textContent).toContain('Subject')
    expect(idToken.querySelector('[data-claim="nonce"]')!.textContent).toContain('n-123')
    expect(idToken.querySelector('[data-claim="exp"]')!.textContent).toContain('in 10 min')
    expect(idToken.querySelector('[data-claim="kid"]')!.textContent).toContain('Key id')
    expect(screen.getByTestId('access-token-claims').textContent).toContain('Not a JWT: an opaque token of 43 characters')
  })

  it('says an unsigned (alg none) ID token is not a verified one, and still shows what it claims', async () => {
    await open(
      inspection({
        id_token: { shape: 'unsecured', header: b({ alg: 'none' }), claims: b({ sub: 'mallory' }) },
      }),
    )
    const idToken = screen.getByTestId('id-token')
    expect(screen.getByTestId('id-token-unsigned').textContent).toContain('not a verified ID token')
    expect(idToken.querySelector('[data-claim="sub"]')!.textContent).toContain('mallory')
    expect(idToken.textContent).not.toContain('The signature is not shown')
  })

  it('says so when there is no ID token, and when claims are not JSON', async () => {
    await open(inspection({ id_token: null, access_token: { shape: 'jwt', header: '{}', claims: 'garbage' } }))
    expect(screen.getByTestId('no-id-token')).toBeTruthy()
    expect(screen.getByTestId('access-token-claims').textContent).toContain('The claims are not JSON.')
  })

  it('lists the exchanges newest first and filters them by operation', async () => {
    await open()
    expect(screen.getAllByTestId('exchange')).toHaveLength(4) // the token response, then the log
    const list = screen.getByTestId('exchanges')
    expect(
      within(list)
        .getAllByTestId('exchange')
        .map((e) => e.querySelector('.status')!.textContent),
    ).toEqual(['HTTP 400', 'HTTP 503', 'HTTP 200'])
    await fireEvent.change(screen.getByTestId('exchange-filter'), { target: { value: 'link' } })
    expect(within(screen.getByTestId('exchanges')).getAllByTestId('exchange')).toHaveLength(1)
    expect(screen.getByText(/HTTP exchanges/).textContent).toContain('(1)')
  })

  it('reveals the access token only when asked, and hides it again', async () => {
    await open()
    expect(screen.queryByTestId('revealed-token')).toBeNull()
    expect(invoke).not.toHaveBeenCalledWith('reveal_access_token', expect.anything())
    answer('reveal_access_token', 'sbx_at_secret')
    await fireEvent.click(screen.getByTestId('reveal-token'))
    expect((await screen.findByTestId('revealed-token')).textContent).toBe('sbx_at_secret')
    await fireEvent.click(screen.getByTestId('hide-token'))
    expect(screen.queryByTestId('revealed-token')).toBeNull()
    expect(document.body.textContent).not.toContain('sbx_at_secret')
  })

  it('has the app copy the access token, which never comes to the page', async () => {
    await open()
    answer('copy_access_token', null)
    await fireEvent.click(screen.getByTestId('copy-token'))
    await waitFor(() => expect(screen.getByTestId('copy-token').textContent).toContain('Copied'))
    expect(invoke).toHaveBeenCalledWith('copy_access_token', { account: 7 })
    fail('copy_access_token', { code: 'internal', message: 'the access token could not be copied to the clipboard: no X' })
    await fireEvent.click(screen.getByTestId('copy-token'))
    expect((await screen.findByRole('alert')).textContent).toContain('no X')
    expect(screen.getByTestId('copy-token').textContent).not.toContain('Copied')
  })

  it('forces expiry and says what happens next; a failure is said as an alert', async () => {
    await open()
    answer('expire_access_token', null)
    await fireEvent.click(screen.getByTestId('force-expire'))
    expect((await screen.findByTestId('inspector-outcome')).textContent).toContain('now counts as expired')
    fail('expire_access_token', { code: 'unknown_account', message: 'no account 7' })
    await fireEvent.click(screen.getByTestId('force-expire'))
    expect((await screen.findByRole('alert')).textContent).toContain('no account 7')
  })

  it('exports the report where the person chose, and says nothing when they cancelled', async () => {
    await open()
    answer('export_account_report', null)
    await fireEvent.click(screen.getByTestId('export-report'))
    await settle()
    expect(screen.queryByTestId('inspector-outcome')).toBeNull()
    answer('export_account_report', '/home/qa/report.json')
    await fireEvent.click(screen.getByTestId('export-report'))
    expect((await screen.findByTestId('inspector-outcome')).textContent).toBe('Report saved to /home/qa/report.json')
  })

  it("loads again when the account's history grows, not another's", async () => {
    await open()
    const calls = () => invoke.mock.calls.filter(([c]) => c === 'inspect_account').length
    const before = calls()
    emitEvent({ kind: 'activity_recorded', entry: { id: 9, at: NOW, kind: 'token_refreshed', detail: 'x', account_id: 8, exchanges: 0 } })
    await settle()
    expect(calls()).toBe(before)
    emitEvent({ kind: 'activity_recorded', entry: { id: 10, at: NOW, kind: 'token_refreshed', detail: 'x', account_id: 7, exchanges: 1 } })
    await settle()
    expect(calls()).toBe(before + 1)
  })

  it('shows an error panel when the account cannot be inspected', async () => {
    fail('inspect_account', { code: 'keyring_unavailable', message: 'The keyring is locked.' })
    answer('account_http_log', [])
    render(InspectorTab, { accountId: 7 })
    expect((await screen.findByText(/The keyring is locked/)).textContent).toBeTruthy()
  })

  it('says a bearer token works for whoever holds it', async () => {
    await open()
    expect(screen.getByTestId('token-type').textContent).toBe('Bearer')
    expect(screen.queryByTestId('key-thumbprint')).toBeNull()
  })

  it("shows a DPoP token's key and that its opaque token leaves the binding to the provider", async () => {
    await open(inspection({ token_type: 'DPoP', binding: { key_thumbprint: 'jkt-123', token_jkt: null, matches: null } }))
    const binding = screen.getByTestId('token-binding')
    expect(within(binding).getByTestId('token-type').textContent).toBe('DPoP')
    expect(within(binding).getByTestId('key-thumbprint').textContent).toBe('jkt-123')
    expect(within(binding).getByTestId('token-jkt').textContent).toContain('the provider keeps the binding')
  })

  it('asks the provider which key an opaque DPoP token is bound to', async () => {
    await open(inspection({ token_type: 'DPoP', binding: { key_thumbprint: 'jkt-123', token_jkt: null, matches: null } }))
    answer('check_dpop_binding', { active: true, jkt: 'jkt-123', matches: true })
    await fireEvent.click(screen.getByTestId('ask-binding'))
    await waitFor(() => expect(screen.getByTestId('provider-binding-matches').textContent).toContain("account's key"))
    expect(invoke).toHaveBeenCalledWith('check_dpop_binding', { account: 7 })
    expect(screen.getByTestId('provider-binding').textContent).toContain('jkt-123')
  })

  it('says when the provider names another key, or refuses to answer', async () => {
    await open(inspection({ token_type: 'DPoP', binding: { key_thumbprint: 'jkt-123', token_jkt: null, matches: null } }))
    answer('check_dpop_binding', { active: true, jkt: 'other', matches: false })
    await fireEvent.click(screen.getByTestId('ask-binding'))
    await waitFor(() => expect(screen.getByTestId('provider-binding').textContent).toContain("not the account's key"))
    fail('check_dpop_binding', { code: 'invalid_input', message: 'sandbox offers no introspection endpoint' })
    await fireEvent.click(screen.getByTestId('ask-binding'))
    await waitFor(() => expect(screen.getByTestId('provider-binding').textContent).toContain('no introspection endpoint'))
  })

  it("says whether a JWT access token's cnf.jkt is the account's key", async () => {
    await open(inspection({ token_type: 'DPoP', binding: { key_thumbprint: 'k', token_jkt: 'k', matches: true } }))
    expect(screen.getByTestId('binding-matches').textContent).toContain('matches')
    cleanup()
    await open(inspection({ token_type: 'DPoP', binding: { key_thumbprint: 'k', token_jkt: 'other', matches: false } }))
    expect(screen.getByRole('alert').textContent).toContain('does not match')
  })
})
