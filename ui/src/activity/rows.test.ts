import { describe, expect, it } from 'vitest'
import type { AccountSummary, ActivityEntry } from '../lib/ipc'
import { clockTime, foldRefreshes, refreshesSummary, subjectOf } from './rows'

let nextId = 100
function entry(kind: ActivityEntry['kind'], account_id: number | null, at = 1000): ActivityEntry {
  return { id: nextId++, at, kind, detail: kind, account_id, exchanges: 0 }
}
const refresh = (account: number, at = 1000) => entry('token_refreshed', account, at)

/** Each row as a short string: "kind@account" or "×count@account". */
function shape(entries: ActivityEntry[]): string[] {
  return foldRefreshes(entries).map((row) =>
    row.type === 'entry' ? `${row.entry.kind}@${row.entry.account_id}` : `×${row.entries.length}@${row.accountId}`,
  )
}

describe('foldRefreshes', () => {
  it('folds consecutive refreshes of one account into one row', () => {
    const rows = foldRefreshes([refresh(1, 300), refresh(1, 200), refresh(1, 100)])
    expect(rows).toHaveLength(1)
    const row = rows[0]!
    expect(row.type).toBe('refreshes')
    if (row.type !== 'refreshes') return
    expect(row.accountId).toBe(1)
    expect(row.last).toBe(300)
    expect(row.entries.map((e) => e.at)).toEqual([300, 200, 100])
  })

  it('keeps each account its own fold when their refreshes interleave', () => {
    expect(shape([refresh(1), refresh(2), refresh(1), refresh(2), refresh(1)])).toEqual(['×3@1', '×2@2'])
  })

  it('lets any other entry end the folds, so the order of what matters stays', () => {
    expect(
      shape([refresh(1), refresh(1), entry('refresh_failed', 1), refresh(1), refresh(1), entry('account_linked', 2), refresh(1)]),
    ).toEqual(['×2@1', 'refresh_failed@1', '×2@1', 'account_linked@2', 'token_refreshed@1'])
  })

  it('leaves a lone refresh, and everything else, as it is', () => {
    expect(shape([entry('scopes_checked', 1), refresh(1), entry('deep_link_received', null)])).toEqual([
      'scopes_checked@1',
      'token_refreshed@1',
      'deep_link_received@null',
    ])
    expect(foldRefreshes([])).toEqual([])
  })

  it('gives every row a distinct key', () => {
    const rows = foldRefreshes([refresh(1), refresh(1), entry('link_failed', null), refresh(1)])
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length)
  })
})

const ada: AccountSummary = {
  id: 7,
  provider: 'sandbox',
  environment: 'local',
  subject: 'u-ada',
  display_name: 'Ada',
  email: 'ada@example.test',
  picture_url: null,
  access_expires_at: null,
  scope_count: 1,
  status: 'valid',
  status_reason: null,
  has_refresh_token: true,
  failing_refresh: null,
}

describe('subjectOf', () => {
  it('joins an entry to its account by id', () => {
    expect(subjectOf(7, [ada])).toEqual({ type: 'account', account: ada, label: 'ada@example.test', provider: 'sandbox' })
  })

  it("names the account's provider by its name, or says it was removed", () => {
    const sandbox = { id: 'sandbox', name: 'Grantry Sandbox', environments: [] }
    expect(subjectOf(7, [ada], [sandbox])).toMatchObject({ type: 'account', provider: 'Grantry Sandbox' })
    expect(subjectOf(7, [ada], [])).toMatchObject({ type: 'account', provider: 'sandbox (removed provider)' })
  })

  it('says when the account no longer exists, or when nothing is known', () => {
    expect(subjectOf(8, [ada])).toEqual({ type: 'removed', id: 8 })
    expect(subjectOf(8, null)).toEqual({ type: 'unknown', id: 8 })
    expect(subjectOf(null, [ada])).toEqual({ type: 'none' })
  })
})

describe('refreshesSummary', () => {
  it('counts the refreshes and gives the time of the last, in local time', () => {
    const at = new Date(2030, 4, 6, 14, 3, 59).getTime() / 1000
    expect(clockTime(at)).toBe('14:03')
    expect(clockTime(new Date(2030, 4, 6, 9, 5).getTime() / 1000)).toBe('09:05')
    expect(refreshesSummary(12, at)).toBe('Tokens refreshed ×12, last at 14:03')
  })
})
