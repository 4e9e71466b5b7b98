import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProviderDraft, ProviderView } from '../lib/ipc'
import { answer, fail, invoke, settle } from '../test/tauri'
import { axeViolations } from '../test/axe'
import { customView, discovered, environment, googleView, presets } from './fixtures'
import ProviderEditor from './ProviderEditor.svelte'

/** Opens the editor (adding, or editing `provider`), with the presets loaded. */
async function open(provider: ProviderView | null = null) {
  answer('list_presets', presets)
  const onSaved = vi.fn()
  const onClose = vi.fn()
  render(ProviderEditor, { provider, onSaved, onClose, checkDelay: 0 })
  if (provider) await screen.findByLabelText('Client id')
  else await screen.findByTestId('preset-google')
  return { onSaved, onClose }
}

async function pick(testid: string) {
  await fireEvent.click(screen.getByTestId(testid))
  await screen.findByLabelText('Client id')
}

const type = (label: string | RegExp, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } })
/** Lets the debounced check (0 ms in these tests) run and its answer arrive. */
const checked = async () => {
  await settle()
  await settle()
}
const lastCall = (command: string) =>
  invoke.mock.calls.filter(([c]) => c === command).at(-1)?.[1] as { draft: ProviderDraft; editing: string | null } | undefined
const errorOf = (label: string | RegExp) => {
  const input = screen.getByLabelText(label)
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? []
  return ids.map((id) => document.getElementById(id)!).find((el) => el.classList.contains('error-text'))?.textContent ?? null
}

// The engine finds nothing wrong unless a test says otherwise.
beforeEach(() => answer('check_provider', { errors: [], relink: [] }))

describe('ProviderEditor: choosing', () => {
  it('says it is loading the presets', () => {
    answer('list_presets', () => new Promise(() => {}))
    render(ProviderEditor, { provider: null, onSaved: () => {}, onClose: () => {} })
    expect(screen.getByRole('dialog', { name: 'Add a provider' })).toBeTruthy()
    expect(screen.getByText('Loading presets…')).toBeTruthy()
  })

  it('says why the presets could not be loaded, and tries again', async () => {
    fail('list_presets', { code: 'internal', message: 'no presets' })
    render(ProviderEditor, { provider: null, onSaved: () => {}, onClose: () => {} })
    expect((await screen.findByRole('alert')).textContent).toContain('no presets')
    answer('list_presets', presets)
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByTestId('preset-google')).toBeTruthy()
  })

  it('offers the five presets with a line of help, and a custom provider', async () => {
    await open()
    for (const id of ['google', 'facebook', 'github', 'microsoft', 'gitlab', 'custom']) {
      expect(screen.getByTestId(`preset-${id}`)).toBeTruthy()
    }
    expect(screen.getByRole('button', { name: /^Google Gmail, Calendar, Drive/ })).toBeTruthy()
    expect(screen.getByRole('button', { name: /^Custom \(OpenID Connect \/ OAuth 2\)/ })).toBeTruthy()
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('preset-google')))
  })

  it('goes back to the choice', async () => {
    await open()
    await pick('preset-github')
    await fireEvent.click(screen.getByRole('button', { name: 'Choose another provider' }))
    expect(screen.getByRole('dialog', { name: 'Add a provider' })).toBeTruthy()
    expect(screen.getByTestId('preset-gitlab')).toBeTruthy()
  })

  it('closes with Cancel', async () => {
    const { onClose } = await open()
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(onClose).toHaveBeenCalledOnce()
  })
})

