// What the Sandbox screen's tests script the Rust side to answer.
import type { ActiveFault, SandboxOverview, SandboxStatus } from '../lib/ipc'

export const running: SandboxStatus = { state: 'running', issuer: 'http://127.0.0.1:7461' }

export const overview: SandboxOverview = {
  issuer: 'http://127.0.0.1:7461',
  personality: 'generic',
  require_pushed_authorization_requests: false,
  dpop: { required: false, nonce: false },
  clients: [
    {
      client_id: 'grantry-desktop',
      name: 'Grantry Desktop',
      auth: 'none',
      redirect_uris: ['dev.grantry:/oauth/callback', 'http://127.0.0.1/callback'],
      removable: false,
    },
    {
      client_id: 'grantry-confidential',
      name: 'Grantry Confidential',
      auth: 'secret',
      redirect_uris: ['dev.grantry:/oauth/callback'],
      removable: true,
    },
  ],
  users: [
    { sub: 'user-alice', login: 'alice', name: 'Alice Tester', email: 'alice@sandbox.grantry.test' },
    { sub: 'user-bob', login: 'bob', name: 'Bob Tester', email: 'bob@sandbox.grantry.test' },
  ],
  scopes: [{ name: 'openid', description: 'Sign you in' }],
}

export const serverError: ActiveFault = { id: 1, endpoint: 'token', kind: 'status', status: 503, count: 2 }
export const slow: ActiveFault = { id: 2, endpoint: 'any', kind: 'latency', ms: 2000, count: null }
