// The provider form's draft: built from a preset, from nothing (a custom provider) or from a
// provider as it is saved, and made ready for the engine (trimmed, what does not apply left
// out). The secret typed in the form is in the draft only until it is saved.
import type {
  EnvironmentDraft,
  EnvironmentView,
  PresetView,
  ProviderDraft,
  ProviderView,
  RedirectKind,
  RedirectOptionView,
  SecretNeed,
} from '../lib/ipc'
import { customRedirects } from './words'

/** How a custom environment finds its endpoints: from its issuer's discovery, or typed in. */
export type EndpointMode = 'discovery' | 'manual'

export function blankEnvironment(over: Partial<EnvironmentDraft> = {}): EnvironmentDraft {
  return {
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
    client_id: '',
    client_auth: 'none',
    redirect: 'loopback',
    redirect_uri: null,
    scopes: [],
    client_secret: null,
    ...over,
  }
}

/** A new provider from a preset: its id and name, its site's default, first redirect and default scopes. */
export function draftFromPreset(preset: PresetView): ProviderDraft {
  return {
    id: preset.id,
    name: preset.name,
    preset: preset.id,
    allow_plain_http_loopback: false,
    refresh_plain_http_in_background: false,
    environments: [
      blankEnvironment({
        site: preset.site ? preset.site.default : null,
        redirect: preset.redirects[0]?.kind ?? 'loopback',
        scopes: [...preset.default_scopes],
      }),
    ],
  }
}

/** A new custom (OpenID Connect / OAuth 2) provider. */
export function customDraft(): ProviderDraft {
  return {
    id: '',
    name: '',
    preset: null,
    allow_plain_http_loopback: false,
    refresh_plain_http_in_background: false,
    environments: [blankEnvironment({ scopes: ['openid'] })],
  }
}

/** Whether a redirect kind carries a URI the person types (a provider's scheme, a bridge page). */
function typedUri(kind: RedirectKind): boolean {
  return kind === 'provider_scheme' || kind === 'bridge'
}

function environmentDraft(env: EnvironmentView): EnvironmentDraft {
  return {
    name: env.name,
    site: env.site,
    issuer: env.issuer,
    authorization_endpoint: env.authorization_endpoint,
    token_endpoint: env.token_endpoint,
    userinfo_endpoint: env.userinfo_endpoint,
    revocation_endpoint: env.revocation_endpoint,
    pushed_authorization_request_endpoint: env.pushed_authorization_request_endpoint,
    pushed_authorization: env.pushed_authorization,
    dpop: env.dpop,
    client_id: env.client_id,
    client_auth: env.client_auth,
    redirect: env.redirect,
    // The view's URI is the one to register; only a typed one belongs in the form.
    redirect_uri: typedUri(env.redirect) ? env.redirect_uri : null,
    scopes: [...env.scopes],
    // Never known to the form: null keeps the stored one.
    client_secret: null,
  }
}

/** The form for a saved provider: everything as it is, the secret left empty (kept). */
export function draftFromView(view: ProviderView): ProviderDraft {
  return {
    id: view.id,
    name: view.name,
    preset: view.preset,
    allow_plain_http_loopback: view.allow_plain_http_loopback,
    refresh_plain_http_in_background: view.refresh_plain_http_in_background,
    environments: view.environments.map(environmentDraft),
  }
}

/** How a saved environment's endpoints were given: an issuer means discovery. */
export function endpointMode(env: Pick<EnvironmentDraft, 'issuer' | 'authorization_endpoint'>): EndpointMode {
  return !env.issuer && env.authorization_endpoint ? 'manual' : 'discovery'
}

/** The redirects the form offers: the preset's, else every kind. */
export function redirectOptions(preset: PresetView | null): RedirectOptionView[] {
  return preset ? preset.redirects : customRedirects
}

/** The chosen redirect's option, if the form offers it. */
export function redirectOption(env: EnvironmentDraft, preset: PresetView | null): RedirectOptionView | undefined {
  return redirectOptions(preset).find((option) => option.kind === env.redirect)
}

/**
 * Whether the environment takes a client secret: for a preset the chosen redirect decides
 * (a desktop client has none, a web one needs it); for a custom provider, its client
 * authentication (a public client and private_key_jwt, whose key Grantry makes, take none).
 */
export function secretNeed(env: EnvironmentDraft, preset: PresetView | null): SecretNeed {
  if (preset) return redirectOption(env, preset)?.secret ?? 'none'
  return env.client_auth === 'none' || env.client_auth === 'private_key_jwt' ? 'none' : 'required'
}

/** Whether the chosen redirect needs a URI typed in the form. */
export function needsUri(env: EnvironmentDraft, preset: PresetView | null): boolean {
  return redirectOption(env, preset)?.needs_url ?? false
}

/** Scopes typed as text (spaces or commas between them) added to a list, each once. */
export function addScopes(list: string[], typed: string): string[] {
  const added = typed.split(/[\s,]+/).filter(Boolean)
  return [...new Set([...list, ...added])]
}

const text = (value: string | null): string | null => {
  const trimmed = value?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}

/**
 * The draft as the engine takes it: text trimmed, empty text as null, and nothing that does
 * not apply: a preset's endpoints (the preset fills them), a custom environment's endpoints
 * when it uses discovery or its issuer when they are typed in, a URI the redirect does not
 * take, a secret it does not take (an empty one keeps what is stored).
 */
export function draftForEngine(draft: ProviderDraft, preset: PresetView | null, modes: EndpointMode[]): ProviderDraft {
  return {
    id: draft.id.trim(),
    name: draft.name.trim(),
    preset: draft.preset,
    allow_plain_http_loopback: draft.allow_plain_http_loopback,
    // Background refresh over plain http means nothing without plain http.
    refresh_plain_http_in_background: draft.allow_plain_http_loopback && draft.refresh_plain_http_in_background,
    environments: draft.environments.map((env, index) => {
      const manual = !preset && modes[index] === 'manual'
      const endpoint = (value: string | null) => (manual ? text(value) : null)
      return {
        name: env.name.trim(),
        site: preset?.site ? text(env.site) : null,
        issuer: preset || manual ? null : text(env.issuer),
        authorization_endpoint: endpoint(env.authorization_endpoint),
        token_endpoint: endpoint(env.token_endpoint),
        userinfo_endpoint: endpoint(env.userinfo_endpoint),
        revocation_endpoint: endpoint(env.revocation_endpoint),
        pushed_authorization_request_endpoint: endpoint(env.pushed_authorization_request_endpoint),
        pushed_authorization: env.pushed_authorization,
        dpop: env.dpop,
        client_id: env.client_id.trim(),
        client_auth: preset ? 'none' : env.client_auth,
        redirect: env.redirect,
        redirect_uri: needsUri(env, preset) ? text(env.redirect_uri) : null,
        scopes: [...env.scopes],
        // A secret is taken as typed: spaces may belong to it.
        client_secret: secretNeed(env, preset) === 'none' || !env.client_secret ? null : env.client_secret,
      }
    }),
  }
}
