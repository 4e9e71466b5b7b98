import { describe, expect, it } from 'vitest'
import { endpointWords, faultOf, faultWords, remainingWords } from './faults'

describe('sandbox faults', () => {
  it('turns each switch into the fault the sandbox takes', () => {
    expect(faultOf({ kind: 'latency', ms: 1500 }, 'token', 2)).toEqual({
      endpoint: 'token',
      count: 2,
      kind: 'latency',
      ms: 1500,
    })
    expect(faultOf({ kind: 'rate_limited', retryAfter: 30 }, 'any', null)).toEqual({
      endpoint: 'any',
      count: null,
      kind: 'status',
      status: 429,
      retry_after: 30,
    })
    expect(faultOf({ kind: 'invalid_grant', user: 'bob' }, 'userinfo', 1)).toMatchObject({
      endpoint: 'token',
      kind: 'invalid_grant',
      user: 'bob',
    })
    expect(faultOf({ kind: 'device_slow_down' }, 'any', 2)).toEqual({
      endpoint: 'token',
      count: 2,
      kind: 'device_slow_down',
    })
    expect(faultOf({ kind: 'ignore_revocation' }, 'token', 1)).toEqual({
      endpoint: 'revoke',
      count: 1,
      kind: 'ignore_revocation',
    })
  })

  it('says what each fault does, where, and for how long', () => {
    expect(faultWords({ endpoint: 'token', count: 1, kind: 'status', status: 503 })).toBe('HTTP 503')
    expect(faultWords({ endpoint: 'token', count: 1, kind: 'status', status: 429, retry_after: 7 })).toBe('HTTP 429, Retry-After 7 s')
    expect(faultWords({ endpoint: 'any', count: 1, kind: 'html_error' })).toBe('html error')
    expect(faultWords({ endpoint: 'revoke', count: 1, kind: 'ignore_revocation' })).toBe('Revocations accepted and ignored')
    expect(faultWords({ endpoint: 'token', count: 1, kind: 'device_expired' })).toBe('Device code polls find it expired')
    expect(endpointWords('any')).toBe('every endpoint')
    expect(endpointWords('userinfo')).toBe('the userinfo endpoint')
    expect(remainingWords({ id: 1, endpoint: 'token', count: null, kind: 'malformed_json' })).toBe('until cleared')
    expect(remainingWords({ id: 1, endpoint: 'token', count: 3, kind: 'malformed_json' })).toBe('3 more requests')
    expect(remainingWords({ id: 0, endpoint: 'any', count: 1, kind: 'refuse_connections' })).toBe('1 more connection')
  })
})
