import { describe, expect, it } from 'vitest'
import { accountsWords, authMethodWord, customRedirects, kindWord, redirectWords, yesNo } from './words'

describe('provider words', () => {
  it('says every redirect kind in words, and offers all five to a custom provider with help', () => {
    expect(Object.keys(redirectWords).sort()).toEqual(['bridge', 'custom_scheme', 'device', 'loopback', 'provider_scheme'])
    for (const word of Object.values(redirectWords)) expect(word).not.toMatch(/_/)
    expect(customRedirects.map((r) => r.kind)).toEqual(['custom_scheme', 'provider_scheme', 'loopback', 'bridge', 'device'])
    expect(customRedirects.filter((r) => r.needs_url).map((r) => r.kind)).toEqual(['provider_scheme', 'bridge'])
    for (const option of customRedirects) expect(option.help.length).toBeGreaterThan(20)
  })

  it('names the kind of provider', () => {
    expect(kindWord({ builtin: true, preset: null })).toBe('Built in')
    expect(kindWord({ builtin: false, preset: 'github' })).toBe('GitHub preset')
    expect(kindWord({ builtin: false, preset: null })).toBe('Custom')
  })

  it('counts linked accounts in a sentence', () => {
    expect(accountsWords(0)).toBe('No linked accounts')
    expect(accountsWords(1)).toBe('1 linked account')
    expect(accountsWords(3)).toBe('3 linked accounts')
  })

  it('says token endpoint authentication methods in words, and admits one it does not know', () => {
    expect(authMethodWord('client_secret_basic')).toBe('Secret in the Authorization header')
    expect(authMethodWord('private_key_jwt')).toMatch(/private_key_jwt/)
    expect(authMethodWord('client_secret_jwt')).toMatch(/not used by Grantry/)
    expect(authMethodWord('something_new')).toBe('Another method')
    expect(yesNo(true)).toBe('Yes')
    expect(yesNo(false)).toBe('No')
  })
})
