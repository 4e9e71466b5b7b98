import { describe, expect, it } from 'vitest'
import {
  addScopes,
  customDraft,
  draftForEngine,
  draftFromPreset,
  draftFromView,
  endpointMode,
  needsUri,
  redirectOptions,
  secretNeed,
} from './draft'
import { customView, googlePreset, googleView, microsoftPreset, sandboxView } from './fixtures'
import { customRedirects } from './words'

describe('draftFromPreset', () => {
  it('takes the preset id and name, production, the first redirect and the default scopes', () => {
    const draft = draftFromPreset(googlePreset)
    expect(draft).toMatchObject({ id: 'google', name: 'Google', preset: 'google' })
    expect(draft.environments).toHaveLength(1)
    expect(draft.environments[0]).toMatchObject({
      name: 'production',
      site: null,
      client_id: '',
      redirect: 'loopback',
      redirect_uri: null,
      scopes: ['openid', 'email'],
      client_secret: null,
    })
    // A copy: ticking scopes in the form leaves the preset alone.
    draft.environments[0]!.scopes.push('profile')
    expect(googlePreset.default_scopes).toEqual(['openid', 'email'])
  })

  it("fills the preset's site field with its default", () => {
    expect(draftFromPreset(microsoftPreset).environments[0]!.site).toBe('common')
  })
})

describe('draftFromView', () => {
  it('takes every environment as saved, and never a secret', () => {
    const draft = draftFromView(googleView())
    expect(draft).toMatchObject({ id: 'google', name: 'Google', preset: 'google' })
    expect(draft.environments[0]).toMatchObject({
      name: 'production',
      client_id: '1234-abc.apps.googleusercontent.com',
      client_auth: 'secret_post',
      redirect: 'loopback',
      scopes: ['openid', 'email'],
      client_secret: null,
    })
  })

  it('keeps a typed redirect URI (bridge, provider scheme), not a computed one', () => {
    expect(draftFromView(googleView()).environments[0]!.redirect_uri).toBeNull()
    expect(draftFromView(customView()).environments[0]!.redirect_uri).toBe('https://corp.example/grantry/callback')
  })

  it('tells discovery from endpoints typed in', () => {
    expect(endpointMode(draftFromView(customView()).environments[0]!)).toBe('discovery')
    const typed = { issuer: null, authorization_endpoint: 'https://x.example/authorize' }
    expect(endpointMode(typed)).toBe('manual')
    expect(endpointMode({ issuer: null, authorization_endpoint: null })).toBe('discovery')
    expect(endpointMode(draftFromView(sandboxView).environments[0]!)).toBe('discovery')
  })
})

describe('redirects and secrets', () => {
  it("offers the preset's redirects, else every kind", () => {
    expect(redirectOptions(googlePreset)).toBe(googlePreset.redirects)
    expect(redirectOptions(null)).toBe(customRedirects)
  })

  it("lets a preset's redirect decide the secret, and a custom provider's client authentication", () => {
    const env = draftFromPreset(googlePreset).environments[0]!
    expect(secretNeed(env, googlePreset)).toBe('required')
    expect(secretNeed({ ...env, redirect: 'provider_scheme' }, googlePreset)).toBe('none')
    expect(secretNeed({ ...env, redirect: 'custom_scheme' }, googlePreset)).toBe('none')
    const custom = customDraft().environments[0]!
    expect(secretNeed(custom, null)).toBe('none')
    expect(secretNeed({ ...custom, client_auth: 'secret_basic' }, null)).toBe('required')
  })

  it('asks for a URI only where the redirect takes one', () => {
    const env = draftFromPreset(googlePreset).environments[0]!
    expect(needsUri(env, googlePreset)).toBe(false)
    expect(needsUri({ ...env, redirect: 'bridge' }, googlePreset)).toBe(true)
    expect(needsUri({ ...env, redirect: 'provider_scheme' }, googlePreset)).toBe(false)
    expect(needsUri({ ...env, redirect: 'provider_scheme' }, null)).toBe(true)
  })
})

describe('addScopes', () => {
  it('adds scopes typed with spaces or commas, each once', () => {
    expect(addScopes(['openid'], ' email, profile  openid ')).toEqual(['openid', 'email', 'profile'])
    expect(addScopes(['openid'], '  ')).toEqual(['openid'])
  })
})

describe('draftForEngine', () => {
  it("trims, leaves a preset's endpoints to it and drops a secret its redirect does not take", () => {
    const draft = draftFromPreset(googlePreset)
    draft.id = ' google '
    draft.environments[0] = {
      ...draft.environments[0]!,
      client_id: ' abc ',
      issuer: 'https://stale.example',
      redirect: 'provider_scheme',
      redirect_uri: 'com.example:/x',
      client_secret: 'shh',
    }
    const sent = draftForEngine(draft, googlePreset, ['discovery'])
    expect(sent.id).toBe('google')
    expect(sent.environments[0]).toMatchObject({
      client_id: 'abc',
      issuer: null,
      authorization_endpoint: null,
      client_auth: 'none',
      redirect_uri: null,
      client_secret: null,
    })
  })

  it('sends a typed secret as typed, and an empty one as null (keep the stored one)', () => {
    const draft = draftFromPreset(googlePreset)
    draft.environments[0]!.client_secret = ' s3cret '
    expect(draftForEngine(draft, googlePreset, []).environments[0]!.client_secret).toBe(' s3cret ')
    draft.environments[0]!.client_secret = ''
    expect(draftForEngine(draft, googlePreset, []).environments[0]!.client_secret).toBeNull()
  })

  it("keeps a preset's site, and a bridge's URI", () => {
    const draft = draftFromPreset(microsoftPreset)
    draft.environments[0]!.site = ' contoso.onmicrosoft.com '
    expect(draftForEngine(draft, microsoftPreset, []).environments[0]!.site).toBe('contoso.onmicrosoft.com')
    const google = draftFromPreset(googlePreset)
    google.environments[0] = { ...google.environments[0]!, redirect: 'bridge', redirect_uri: ' https://me.example/cb ' }
    expect(draftForEngine(google, googlePreset, []).environments[0]!.redirect_uri).toBe('https://me.example/cb')
  })

  it('sends a custom issuer without endpoints, or endpoints without an issuer', () => {
    const draft = customDraft()
    draft.environments[0] = {
      ...draft.environments[0]!,
      issuer: 'https://sso.example',
      authorization_endpoint: 'https://sso.example/a',
      token_endpoint: '  ',
      client_auth: 'secret_basic',
    }
    const discovery = draftForEngine(draft, null, ['discovery']).environments[0]!
    expect(discovery).toMatchObject({
      issuer: 'https://sso.example',
      authorization_endpoint: null,
      token_endpoint: null,
      client_auth: 'secret_basic',
    })
    const manual = draftForEngine(draft, null, ['manual']).environments[0]!
    expect(manual).toMatchObject({ issuer: null, authorization_endpoint: 'https://sso.example/a', token_endpoint: null })
  })
})