describe('ProviderEditor: a preset', () => {
  it('fills in the preset and puts focus in the form', async () => {
    await open()
    await pick('preset-google')
    expect(screen.getByRole('dialog', { name: 'Add Google' })).toBeTruthy()
    expect(screen.getByLabelText<HTMLInputElement>('Name').value).toBe('Google')
    expect(document.activeElement).toBe(screen.getByLabelText('Name'))
    expect(screen.getByLabelText<HTMLInputElement>('Provider id').value).toBe('google')
    expect(screen.getByLabelText<HTMLInputElement>('Environment name').value).toBe('production')
    expect(screen.getByLabelText<HTMLInputElement>('Client id').value).toBe('')
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /^Desktop app \(loopback\)/ }).checked).toBe(true)
    expect(screen.getByText(/Google gives it a secret that is not secret/)).toBeTruthy()
    const secret = screen.getByLabelText<HTMLInputElement>('Client secret')
    expect(secret.type).toBe('password')
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /See your email address/ }).checked).toBe(true)
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /See your name and picture/ }).checked).toBe(false)
    const consoleLink = screen.getByTestId('console-link')
    expect(consoleLink).toBe(screen.getByRole('button', { name: 'Google’s developer console (opens in your browser)' }))
    expect(consoleLink.getAttribute('title')).toBe('https://console.cloud.google.com/apis/credentials')
    expect(screen.queryByLabelText('Issuer URL')).toBeNull()
  })

  it("has the app open the preset's developer console, and says in place when it could not", async () => {
    await open()
    await pick('preset-microsoft')
    answer('open_provider_console', null)
    await fireEvent.click(screen.getByTestId('console-link'))
    await settle()
    expect(invoke).toHaveBeenCalledWith('open_provider_console', { preset: 'microsoft' })
    expect(screen.queryByRole('alert')).toBeNull()

    fail('open_provider_console', { code: 'internal', message: 'No browser could be opened.' })
    await fireEvent.click(screen.getByTestId('console-link'))
    const alert = await within(screen.getByTestId('form-client')).findByRole('alert')
    expect(alert.textContent.replace(/\s+/g, ' ').trim()).toBe('Microsoft’s developer console did not open. No browser could be opened.')
    // Still in the form, nothing lost; a later success clears the message.
    expect(screen.getByRole('dialog', { name: 'Add Microsoft' })).toBeTruthy()
    answer('open_provider_console', null)
    await fireEvent.click(screen.getByTestId('console-link'))
    await settle()
    expect(screen.queryByTestId('console-problem')).toBeNull()
  })

  it("asks for the preset's site, and a secret only where its redirect takes one", async () => {
    await open()
    await pick('preset-microsoft')
    expect(screen.getByLabelText<HTMLInputElement>('Tenant').value).toBe('common')
    expect(screen.getByText('common, organizations, consumers or your tenant id.')).toBeTruthy()
    expect(screen.queryByLabelText(/Client secret/)).toBeNull()
    await fireEvent.click(screen.getByRole('radio', { name: /^Mobile and desktop \(Grantry link\)/ }))
    expect(screen.getByLabelText('Client secret (optional)')).toBeTruthy()
  })

  it("asks for a bridge's https address", async () => {
    await open()
    await pick('preset-google')
    expect(screen.queryByLabelText('Bridge page address')).toBeNull()
    await fireEvent.click(screen.getByRole('radio', { name: /^Web application through a bridge page/ }))
    await type('Bridge page address', 'https://me.example/cb')
    await checked()
    expect(lastCall('check_provider')!.draft.environments[0]).toMatchObject({ redirect: 'bridge', redirect_uri: 'https://me.example/cb' })
  })

  it('has the engine check the draft as it is typed, and says each problem under its field', async () => {
    answer('check_provider', ({ draft }: { draft: ProviderDraft }) => ({
      errors: [
        { field: 'id', message: 'A provider google already exists.' },
        draft.environments[0]!.client_id ? null : { field: 'environments.0.client_id', message: 'The client id is needed.' },
        { field: 'environments', message: 'Something about all environments.' },
      ].filter(Boolean),
      relink: [],
    }))
    await open()
    await pick('preset-google')
    await checked()
    const call = lastCall('check_provider')
    expect(call?.draft).toMatchObject({ id: 'google', preset: 'google' })
    expect(call?.editing).toBeNull()
    // A prefilled field says what is wrong at once; an empty one waits until it was left.
    expect(errorOf('Provider id')).toBe('A provider google already exists.')
    expect(screen.getByLabelText('Provider id').getAttribute('aria-invalid')).toBe('true')
    expect(errorOf('Client id')).toBeNull()
    expect(screen.queryByTestId('form-problems')).toBeNull()
    await fireEvent.focusOut(screen.getByLabelText('Client id'))
    expect(errorOf('Client id')).toBe('The client id is needed.')
    expect(screen.getByTestId('form-problems').textContent).toContain('Something about all environments.')
    await type('Client id', 'abc')
    await checked()
    expect(errorOf('Client id')).toBeNull()
  })

  it('checks before saving, shows every problem and takes focus to the first', async () => {
    answer('check_provider', { errors: [{ field: 'environments.0.client_id', message: 'The client id is needed.' }], relink: [] })
    const { onSaved } = await open()
    await pick('preset-github')
    await fireEvent.click(screen.getByRole('button', { name: 'Add provider' }))
    await checked()
    expect(errorOf('Client id')).toBe('The client id is needed.')
    expect(document.activeElement).toBe(screen.getByLabelText('Client id'))
    expect(invoke).not.toHaveBeenCalledWith('save_provider', expect.anything())
    expect(onSaved).not.toHaveBeenCalled()
  })

  it('saves the draft with the typed secret, then forgets the secret', async () => {
    const saved = googleView({ accounts: 0 })
    answer('save_provider', saved)
    const { onSaved } = await open()
    await pick('preset-google')
    await type('Client id', ' 1234-abc.apps.googleusercontent.com ')
    await type('Client secret', 'GOCSPX-secret')
    await fireEvent.click(screen.getByRole('checkbox', { name: /See your name and picture/ }))
    await fireEvent.click(screen.getByRole('button', { name: 'Add provider' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalledExactlyOnceWith(saved))
    expect(lastCall('save_provider')).toEqual({
      editing: null,
      draft: {
        id: 'google',
        name: 'Google',
        preset: 'google',
        allow_plain_http_loopback: false,
        refresh_plain_http_in_background: false,
        environments: [
          {
            name: 'production',
            site: null,
            issuer: null,
            authorization_endpoint: null,
            token_endpoint: null,
            userinfo_endpoint: null,
            revocation_endpoint: null,
            pushed_authorization_request_endpoint: null,
            pushed_authorization: false,
            dpop: false,
            client_id: '1234-abc.apps.googleusercontent.com',
            client_auth: 'none',
            redirect: 'loopback',
            redirect_uri: null,
            scopes: ['openid', 'email', 'profile'],
            client_secret: 'GOCSPX-secret',
          },
        ],
      },
    })
    expect(screen.getByLabelText<HTMLInputElement>('Client secret').value).toBe('')
  })

  it('says why saving failed, at the top, and stays open', async () => {
    fail('save_provider', { code: 'keyring_unavailable', message: 'The OS keyring is locked.' })
    const { onSaved } = await open()
    await pick('preset-facebook')
    await fireEvent.click(screen.getByRole('button', { name: 'Add provider' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toBe('The provider was not saved. The OS keyring is locked.')
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('form-problems')))
    expect(onSaved).not.toHaveBeenCalled()
    expect(screen.getByRole('button', { name: 'Add provider' })).toBeTruthy()
  })

  it('says when the engine could not check the form', async () => {
    fail('check_provider', { code: 'internal', message: 'check_provider is not there' })
    await open()
    await pick('preset-gitlab')
    await checked()
    expect(screen.getByTestId('form-problems').textContent).toContain('Grantry could not check the form. check_provider is not there')
  })
})

describe('ProviderEditor: a custom provider', () => {
  it('tests discovery, with progress, and says what it found', async () => {
    let found!: (value: unknown) => void
    answer('test_discovery', () => new Promise((resolve) => (found = resolve)))
    await open()
    await pick('preset-custom')
    expect(screen.getByRole('dialog', { name: 'Add a custom provider' })).toBeTruthy()
    await type('Issuer URL', ' https://sso.corp.example ')
    await fireEvent.click(screen.getByRole('button', { name: 'Test discovery' }))
    expect(invoke).toHaveBeenCalledWith('test_discovery', { issuer: 'https://sso.corp.example' })
    expect(screen.getByRole('button', { name: 'Testing…' })).toBeTruthy()
    expect(screen.getByText('Fetching the discovery document…')).toBeTruthy()
    found(discovered)
    const result = within(await screen.findByTestId('discovery-result'))
    expect(result.getByText('https://sso.corp.example/authorize')).toBeTruthy()
    expect(result.getByText('PKCE with S256').nextElementSibling!.textContent).toBe('Yes')
    expect(result.getByText('Names itself in its answer (iss)').nextElementSibling!.textContent).toBe('No')
    expect(result.getByText('Revocation').nextElementSibling!.textContent).toBe('No')
    expect(result.getByText('Secret in the Authorization header')).toBeTruthy()
    expect(result.getByText(/Signed with a private key/)).toBeTruthy()
    // A scope it supports goes into the scopes with one click.
    const openid = result.getByRole<HTMLButtonElement>('button', { name: /^openid\W+asked for$/ })
    expect(openid.disabled).toBe(true)
    await fireEvent.click(result.getByRole('button', { name: /^groups\W+add to the scopes$/ }))
    expect(within(screen.getByTestId('scope-chips')).getByText('groups')).toBeTruthy()
  })

  it('says why discovery failed, in place', async () => {
    fail('test_discovery', { code: 'provider_error', message: 'The document names another issuer.' })
    await open()
    await pick('preset-custom')
    await fireEvent.click(screen.getByRole('button', { name: 'Test discovery' }))
    expect(screen.getByTestId('discovery-problem').textContent).toBe('Discovery did not work. Enter the issuer URL first.')
    await type('Issuer URL', 'https://sso.corp.example')
    await fireEvent.click(screen.getByRole('button', { name: 'Test discovery' }))
    await settle()
    expect(screen.getByTestId('discovery-problem').textContent).toBe('Discovery did not work. The document names another issuer.')
  })

  it('takes the endpoints by hand, starting from what discovery found', async () => {
    answer('test_discovery', discovered)
    await open()
    await pick('preset-custom')
    await type('Issuer URL', 'https://sso.corp.example')
    await fireEvent.click(screen.getByRole('button', { name: 'Test discovery' }))
    await screen.findByTestId('discovery-result')
    await fireEvent.click(screen.getByRole('radio', { name: 'Enter endpoints by hand' }))
    expect(screen.queryByLabelText('Issuer URL')).toBeNull()
    expect(screen.getByLabelText<HTMLInputElement>('Authorization endpoint').value).toBe('https://sso.corp.example/authorize')
    expect(screen.getByLabelText<HTMLInputElement>('Token endpoint').value).toBe('https://sso.corp.example/token')
    expect(screen.getByLabelText<HTMLInputElement>('Revocation endpoint (optional)').value).toBe('')
    await checked()
    expect(lastCall('check_provider')!.draft.environments[0]).toMatchObject({
      issuer: null,
      authorization_endpoint: 'https://sso.corp.example/authorize',
      userinfo_endpoint: 'https://sso.corp.example/userinfo',
    })
  })

  it('takes scopes as chips, a secret with a secret-based client authentication, and any redirect', async () => {
    await open()
    await pick('preset-custom')
    const chips = () => [...screen.getByTestId('scope-chips').querySelectorAll('li .mono')].map((el) => el.textContent)
    expect(chips()).toEqual(['openid'])
    await type('Add scopes', 'email, groups')
    await fireEvent.keyDown(screen.getByLabelText('Add scopes'), { key: 'Enter' })
    expect(chips()).toEqual(['openid', 'email', 'groups'])
    await fireEvent.click(screen.getByRole('button', { name: 'Remove email' }))
    expect(chips()).toEqual(['openid', 'groups'])

    expect(screen.queryByLabelText(/Client secret/)).toBeNull()
    await fireEvent.change(screen.getByLabelText('Client authentication'), { target: { value: 'secret_basic' } })
    expect(screen.getByLabelText('Client secret')).toBeTruthy()

    expect(screen.getAllByRole('radio', { name: /./ }).filter((r) => r.getAttribute('name') === 'environments.0.redirect')).toHaveLength(5)
    await fireEvent.click(screen.getByRole('radio', { name: /^The provider’s app link/ }))
    expect(screen.getByLabelText('Redirect URI the provider gave your client')).toBeTruthy()
    await checked()
    expect(lastCall('check_provider')!.draft.environments[0]).toMatchObject({
      client_auth: 'secret_basic',
      scopes: ['openid', 'groups'],
      redirect: 'provider_scheme',
    })
  })

  it('takes private_key_jwt without a secret, and the switches that push sign-in requests and bind tokens', async () => {
    await open()
    await pick('preset-custom')
    await fireEvent.change(screen.getByLabelText('Client authentication'), { target: { value: 'private_key_jwt' } })
    expect(screen.queryByLabelText(/Client secret/)).toBeNull()
    expect(screen.getByTestId('private-key-jwt-note').textContent).toContain('public JWKS')
    await fireEvent.click(screen.getByRole('checkbox', { name: /Push each sign-in request to the provider first/ }))
    const dpop = screen.getByRole<HTMLInputElement>('checkbox', { name: /DPoP \(sender-constrained tokens/ })
    expect(dpop.checked).toBe(false)
    await fireEvent.click(dpop)
    await checked()
    expect(lastCall('check_provider')!.draft.environments[0]).toMatchObject({
      client_auth: 'private_key_jwt',
      client_secret: null,
      pushed_authorization: true,
      dpop: true,
    })
    expect(await axeViolations()).toEqual([])
  })

  it('puts errors of the issuer and the scopes under them', async () => {
    answer('check_provider', {
      errors: [
        { field: 'environments.0.issuer', message: 'The issuer must be https.' },
        { field: 'environments.0.scopes.0', message: 'A scope is one word.' },
      ],
      relink: [],
    })
    await open()
    await pick('preset-custom')
    await type('Issuer URL', 'http://sso.example')
    await checked()
    expect(errorOf('Issuer URL')).toBe('The issuer must be https.')
    expect(errorOf('Add scopes')).toBe('A scope is one word.')
  })
})

describe('ProviderEditor: editing', () => {
  it('fills in the saved provider, keeps its id, and keeps a stored secret unless one is typed', async () => {
    answer('save_provider', googleView())
    const { onSaved } = await open(googleView())
    expect(screen.getByRole('dialog', { name: 'Edit Google' })).toBeTruthy()
    expect(screen.queryByTestId('preset-google')).toBeNull()
    expect(screen.getByLabelText<HTMLInputElement>('Provider id').readOnly).toBe(true)
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Name')))
    expect(screen.getByLabelText<HTMLInputElement>('Client id').value).toBe('1234-abc.apps.googleusercontent.com')
    const secret = screen.getByLabelText<HTMLInputElement>('Client secret')
    expect(secret.value).toBe('')
    expect(screen.getByText('A secret is stored; leave empty to keep it.')).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce())
    const sent = lastCall('save_provider')!
    expect(sent.editing).toBe('google')
    expect(sent.draft.environments[0]!.client_secret).toBeNull()
    expect(lastCall('check_provider')!.editing).toBe('google')
  })

  it('shows the DPoP switch as saved, and sends what the person leaves it at', async () => {
    answer('save_provider', customView())
    const bound = customView({ environments: [environment({ issuer: 'https://sso.example', dpop: true })] })
    await open(bound)
    const dpop = screen.getByRole<HTMLInputElement>('checkbox', { name: /DPoP \(sender-constrained tokens/ })
    expect(dpop.checked).toBe(true)
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await settle()
    expect(lastCall('save_provider')!.draft.environments[0]!.dpop).toBe(true)
    await fireEvent.click(dpop)
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await settle()
    expect(lastCall('save_provider')!.draft.environments[0]!.dpop).toBe(false)
  })

  it('reveals the stored secret until the form closes', async () => {
    answer('reveal_client_secret', 'GOCSPX-stored')
    await open(googleView())
    await fireEvent.click(screen.getByRole('button', { name: 'Reveal' }))
    expect(invoke).toHaveBeenCalledWith('reveal_client_secret', { provider: 'google', environment: 'production' })
    expect((await screen.findByTestId('revealed-secret')).textContent).toContain('GOCSPX-stored')
    expect(screen.queryByRole('button', { name: 'Reveal' })).toBeNull()
    expect(screen.getByLabelText<HTMLInputElement>('Client secret').value).toBe('')
  })

  it('says why the secret could not be revealed', async () => {
    fail('reveal_client_secret', { code: 'keyring_unavailable', message: 'The OS keyring is locked.' })
    await open(googleView())
    await fireEvent.click(screen.getByRole('button', { name: 'Reveal' }))
    expect((await screen.findByRole('alert')).textContent).toBe('The secret could not be read. The OS keyring is locked.')
  })

  it('opens a custom provider with endpoints typed in by hand as such', async () => {
    const typed = customView({
      environments: [
        environment({
          issuer: null,
          authorization_endpoint: 'https://x.example/a',
          token_endpoint: 'https://x.example/t',
          client_auth: 'secret_basic',
          has_secret: false,
        }),
      ],
    })
    await open(typed)
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Enter endpoints by hand' }).checked).toBe(true)
    expect(screen.getByLabelText<HTMLInputElement>('Token endpoint').value).toBe('https://x.example/t')
    expect(screen.getByLabelText<HTMLSelectElement>('Client authentication').value).toBe('secret_basic')
    expect(screen.queryByRole('button', { name: 'Reveal' })).toBeNull()
  })

  it('edits one environment at a time, and says problems of another at the top', async () => {
    answer('check_provider', { errors: [{ field: 'environments.1.client_id', message: 'staging: the client id is needed.' }], relink: [] })
    await open(googleView({ environments: [environment(), environment({ name: 'staging', client_id: 'stage-id' })] }))
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await checked()
    expect(screen.getByTestId('form-problems').textContent).toContain('staging: the client id is needed.')
    await fireEvent.change(screen.getByLabelText('Environment to edit'), { target: { value: '1' } })
    expect(screen.getByLabelText<HTMLInputElement>('Client id').value).toBe('stage-id')
    expect(errorOf('Client id')).toBe('staging: the client id is needed.')
  })
})

describe('ProviderEditor: plain http on this computer', () => {
  const allow = 'Allow plain http on 127.0.0.1 and [::1]'
  const background = 'Refresh its accounts in the background too'

  it('is off for a custom provider until ticked, says what it risks, and is sent with the draft', async () => {
    await open()
    await pick('preset-custom')
    const box = screen.getByRole<HTMLInputElement>('checkbox', { name: allow })
    expect(box.checked).toBe(false)
    expect(screen.getByText(/another user of this computer can take the port/)).toBeTruthy()
    expect(screen.getByText(/Names\s+such as localhost are never accepted/)).toBeTruthy()
    expect(screen.queryByRole('checkbox', { name: background })).toBeNull()
    await checked()
    expect(lastCall('check_provider')!.draft).toMatchObject({ allow_plain_http_loopback: false, refresh_plain_http_in_background: false })
    await fireEvent.click(box)
    await fireEvent.click(screen.getByRole('checkbox', { name: background }))
    expect(screen.getByText(/refreshed only when you ask/)).toBeTruthy()
    await checked()
    expect(lastCall('check_provider')!.draft).toMatchObject({ allow_plain_http_loopback: true, refresh_plain_http_in_background: true })
    // Unticked, background refresh over plain http goes with it.
    await fireEvent.click(box)
    await checked()
    expect(lastCall('check_provider')!.draft).toMatchObject({ allow_plain_http_loopback: false, refresh_plain_http_in_background: false })
  })

  it('is not offered for a preset that never runs on this computer', async () => {
    await open()
    await pick('preset-google')
    expect(screen.queryByRole('checkbox', { name: allow })).toBeNull()
  })

  it('opens a saved provider with its opt-ins', async () => {
    await open(customView({ allow_plain_http_loopback: true }))
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: allow }).checked).toBe(true)
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: background }).checked).toBe(false)
  })
})

