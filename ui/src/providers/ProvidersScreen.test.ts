import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { answer, emitEvent, fail, invoke, settle } from '../test/tauri'
import { customView, googleView, presets, sandboxView } from './fixtures'
import ProvidersScreen from './ProvidersScreen.svelte'

const listCalls = () => invoke.mock.calls.filter(([command]) => command === 'list_provider_views').length
const card = (id: string) => document.querySelector<HTMLElement>(`[data-testid=provider][data-provider-id="${id}"]`)!

async function show(list = [sandboxView, googleView(), customView()]) {
  answer('list_provider_views', list)
  render(ProvidersScreen)
  await screen.findByTestId('providers-list')
  await settle()
}

describe('ProvidersScreen', () => {
  it('says it is loading until the providers arrive', () => {
    answer('list_provider_views', () => new Promise(() => {}))
    render(ProvidersScreen)
    expect(screen.getByRole('heading', { level: 1, name: 'Providers' })).toBeTruthy()
    expect(screen.getByText('Loading providers…')).toBeTruthy()
  })

  it('says why the providers could not be listed, and tries again', async () => {
    fail('list_provider_views', { code: 'storage', message: 'providers.toml cannot be read' })
    render(ProvidersScreen)
    expect((await screen.findByRole('alert')).textContent).toContain('providers.toml cannot be read')
    answer('list_provider_views', [sandboxView])
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByTestId('providers-list')).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('lists the sandbox first, read only, then the others with their kind and accounts', async () => {
    await show([googleView(), sandboxView, customView()])
    const ids = [...document.querySelectorAll('[data-testid=provider]')].map((el) => el.getAttribute('data-provider-id'))
    expect(ids).toEqual(['sandbox', 'google', 'corp'])
    const sandbox = within(card('sandbox'))
    expect(sandbox.getByText('Built in')).toBeTruthy()
    expect(sandbox.getByText('2 linked accounts')).toBeTruthy()
    expect(sandbox.queryByRole('button', { name: /Edit|Remove/ })).toBeNull()
    expect(sandbox.getByText(/cannot be changed or removed/)).toBeTruthy()
    const google = within(card('google'))
    expect(google.getByText('Google preset')).toBeTruthy()
    expect(google.getByText('3 linked accounts')).toBeTruthy()
    expect(google.getByRole('button', { name: 'Edit Google' })).toBeTruthy()
    expect(google.getByRole('button', { name: 'Remove Google' })).toBeTruthy()
    expect(within(card('corp')).getByText('Custom')).toBeTruthy()
    expect(within(card('corp')).getByText('No linked accounts')).toBeTruthy()
    expect(screen.queryByTestId('providers-empty')).toBeNull()
  })

  it('says which plain-http environments are never refreshed in the background', async () => {
    const local = customView({
      id: 'local',
      name: 'Local IdP',
      allow_plain_http_loopback: true,
      environments: [customView().environments[0]!].map((env) => ({
        ...env,
        issuer: 'http://127.0.0.1:8080',
        plain_http: true,
        refreshed_in_background: false,
      })),
    })
    await show([sandboxView, googleView(), local])
    expect(within(card('local')).getByTestId('plain-http').textContent).toMatch(/never refreshed in the\s+background, only when you ask/)
    expect(within(card('sandbox')).getByTestId('plain-http').textContent).toContain('refreshed in the background')
    expect(within(card('google')).queryByTestId('plain-http')).toBeNull()
  })

  it('shows each environment: redirect in words, the URI to register with Copy, client id, secret', async () => {
    await show()
    const env = within(card('google').querySelector<HTMLElement>('[data-environment=production]')!)
    expect(env.getByText('Loopback on this computer (127.0.0.1)')).toBeTruthy()
    expect(env.getByTestId('redirect-uri').textContent).toBe('http://127.0.0.1/oauth/callback')
    expect(env.getByRole('button', { name: 'Copy the redirect URI of production' })).toBeTruthy()
    expect(env.getByTestId('client-id').textContent).toBe('1234-abc.apps.googleusercontent.com')
    expect(env.getByTestId('secret-state').textContent).toBe('Stored in the OS keyring')
    expect(env.getByText('Client secret in the request body')).toBeTruthy()
    const sandbox = within(card('sandbox'))
    expect(sandbox.getByTestId('secret-state').textContent).toBe('None stored')
    expect(sandbox.getByText('Grantry’s own link (dev.grantry:)')).toBeTruthy()
    expect(within(card('corp')).getByText('https://sso.corp.example')).toBeTruthy()
    // No engine identifier reaches the screen.
    expect(document.body.textContent).not.toMatch(/custom_scheme|secret_post|loopback\b/)
  })

  it('says how to go on when only the sandbox is there', async () => {
    await show([sandboxView])
    const empty = screen.getByTestId('providers-empty')
    expect(within(empty).getByRole('heading', { name: 'No providers of your own yet' })).toBeTruthy()
    answer('list_presets', presets)
    await fireEvent.click(within(empty).getByRole('button', { name: 'Add a provider' }))
    expect(await screen.findByRole('dialog', { name: 'Add a provider' })).toBeTruthy()
  })

  it('says how to go on when there is no provider at all', async () => {
    answer('list_provider_views', [])
    render(ProvidersScreen)
    expect(await screen.findByTestId('providers-empty')).toBeTruthy()
    expect(screen.queryByTestId('providers-list')).toBeNull()
  })

  it('loads again when the providers or the accounts change', async () => {
    await show()
    const before = listCalls()
    emitEvent({ kind: 'sandbox_changed' })
    await settle()
    expect(listCalls()).toBe(before)
    answer('list_provider_views', [sandboxView, googleView({ name: 'Google Workspace', accounts: 4 })])
    emitEvent({ kind: 'providers_changed' })
    expect(await screen.findByRole('heading', { name: 'Google Workspace' })).toBeTruthy()
    expect(screen.getByText('4 linked accounts')).toBeTruthy()
    emitEvent({ kind: 'accounts_changed' })
    await settle()
    expect(listCalls()).toBe(before + 2)
  })

  it('opens the Add dialog at once when asked to', async () => {
    answer('list_provider_views', [sandboxView])
    answer('list_presets', presets)
    render(ProvidersScreen, { startAdding: true })
    expect(await screen.findByRole('dialog', { name: 'Add a provider' })).toBeTruthy()
    expect(await screen.findByTestId('preset-google')).toBeTruthy()
  })

  it('edits a provider in its form, then says it was saved and marks it', async () => {
    await show()
    answer('list_presets', presets)
    answer('check_provider', { errors: [], relink: [] })
    answer('save_provider', googleView({ name: 'Google Mail' }))
    await fireEvent.click(screen.getByRole('button', { name: 'Edit Google' }))
    const dialog = await screen.findByRole('dialog', { name: 'Edit Google' })
    await within(dialog).findByLabelText('Client id')
    answer('list_provider_views', [sandboxView, googleView({ name: 'Google Mail' })])
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('Google Mail was saved.')).toBeTruthy()
    expect(screen.queryByRole('dialog')).toBeNull()
    await settle()
    expect(card('google').classList.contains('highlighted')).toBe(true)
  })

  it('removes a provider after asking, and says so', async () => {
    await show()
    answer('remove_provider', undefined)
    await fireEvent.click(screen.getByRole('button', { name: 'Remove Corp SSO' }))
    const dialog = screen.getByRole('dialog', { name: 'Remove Corp SSO' })
    answer('list_provider_views', [sandboxView, googleView()])
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }))
    expect(await screen.findByText('Corp SSO was removed.')).toBeTruthy()
    expect(invoke).toHaveBeenCalledWith('remove_provider', { provider: 'corp', accounts: 'forget' })
    await settle()
    expect(card('corp')).toBeNull()
    expect(screen.queryByRole('dialog')).toBeNull()
  })
})
