import { describe, expect, it } from 'vitest'
import type { ActivityEntry } from '../lib/ipc'
import { everything, filterActivity, isFiltering, kindsIn, programOf, programsIn } from './filter'

let id = 1
function entry(kind: ActivityEntry['kind'], account_id: number | null): ActivityEntry {
  return { id: id++, at: 1_700_000_000, kind, detail: kind, account_id, exchanges: 0 }
}

const entries = [
  entry('account_linked', 1),
  entry('refresh_failed', 1),
  entry('token_refreshed', 2),
  entry('deep_link_rejected', null),
  entry('revocation_pending', 2),
]

const kinds = (list: ActivityEntry[]) => list.map((e) => `${e.kind}:${e.account_id}`)

describe('filterActivity', () => {
  it('keeps everything by default', () => {
    expect(filterActivity(entries, everything)).toEqual(entries)
    expect(isFiltering(everything)).toBe(false)
  })

  it("keeps one account's entries, or those tied to none", () => {
    expect(kinds(filterActivity(entries, { ...everything, account: 1 }))).toEqual(['account_linked:1', 'refresh_failed:1'])
    expect(kinds(filterActivity(entries, { ...everything, account: 'none' }))).toEqual(['deep_link_rejected:null'])
    expect(filterActivity(entries, { ...everything, account: 99 })).toEqual([])
  })

  it('keeps one kind, or the problems, or the rest', () => {
    expect(kinds(filterActivity(entries, { ...everything, kind: 'token_refreshed' }))).toEqual(['token_refreshed:2'])
    expect(kinds(filterActivity(entries, { ...everything, outcome: 'problems' }))).toEqual([
      'refresh_failed:1',
      'deep_link_rejected:null',
      'revocation_pending:2',
    ])
    expect(kinds(filterActivity(entries, { ...everything, outcome: 'fine' }))).toEqual(['account_linked:1', 'token_refreshed:2'])
  })

  it('combines all three', () => {
    const filter = { account: 2, kind: 'revocation_pending', outcome: 'problems', program: 'all' } as const
    expect(kinds(filterActivity(entries, filter))).toEqual(['revocation_pending:2'])
    expect(isFiltering(filter)).toBe(true)
    expect(filterActivity(entries, { ...filter, outcome: 'fine' })).toEqual([])
  })

  it('offers only the kinds present, in the given order', () => {
    expect(kindsIn(entries, ['token_refreshed', 'account_forgotten', 'account_linked'])).toEqual(['token_refreshed', 'account_linked'])
  })
})

describe('the program filter', () => {
  const handed = (id: number, program: string | undefined): ActivityEntry => ({
    id,
    at: 1_000 + id,
    kind: 'token_handed_out',
    detail: 'tokens handed out',
    account_id: 1,
    exchanges: 0,
    program,
  })
  const entries = [
    handed(1, '/usr/bin/gdbus (pid 41)'),
    handed(2, '/usr/bin/gdbus (pid 97)'),
    handed(3, 'grantry token (pid 5)'),
    handed(4, undefined),
  ]

  it('names each program once, whatever process ran it', () => {
    expect(programOf(entries[0]!)).toBe('/usr/bin/gdbus')
    expect(programOf(entries[3]!)).toBeNull()
    expect(programsIn(entries)).toEqual(['/usr/bin/gdbus', 'grantry token'])
  })

  it('keeps the entries of one program', () => {
    const filter = { ...everything, program: '/usr/bin/gdbus' }
    expect(isFiltering(filter)).toBe(true)
    expect(filterActivity(entries, filter).map((e) => e.id)).toEqual([1, 2])
  })
})
