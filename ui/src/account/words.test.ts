import { describe, expect, it } from 'vitest'
import { changeSentence, noRevocationSentence, scopeProblem, sourceWord } from './words'

describe('account words', () => {
  it('says where an answer came from, and shows an unknown source as is', () => {
    expect(sourceWord('token_response')).toBe('Token response')
    expect(sourceWord('requested')).toBe('As requested (provider did not list scopes)')
    expect(sourceWord('tokeninfo')).toBe('Google tokeninfo')
    expect(sourceWord('permissions')).toBe('/me/permissions')
    expect(sourceWord('x-custom')).toBe('x-custom')
  })

  it('says what changed', () => {
    expect(changeSentence({ scope: 'email', before: 'granted', after: 'not_granted' })).toBe('email: Granted → Requested but not granted')
    expect(changeSentence({ scope: 'repo', before: null, after: 'granted' })).toBe('repo: Not listed → Granted')
  })

  it('refuses a scope with spaces', () => {
    expect(scopeProblem('read:user')).toBeNull()
    expect(scopeProblem('read user')).toMatch(/one word without spaces/)
  })

  it('says who cannot revoke, and where the access is removed by hand', () => {
    expect(noRevocationSentence('Microsoft', true)).toBe(
      'Microsoft offers no way for Grantry to take back its access. Remove it yourself on Microsoft’s consent page, then forget the account here.',
    )
    expect(noRevocationSentence('Contoso', false)).toBe(
      'Contoso offers no way for Grantry to take back its access. Remove it yourself in your Contoso account settings, then forget the account here.',
    )
  })
})
