import { describe, expect, it } from 'vitest'
import { NOW, summary } from './fixtures'
import { accountStatus, changeSentence, scopeProblem, sourceWord } from './words'

describe('account words', () => {
  it('names every status in words', () => {
    const word = (over: Parameters<typeof summary>[0]) => accountStatus(summary(over), NOW).word
    expect(word({ access_expires_at: NOW + 3600 })).toBe('Valid')
    expect(word({ access_expires_at: null })).toBe('Valid')
    expect(word({ access_expires_at: NOW + 599 })).toBe('Expiring soon')
    expect(word({ access_expires_at: NOW + 600 })).toBe('Valid')
    expect(word({ access_expires_at: NOW })).toBe('Expired')
    expect(word({ status: 'needs_relink' })).toBe('Needs re-link')
    expect(word({ status: 'revocation_pending', access_expires_at: NOW - 5 })).toBe('Revocation pending')
  })

  it('says where an answer came from, and shows an unknown source as is', () => {
    expect(sourceWord('token_response')).toBe('Token response')
    expect(sourceWord('requested')).toBe('As requested (provider did not list scopes)')
    expect(sourceWord('tokeninfo')).toBe('Google tokeninfo')
    expect(sourceWord('permissions')).toBe('/me/permissions')
    expect(sourceWord('x-custom')).toBe('x-custom')
  })

  it('says what changed', () => {
    expect(changeSentence({ scope: 'email', before: 'granted', after: 'not_granted' })).toBe(
      'email: Granted → Requested but not granted',
    )
    expect(changeSentence({ scope: 'repo', before: null, after: 'granted' })).toBe('repo: Not listed → Granted')
  })

  it('refuses a scope with spaces', () => {
    expect(scopeProblem('read:user')).toBeNull()
    expect(scopeProblem('read user')).toMatch(/one word without spaces/)
  })
})
