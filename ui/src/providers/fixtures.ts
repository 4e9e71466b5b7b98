// Providers and presets as the engine describes them, for the Providers screen's tests.
import type { Discovered, EnvironmentView, PresetView, ProviderView } from '../lib/ipc'

export const googlePreset: PresetView = {
  id: 'google',
  name: 'Google',
  help: 'Gmail, Calendar, Drive and Google sign-in.',
  console_url: 'https://console.cloud.google.com/apis/credentials',
  site: null,
  redirects: [
    {
      kind: 'loopback',
      label: 'Desktop app (loopback)',
      help: 'A "Desktop app" client: Google gives it a secret that is not secret.',
      secret: 'required',
      needs_url: false,
    },
    {
      kind: 'provider_scheme',
      label: 'iOS client',
      help: 'An iOS client: no secret, a scheme from its client id.',
      secret: 'none',
      needs_url: false,
    },
    {
      kind: 'bridge',
      label: 'Web application through a bridge page',
      help: 'A "Web application" client whose https redirect page passes the answer on.',
      secret: 'required',
      needs_url: true,
    },
  ],
  default_scopes: ['openid', 'email'],
  catalogue: [
    { scope: 'openid', description: 'Sign you in' },
    { scope: 'email', description: 'See your email address' },
    { scope: 'profile', description: 'See your name and picture' },
  ],
}

export const microsoftPreset: PresetView = {
  id: 'microsoft',
  name: 'Microsoft',
  help: 'Outlook, OneDrive and work or school accounts.',
  console_url: 'https://entra.microsoft.com/',
  site: { label: 'Tenant', placeholder: 'common', default: 'common', help: 'common, organizations, consumers or your tenant id.' },
  redirects: [
    { kind: 'loopback', label: 'Mobile and desktop (loopback)', help: 'No secret.', secret: 'none', needs_url: false },
    { kind: 'custom_scheme', label: 'Mobile and desktop (Grantry link)', help: 'No secret either.', secret: 'optional', needs_url: false },
  ],
  default_scopes: ['openid', 'offline_access'],
  catalogue: [
    { scope: 'openid', description: 'Sign you in' },
    { scope: 'offline_access', description: 'Stay signed in' },
    { scope: 'User.Read', description: null },
  ],
}

const simple = (id: PresetView['id'], name: string): PresetView => ({
  ...googlePreset,
  id,
  name,
  help: `${name} accounts.`,
  console_url: `https://${id}.example/apps`,
})

export const presets: PresetView[] = [
  googlePreset,
  simple('facebook', 'Facebook'),
  simple('github', 'GitHub'),
  microsoftPreset,
  {
    ...simple('gitlab', 'GitLab'),
    site: {
      label: 'GitLab address',
      placeholder: 'https://gitlab.com',
      default: 'https://gitlab.com',
      help: 'Your own GitLab, or gitlab.com.',
    },
  },
]

export function environment(over: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    name: 'production',
    site: null,
    issuer: null,
    authorization_endpoint: null,
    token_endpoint: null,
    userinfo_endpoint: null,
    revocation_endpoint: null,
    client_id: '1234-abc.apps.googleusercontent.com',
    client_auth: 'secret_post',
    has_secret: true,
    redirect: 'loopback',
    redirect_uri: 'http://127.0.0.1/oauth/callback',
    scopes: ['openid', 'email'],
    plain_http: false,
    refreshed_in_background: true,
    pushed_authorization: false,
    pushed_authorization_request_endpoint: null,
    dpop: false,
    ...over,
  }
}

export const sandboxView: ProviderView = {
  id: 'sandbox',
  name: 'Grantry Sandbox',
  preset: null,
  builtin: true,
  accounts: 2,
  allow_plain_http_loopback: true,
  refresh_plain_http_in_background: true,
  environments: [
    environment({
      name: 'local',
      issuer: 'http://127.0.0.1:7461',
      client_id: 'grantry-desktop',
      client_auth: 'none',
      has_secret: false,
      redirect: 'custom_scheme',
      redirect_uri: 'dev.grantry:/oauth/callback',
      scopes: ['openid', 'email', 'profile', 'offline_access'],
      plain_http: true,
    }),
  ],
}

export function googleView(over: Partial<ProviderView> = {}): ProviderView {
  return {
    id: 'google',
    name: 'Google',
    preset: 'google',
    builtin: false,
    accounts: 3,
    allow_plain_http_loopback: false,
    refresh_plain_http_in_background: false,
    environments: [environment()],
    ...over,
  }
}

export function customView(over: Partial<ProviderView> = {}): ProviderView {
  return {
    id: 'corp',
    name: 'Corp SSO',
    preset: null,
    builtin: false,
    accounts: 0,
    allow_plain_http_loopback: false,
    refresh_plain_http_in_background: false,
    environments: [
      environment({
        name: 'staging',
        issuer: 'https://sso.corp.example',
        client_id: 'grantry',
        client_auth: 'none',
        has_secret: false,
        redirect: 'bridge',
        redirect_uri: 'https://corp.example/grantry/callback',
        scopes: ['openid', 'groups'],
      }),
    ],
    ...over,
  }
}

export const discovered: Discovered = {
  issuer: 'https://sso.corp.example',
  authorization_endpoint: 'https://sso.corp.example/authorize',
  token_endpoint: 'https://sso.corp.example/token',
  userinfo_endpoint: 'https://sso.corp.example/userinfo',
  jwks_uri: 'https://sso.corp.example/jwks',
  revocation_endpoint: null,
  introspection_endpoint: null,
  scopes_supported: ['openid', 'email', 'groups'],
  pkce_s256: true,
  iss_parameter: false,
  pushed_authorization_request_endpoint: null,
  pushed_authorization_required: false,
  auth_methods: ['client_secret_basic', 'private_key_jwt'],
}