describe('ProviderEditor: moving an issuer or token endpoint', () => {
  const moved = {
    environment: 'staging',
    accounts: 2,
    change: 'the token endpoint changes from https://a.example/t to https://b.example/t',
  }

  it('says before saving which accounts will need linking again, then saves', async () => {
    answer('check_provider', { errors: [], relink: [moved] })
    answer('save_provider', customView())
    const { onSaved } = await open(customView({ accounts: 2 }))
    await checked()
    const notice = screen.getByTestId('relink-notice')
    expect(notice.textContent).toContain('Saving sends accounts to be linked again.')
    expect(notice.textContent).toContain(`staging: 2 linked accounts; ${moved.change}`)
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce())
  })

  it('stops a save that would do it unseen, and shows it first', async () => {
    let calls = 0
    answer('check_provider', () => ({ errors: [], relink: ++calls > 1 ? [moved] : [] }))
    answer('save_provider', customView())
    const { onSaved } = await open(customView({ accounts: 2 }))
    await checked()
    expect(screen.queryByTestId('relink-notice')).toBeNull()
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await checked()
    const notice = await screen.findByTestId('relink-notice')
    await waitFor(() => expect(document.activeElement).toBe(notice))
    expect(invoke).not.toHaveBeenCalledWith('save_provider', expect.anything())
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce())
  })
})
