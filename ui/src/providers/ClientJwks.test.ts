import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { axeViolations } from '../test/axe'
import { answer, fail, invoke, settle } from '../test/tauri'
import { customView, discovered, environment } from './fixtures'
import ProvidersScreen from './ProvidersScreen.svelte'

const jwks = {
  provider: 'signed',
  environment: 'production',
  kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x-part', y: 'y-part', kid: 'NzbL', alg: 'ES256', use: 'sig' }] },
  audience: 'https://sso.corp.example',
}

const signed = customView({
  id: 'signed',
  name: 'Signed SSO',
  environments: [
    environment({
      issuer: 'https://sso.corp.example',
      client_id: 'corp-app',
      client_auth: 'private_key_jwt',
      has_secret: false,
      pushed_authorization: true,
      dpop: true,
    }),
  ],
})

async function show() {
  answer('list_provider_views', [signed])
  render(ProvidersScreen)
  await screen.findByTestId('providers-list')
  await settle()
  return within(document.querySelector<HTMLElement>('[data-provider-id=signed] [data-environment=production]')!)
}

describe('a private_key_jwt environment', () => {
  it('shows its public JWKS on request, with Copy and Export, and stays accessible', async () => {
    const env = await show()
    expect(env.getByText('Signed with a key Grantry makes (private_key_jwt)')).toBeTruthy()
    expect(env.getByTestId('par-state').textContent).toContain('Always')
    expect(env.getByTestId('dpop-state').textContent).toContain('On: each account has a key of its own')
    answer('client_jwks', jwks)
    await fireEvent.click(env.getByRole('button', { name: 'Show the public JWKS of production' }))
    const text = await env.findByTestId('client-jwks-text')
    expect(JSON.parse(text.textContent ?? '')).toEqual(jwks.jwks)
    expect(invoke).toHaveBeenCalledWith('client_jwks', { provider: 'signed', environment: 'production' })
    expect(env.getByText(jwks.kid)).toBeTruthy()
    expect(env.getByRole('button', { name: 'Copy the public JWKS of production' })).toBeTruthy()

    answer('export_client_jwks', '/home/tester/signed-production-jwks.json')
    await fireEvent.click(env.getByRole('button', { name: 'Export the public JWKS of production' }))
    expect((await env.findByTestId('client-jwks-saved')).textContent).toContain('signed-production-jwks.json')
    expect(await axeViolations()).toEqual([])
  })

  it('says why the JWKS could not be shown', async () => {
    const env = await show()
    fail('client_jwks', { code: 'keyring', message: 'the OS keyring is locked' })
    await fireEvent.click(env.getByTestId('show-client-jwks'))
    expect((await env.findByRole('alert')).textContent).toContain('keyring is locked')
  })

  it('asks the provider whether it requires pushed requests', async () => {
    const env = await show()
    answer('test_discovery', { ...discovered, pushed_authorization_required: true })
    await fireEvent.click(env.getByTestId('check-par'))
    expect((await env.findByTestId('par-required')).textContent).toContain('Required by the provider')
    expect(invoke).toHaveBeenCalledWith('test_discovery', { issuer: 'https://sso.corp.example' })
  })
})
