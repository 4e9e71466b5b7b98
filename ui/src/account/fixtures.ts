// Accounts as the engine describes them, for the account screen's tests.
import type { AccountDetail, AccountSummary, ProviderOption, TokenInfo } from '../lib/ipc'

/** Fixed "now" for tests that set the clock: 2023-11-14T22:13:20Z. */
export const NOW = 1_700_000_000

export function summary(over: Partial<AccountSummary> = {}): AccountSummary {
  return {
    id: 7,
    provider: 'sandbox',
    environment: 'local',
    subject: 'sub-alice-42',
    display_name: 'Alice Example',
    email: 'alice@example.test',
    picture_url: null,
    access_expires_at: NOW + 3600,
    scope_count: 2,
    status: 'valid',
    status_reason: null,
    has_refresh_token: true,
    failing_refresh: null,
    ...over,
  }
}

export function tokens(over: Partial<TokenInfo> = {}): TokenInfo {
  return {
    access_expires_at: NOW + 3600,
    access_issued_at: NOW,
    has_refresh_token: true,
    last_refresh_at: null,
    next_refresh_at: NOW + 3480,
    refreshes: 0,
    rotations: 0,
    data_access_expires_at: null,
    ...over,
  }
}

export function detail(over: Partial<AccountDetail> = {}): AccountDetail {
  return {
    account: summary(),
    scopes: [
      { scope: 'openid', description: 'Sign you in', status: 'granted', source: 'token_response', checked_at: NOW },
      { scope: 'email', description: 'See your email address', status: 'granted', source: 'token_response', checked_at: NOW },
    ],
    tokens: tokens(),
    timeline: [
      { id: 2, at: NOW + 60, kind: 'token_refreshed', detail: 'tokens of Alice refreshed', account_id: 7, exchanges: 0 },
      { id: 1, at: NOW, kind: 'account_linked', detail: 'Alice linked at sandbox', account_id: 7, exchanges: 0 },
    ],
    revocable: true,
    manage_access_url: null,
    scopes_revocable: false,
    grant_end: {
      at: null,
      source: 'unknown',
      words: 'no end is known: the provider says none, and publishes no rule Grantry knows',
      doc_url: null,
    },
    break_cause: null,
    ...over,
  }
}

/** An account at a provider that offers no way to revoke (Microsoft): removed by hand instead. */
export function unrevocableDetail(over: Partial<AccountDetail> = {}): AccountDetail {
  return detail({
    account: summary({ provider: 'outlook', environment: 'consumers' }),
    revocable: false,
    manage_access_url: 'https://account.live.com/consent/Manage',
    ...over,
  })
}

export const sandboxProvider: ProviderOption = {
  id: 'sandbox',
  name: 'Grantry Sandbox',
  environments: [
    {
      name: 'local',
      device: 'possible',
      scopes: [
        { scope: 'openid', description: 'Sign you in' },
        { scope: 'email', description: 'See your email address' },
        { scope: 'profile', description: 'See your name and picture' },
        { scope: 'offline_access', description: 'Stay signed in' },
      ],
    },
  ],
}

export const microsoftProvider: ProviderOption = {
  id: 'outlook',
  name: 'Microsoft',
  environments: [
    {
      name: 'consumers',
      device: 'never',
      scopes: [
        { scope: 'openid', description: 'Sign you in' },
        { scope: 'offline_access', description: 'Stay signed in' },
      ],
    },
  ],
}

export const started = { authorization_url: 'http://127.0.0.1:1/authorize', state: 'link-7', expires_at: 2e9 }
