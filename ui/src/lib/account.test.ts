import { describe, expect, it } from 'vitest'
import { summary } from '../account/fixtures'
import { accountLabel, initials } from './account'

describe('accountLabel', () => {
  it('names an account by email, else name, else subject', () => {
    const ada = summary({ subject: 'u-ada', display_name: 'Ada', email: 'ada@example.test' })
    expect(accountLabel(ada)).toBe('ada@example.test')
    expect(accountLabel({ ...ada, email: null })).toBe('Ada')
    expect(accountLabel({ ...ada, email: null, display_name: null })).toBe('u-ada')
  })
})

describe('initials', () => {
  it('takes the first letters of the name, else of the email or subject', () => {
    expect(initials(summary({ display_name: 'ada lovelace' }))).toBe('AL')
    expect(initials(summary({ display_name: null, email: 'bob.smith@example.com' }))).toBe('BS')
    expect(initials(summary({ display_name: null, email: null, subject: 'sub-1' }))).toBe('S1')
  })

  it('makes initials from the name, else the email, else the subject', () => {
    expect(initials(summary())).toBe('AE')
    expect(initials(summary({ display_name: null, email: 'bob.smith@x.test' }))).toBe('BS')
    expect(initials(summary({ display_name: null, email: null, subject: 'u1' }))).toBe('U')
  })
})
