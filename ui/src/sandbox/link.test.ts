import { describe, expect, it } from 'vitest'
import { linkSummary, parseLogins } from './link'

describe('linking test users', () => {
  it('takes each login once, however it was typed', () => {
    expect(parseLogins(' alice, bob,,carol  bob ,')).toEqual(['alice', 'bob', 'carol'])
    expect(parseLogins(' , ')).toEqual([])
  })

  it('sums up, naming each failure', () => {
    expect(
      linkSummary([
        { login: 'alice', state: 'linked', account: 1 },
        { login: 'bob', state: 'failed', message: 'consent denied' },
        { login: 'carol', state: 'linked', account: 3 },
      ]),
    ).toBe('Linked 2 of 3 test users; bob: consent denied')
    expect(linkSummary([{ login: 'dora', state: 'linked', account: 4 }])).toBe('Linked 1 of 1 test user.')
  })
})
