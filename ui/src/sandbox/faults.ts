// The Sandbox screen's faults in words, and the faults its switches make. The sandbox knows many
// more kinds (README.md, "Admin API"); the screen offers the ones a tester reaches for most.
import type { ActiveFault, Fault, FaultEndpoint } from '../lib/ipc'

/** What a switch of the fault form asks for. */
export type FaultChoice =
  | { kind: 'latency'; ms: number }
  | { kind: 'server_error'; status: number }
  | { kind: 'rate_limited'; retryAfter: number }
  | { kind: 'invalid_grant'; user: string }
  | { kind: 'malformed_json' }
  | { kind: 'ignore_revocation' }
  | { kind: 'device_slow_down' }
  | { kind: 'device_denied' }
  | { kind: 'device_expired' }

/** The fault a choice makes, for `count` requests (`null`: until cleared) to `endpoint`. */
export function faultOf(choice: FaultChoice, endpoint: FaultEndpoint, count: number | null): Fault {
  switch (choice.kind) {
    case 'latency':
      return { endpoint, count, kind: 'latency', ms: choice.ms }
    case 'server_error':
      return { endpoint, count, kind: 'status', status: choice.status }
    case 'rate_limited':
      return { endpoint, count, kind: 'status', status: 429, retry_after: choice.retryAfter }
    case 'invalid_grant':
      // The sandbox applies it to the user's token requests, whatever endpoint says.
      return { endpoint: 'token', count, kind: 'invalid_grant', user: choice.user }
    case 'malformed_json':
      return { endpoint, count, kind: 'malformed_json' }
    case 'ignore_revocation':
      // Only the revocation endpoint can ignore a revocation.
      return { endpoint: 'revoke', count, kind: 'ignore_revocation' }
    case 'device_slow_down':
    case 'device_denied':
    case 'device_expired':
      // Taken by device code polls at the token endpoint only.
      return { endpoint: 'token', count, kind: choice.kind }
  }
}

/** What a fault does, in a few words. */
export function faultWords(fault: Fault): string {
  switch (fault.kind) {
    case 'latency':
      return `${fault.ms} ms of latency`
    case 'status':
      return fault.retry_after === undefined || fault.retry_after === null
        ? `HTTP ${fault.status}`
        : `HTTP ${fault.status}, Retry-After ${fault.retry_after} s`
    case 'malformed_json':
      return 'Malformed JSON'
    case 'invalid_grant':
      return `invalid_grant for ${fault.user}`
    case 'refuse_connections':
      return 'Connections refused'
    case 'ignore_revocation':
      return 'Revocations accepted and ignored'
    case 'device_slow_down':
      return 'Device code polls told to slow down'
    case 'device_denied':
      return 'Device code polls find it denied'
    case 'device_expired':
      return 'Device code polls find it expired'
    default:
      return fault.kind.replaceAll('_', ' ')
  }
}

/** Where it applies. */
export function endpointWords(endpoint: FaultEndpoint): string {
  return endpoint === 'any' ? 'every endpoint' : `the ${endpoint} endpoint`
}

/** How long it lasts. */
export function remainingWords(fault: ActiveFault): string {
  if (fault.count === null || fault.count === undefined) return 'until cleared'
  const unit = fault.kind === 'refuse_connections' ? 'connection' : 'request'
  return fault.count === 1 ? `1 more ${unit}` : `${fault.count} more ${unit}s`
}
