// What the Providers screen calls things: the engine's identifiers (redirect kinds, client
// authentication methods, preset ids) never reach the person as they are.
import type { ClientAuth, PresetId, ProviderView, RedirectKind, RedirectOptionView, RelinkOnSave } from '../lib/ipc'

/** A redirect in a few words, as the list of providers shows it. */
export const redirectWords: Record<RedirectKind, string> = {
  custom_scheme: 'Grantry’s own link (dev.grantry:)',
  provider_scheme: 'The provider’s app link',
  loopback: 'Loopback on this computer (127.0.0.1)',
  bridge: 'A web page that hands the answer to Grantry',
  device: 'A code entered at the provider (device grant)',
}

/**
 * The redirects a custom provider can use. Presets bring their own list (PresetView); a custom
 * provider's secret follows its client authentication instead (see secretNeed in draft.ts).
 */
export const customRedirects: RedirectOptionView[] = [
  {
    kind: 'custom_scheme',
    label: redirectWords.custom_scheme,
    help: 'The browser hands the answer to Grantry through its dev.grantry: link. The provider must accept such a redirect URI.',
    secret: 'optional',
    needs_url: false,
  },
  {
    kind: 'provider_scheme',
    label: redirectWords.provider_scheme,
    help: 'A link scheme the provider gave your client, such as com.example.app:/oauth/callback. Enter it exactly as registered.',
    secret: 'optional',
    needs_url: true,
  },
  {
    kind: 'loopback',
    label: redirectWords.loopback,
    help: 'Grantry listens on 127.0.0.1 on a free port for the answer, as desktop clients do.',
    secret: 'optional',
    needs_url: false,
  },
  {
    kind: 'bridge',
    label: redirectWords.bridge,
    help: 'For providers that accept only https redirects: a page you host at an https address passes the answer on to Grantry.',
    secret: 'optional',
    needs_url: true,
  },
  {
    kind: 'device',
    label: redirectWords.device,
    help: 'No redirect at all: Grantry shows a code that you enter at the provider, in any browser (RFC 8628). The provider’s discovery document must name its device_authorization_endpoint.',
    secret: 'optional',
    needs_url: false,
  },
]

export const clientAuthWords: Record<ClientAuth, string> = {
  none: 'None (a public client, with PKCE)',
  secret_basic: 'Client secret in the Authorization header',
  secret_post: 'Client secret in the request body',
  private_key_jwt: 'Signed with a key Grantry makes (private_key_jwt)',
}

export const presetNames: Record<PresetId, string> = {
  google: 'Google',
  facebook: 'Facebook',
  github: 'GitHub',
  microsoft: 'Microsoft',
  gitlab: 'GitLab',
}

/** What kind of provider it is, for its badge: built in, from a preset, or custom. */
export function kindWord(provider: Pick<ProviderView, 'builtin' | 'preset'>): string {
  if (provider.builtin) return 'Built in'
  if (provider.preset) return `${presetNames[provider.preset]} preset`
  return 'Custom'
}

/** "No linked accounts", "1 linked account", "3 linked accounts". */
export function accountsWords(count: number): string {
  if (count === 0) return 'No linked accounts'
  return `${count} linked account${count === 1 ? '' : 's'}`
}

const authMethods: Record<string, string> = {
  none: 'None (public clients)',
  client_secret_basic: 'Secret in the Authorization header',
  client_secret_post: 'Secret in the request body',
  client_secret_jwt: 'Signed with the secret (not used by Grantry)',
  private_key_jwt: 'Signed with a private key (private_key_jwt)',
  tls_client_auth: 'TLS client certificate (not used by Grantry)',
  self_signed_tls_client_auth: 'Self-signed TLS certificate (not used by Grantry)',
}

/** A token endpoint authentication method a discovery document lists, in words. */
export function authMethodWord(method: string): string {
  return authMethods[method] ?? 'Another method'
}

export const yesNo = (value: boolean): string => (value ? 'Yes' : 'No')

/** "production: 2 linked accounts; the token endpoint changes from … to …". */
export function relinkWords(moved: RelinkOnSave): string {
  return `${moved.environment}: ${accountsWords(moved.accounts)}; ${moved.change}`
}
