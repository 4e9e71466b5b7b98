import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { AccountSummary, SandboxStatus } from '../lib/ipc'
import { axeViolations } from '../test/axe'
import { answer, emitEvent, fail, invoke, settle } from '../test/tauri'
import { overview, running, serverError, slow } from './fixtures'
import SandboxScreen from './SandboxScreen.svelte'

const calls = (command: string) => invoke.mock.calls.filter(([c]) => c === command)

async function show(status: SandboxStatus = running, faults = [serverError]) {
  answer('sandbox_status', status)
  answer('sandbox_overview', overview)
  answer('sandbox_faults', faults)
  render(SandboxScreen, { pollMs: 60_000 })
  await screen.findByTestId('sandbox-status')
  await settle()
}

describe('SandboxScreen', () => {
  it('says it is loading until the sandbox answers', () => {
    answer('sandbox_status', () => new Promise(() => {}))
    render(SandboxScreen)
    expect(screen.getByRole('heading', { level: 1, name: 'Sandbox' })).toBeTruthy()
    expect(screen.getByText('Loading the sandbox…')).toBeTruthy()
  })

  it('shows a running sandbox: issuer with Copy, port, personality, users and clients', async () => {
    await show()
    const status = screen.getByTestId('sandbox-status')
    expect(status.dataset.state).toBe('running')
    expect(within(status).getByRole('heading', { name: 'Running' })).toBeTruthy()
    expect(screen.getByTestId('sandbox-issuer').textContent).toBe('http://127.0.0.1:7461')
    expect(screen.getByRole('button', { name: 'Copy the issuer URL' })).toBeTruthy()
    expect(screen.getByTestId('sandbox-port').textContent).toBe('7461')
    expect(screen.getByTestId('sandbox-personality').textContent).toBe('Generic OpenID Connect provider')
    const users = [...document.querySelectorAll<HTMLElement>('[data-testid=sandbox-user]')].map((u) => u.dataset.login)
    expect(users).toEqual(['alice', 'bob'])
    const clients = within(screen.getByTestId('sandbox-clients'))
    expect(clients.getByText('grantry-desktop')).toBeTruthy()
    expect(clients.getByText(/confidential \(secret\)/)).toBeTruthy()
    expect(clients.queryByRole('button', { name: 'Remove client grantry-desktop' })).toBeNull()
    expect(clients.getByText("Grantry's own")).toBeTruthy()
    expect(clients.getByRole('button', { name: 'Remove client grantry-confidential' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy()
    expect(screen.queryByTestId('sandbox-start')).toBeNull()
  })

  it('stops the sandbox, then starts it on a typed port; a bad port changes nothing', async () => {
    await show()
    const stopped: SandboxStatus = { state: 'stopped', port: 7461 }
    answer('stop_sandbox', stopped)
    answer('sandbox_status', stopped)
    await fireEvent.click(screen.getByRole('button', { name: 'Stop' }))
    await settle()
    expect(screen.getByTestId('sandbox-status').dataset.state).toBe('stopped')
    expect(screen.getByTestId('sandbox-why').textContent).toContain('not offered for linking')
    expect(screen.queryByTestId('sandbox-users')).toBeNull()

    const port = screen.getByLabelText<HTMLInputElement>('Port')
    await fireEvent.input(port, { target: { value: 'seventy' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }))
    expect(screen.getByRole('alert').textContent).toContain('whole number from 0 to 65535')
    expect(calls('start_sandbox')).toHaveLength(0)

    answer('start_sandbox', { state: 'running', issuer: 'http://127.0.0.1:9000' })
    answer('sandbox_status', { state: 'running', issuer: 'http://127.0.0.1:9000' })
    await fireEvent.input(port, { target: { value: '9000' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('start_sandbox', { port: 9000 })
    expect(screen.getByTestId('sandbox-port').textContent).toBe('9000')
  })

  it('says why a sandbox that failed is not running, and follows sandbox_changed', async () => {
    await show({ state: 'failed', message: 'The Grantry Sandbox could not start on 127.0.0.1:7461: Address in use' })
    expect(screen.getByTestId('sandbox-why').textContent).toContain('Address in use')
    expect(screen.getByRole('button', { name: 'Start' })).toBeTruthy()
    answer('sandbox_status', running)
    emitEvent({ kind: 'sandbox_changed' })
    await settle()
    await settle()
    expect(screen.getByTestId('sandbox-status').dataset.state).toBe('running')
  })

  it('shows why a test user cannot be added, and keeps the list', async () => {
    await show()
    fail('add_sandbox_user', {
      code: 'invalid_input',
      message: "\"Dora!\" is not a valid login: 1 to 32 of a-z, 0-9, '.', '_' and '-'",
    })
    await fireEvent.input(screen.getByTestId('sandbox-user-login'), { target: { value: 'Dora!' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Add user' }))
    await settle()
    expect(screen.getByTestId('sandbox-user-error').textContent).toContain('"Dora!" is not a valid login')
    expect(invoke).toHaveBeenCalledWith('add_sandbox_user', { user: { login: 'Dora!', name: null, email: null } })
    expect(document.querySelectorAll('[data-testid=sandbox-user]')).toHaveLength(2)
    expect(screen.getByTestId<HTMLInputElement>('sandbox-user-login').value).toBe('Dora!')
  })

  it('adds a confidential client, redirect URIs one per line, and keeps no secret in the page', async () => {
    await show()
    answer('add_sandbox_client', undefined)
    const clients = within(screen.getByTestId('sandbox-clients'))
    await fireEvent.input(clients.getByLabelText('Client id'), { target: { value: 'qa-app' } })
    await fireEvent.click(clients.getByLabelText('Client secret'))
    await fireEvent.input(clients.getByTestId('sandbox-client-secret'), { target: { value: 's3cret' } })
    await fireEvent.input(clients.getByTestId('sandbox-client-redirects'), {
      target: { value: 'com.example.qa:/cb\n\n http://127.0.0.1/cb \n' },
    })
    await fireEvent.click(clients.getByRole('button', { name: 'Add client' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('add_sandbox_client', {
      client: {
        client_id: 'qa-app',
        name: 'qa-app',
        auth: 'secret',
        client_secret: 's3cret',
        redirect_uris: ['com.example.qa:/cb', 'http://127.0.0.1/cb'],
      },
    })
    expect(document.body.innerHTML).not.toContain('s3cret')
    expect(calls('sandbox_overview').length).toBeGreaterThan(1)
  })

  it('adds a private_key_jwt client with its pasted JWKS, and refuses a JWKS that is not JSON', async () => {
    await show()
    answer('add_sandbox_client', undefined)
    const clients = within(screen.getByTestId('sandbox-clients'))
    await fireEvent.input(clients.getByLabelText('Client id'), { target: { value: 'qa-jwt' } })
    await fireEvent.click(clients.getByLabelText('Signed JWT (private_key_jwt)'))
    await fireEvent.input(clients.getByTestId('sandbox-client-redirects'), { target: { value: 'http://127.0.0.1/callback' } })
    await fireEvent.input(clients.getByLabelText('Public JWKS'), { target: { value: 'not json' } })
    await fireEvent.click(clients.getByRole('button', { name: 'Add client' }))
    await settle()
    expect(clients.getByTestId('sandbox-client-error').textContent).toContain('not JSON')
    expect(calls('add_sandbox_client')).toHaveLength(0)
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }
    await fireEvent.input(clients.getByLabelText('Public JWKS'), { target: { value: JSON.stringify(jwks) } })
    await fireEvent.click(clients.getByRole('button', { name: 'Add client' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('add_sandbox_client', {
      client: {
        client_id: 'qa-jwt',
        name: 'qa-jwt',
        auth: 'private_key_jwt',
        client_secret: null,
        jwks,
        redirect_uris: ['http://127.0.0.1/callback'],
      },
    })
    expect(await axeViolations()).toEqual([])
  })

  it('makes the sandbox require pushed authorization requests, and says a refusal', async () => {
    await show()
    answer('set_sandbox_require_par', undefined)
    const toggle = screen.getByRole('checkbox', { name: /Require pushed authorization requests/ })
    expect((toggle as HTMLInputElement).checked).toBe(false)
    await fireEvent.click(toggle)
    await settle()
    expect(invoke).toHaveBeenCalledWith('set_sandbox_require_par', { required: true })
    fail('set_sandbox_require_par', { code: 'invalid_input', message: 'only the generic personality has it' })
    await fireEvent.click(toggle)
    await settle()
    expect((await screen.findByRole('alert')).textContent).toContain('only the generic personality')
  })

  it('makes the sandbox require DPoP and demand its nonces, shows what is in force, and says a refusal', async () => {
    answer('sandbox_status', running)
    answer('sandbox_overview', { ...overview, dpop: { required: true, nonce: false } })
    answer('sandbox_faults', [])
    render(SandboxScreen, { pollMs: 60_000 })
    await screen.findByTestId('sandbox-status')
    await settle()
    const required = screen.getByRole<HTMLInputElement>('checkbox', { name: /Require DPoP/ })
    const nonce = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Demand DPoP nonces' })
    expect(required.checked).toBe(true)
    expect(nonce.checked).toBe(false)
    expect(await axeViolations()).toEqual([])

    answer('set_sandbox_dpop', { required: true, nonce: true })
    answer('sandbox_overview', { ...overview, dpop: { required: true, nonce: true } })
    await fireEvent.click(nonce)
    await settle()
    expect(invoke).toHaveBeenCalledWith('set_sandbox_dpop', { required: true, nonce: true })
    expect(screen.getByText('The sandbox now requires DPoP proofs and demands its nonces in them.')).toBeTruthy()
    expect(nonce.checked).toBe(true)

    answer('set_sandbox_dpop', { required: false, nonce: true })
    answer('sandbox_overview', { ...overview, dpop: { required: false, nonce: true } })
    await fireEvent.click(required)
    await settle()
    expect(calls('set_sandbox_dpop').at(-1)).toEqual(['set_sandbox_dpop', { required: false, nonce: true }])
    expect(screen.getByText(/takes clients without DPoP proofs and demands its nonces/)).toBeTruthy()

    fail('set_sandbox_dpop', { code: 'invalid_input', message: 'the sandbox is not running' })
    await fireEvent.click(required)
    await settle()
    expect((await screen.findByRole('alert')).textContent).toContain('the sandbox is not running')
    expect(required.checked).toBe(false)
  })

  it('asks before removing a test user, then says the access they gave was revoked', async () => {
    await show()
    answer('remove_sandbox_user', undefined)
    await fireEvent.click(screen.getByRole('button', { name: 'Remove test user bob' }))
    const dialog = screen.getByRole('dialog', { name: 'Remove test user bob' })
    expect(dialog.textContent).toContain('Every grant bob gave is revoked')
    expect(invoke).not.toHaveBeenCalledWith('remove_sandbox_user', { login: 'bob' })
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('remove_sandbox_user', { login: 'bob' })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(screen.getByText(/bob was removed; the access they gave was revoked/)).toBeTruthy()
  })

  it('keeps a test user when the removal is cancelled, and says why one failed', async () => {
    await show()
    await fireEvent.click(screen.getByRole('button', { name: 'Remove test user bob' }))
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(invoke).not.toHaveBeenCalledWith('remove_sandbox_user', { login: 'bob' })
    fail('remove_sandbox_user', { code: 'invalid_input', message: 'no test user bob' })
    await fireEvent.click(screen.getByRole('button', { name: 'Remove test user bob' }))
    const dialog = screen.getByRole('dialog', { name: 'Remove test user bob' })
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('no test user bob')
  })

  it('lists each fault with its endpoint and what is left, and clears one with one click', async () => {
    await show(running, [serverError, slow])
    const items = () => [...document.querySelectorAll<HTMLElement>('[data-testid=sandbox-fault]')]
    expect(items().map((f) => f.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'HTTP 503 on the token endpoint, 2 more requests Clear HTTP 503',
      '2000 ms of latency on every endpoint, until cleared Clear 2000 ms of latency',
    ])
    answer('clear_sandbox_fault', [slow])
    await fireEvent.click(screen.getByRole('button', { name: 'Clear HTTP 503' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('clear_sandbox_fault', { id: 1 })
    expect(items().map((f) => f.dataset.faultId)).toEqual(['2'])
  })

  it('turns a fault on from its switches, and shows a refusal', async () => {
    await show(running, [])
    expect(screen.getByTestId('sandbox-no-faults')).toBeTruthy()
    answer('add_sandbox_fault', [{ ...serverError, id: 5, count: 3 }])
    await fireEvent.input(screen.getByTestId('sandbox-fault-count'), { target: { value: '3' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Turn on' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('add_sandbox_fault', {
      fault: { endpoint: 'token', count: 3, kind: 'status', status: 503 },
    })
    expect(screen.getByTestId('sandbox-fault').dataset.faultId).toBe('5')
    fail('add_sandbox_fault', { code: 'invalid_input', message: 'status must be an HTTP status code (100 to 599)' })
    await fireEvent.click(screen.getByRole('button', { name: 'Turn on' }))
    await settle()
    expect(screen.getByTestId('sandbox-fault-error').textContent).toContain('100 to 599')
  })

  it('links several test users in turn, showing each as it goes, then sums up', async () => {
    await show()
    let finishBob!: () => void
    answer('link_test_user', (args: Record<string, unknown> | undefined) => {
      const login = args?.login as string
      if (login === 'alice') return { id: 11 } as AccountSummary
      if (login === 'bob') return new Promise<AccountSummary>((resolve) => (finishBob = () => resolve({ id: 12 } as AccountSummary)))
      return Promise.reject({ code: 'invalid_input', message: 'the consent page: no such user' })
    })
    await fireEvent.input(screen.getByTestId('sandbox-link-logins'), { target: { value: 'alice, bob, zed' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Link test users' }))
    await settle()
    const step = (login: string) => document.querySelector<HTMLElement>(`[data-testid=sandbox-link-step][data-login=${login}]`)!
    expect(step('alice').dataset.state).toBe('linked')
    expect(step('alice').textContent).toContain('linked, account 11')
    expect(step('bob').dataset.state).toBe('linking')
    expect(step('zed').dataset.state).toBe('waiting')
    expect(screen.getByTestId('sandbox-link-progress').getAttribute('aria-live')).toBe('polite')
    expect(screen.getByTestId('sandbox-link-summary').textContent).toBe('')
    finishBob()
    await settle()
    await settle()
    expect(step('zed').textContent).toContain('failed: the consent page: no such user')
    expect(screen.getByTestId('sandbox-link-summary').textContent).toBe('Linked 2 of 3 test users; zed: the consent page: no such user')
    expect(calls('link_test_user').map(([, args]) => args)).toEqual([{ login: 'alice' }, { login: 'bob' }, { login: 'zed' }])
  })
})
