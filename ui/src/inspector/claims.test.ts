import { describe, expect, it } from 'vitest'
import { localTime } from '../account/duration'
import { relative } from '../lib/time'
import { MAX_ROWS, MAX_VALUE, readPart } from './claims'

const NOW = 1_750_000_000

describe('readPart', () => {
  it('reads claims into rows with meanings and local times', () => {
    const read = readPart(
      JSON.stringify({
        iss: 'http://127.0.0.1:7461',
        sub: 'sub-alice',
        aud: ['a', 'b'],
        exp: NOW + 300,
        iat: NOW - 60,
        nonce: 'n-1',
        x_custom: { deep: true },
      }),
      'claims',
      NOW,
    )
    expect(read.ok).toBe(true)
    if (!read.ok) return
    const byName = Object.fromEntries(read.rows.map((row) => [row.name, row]))
    expect(byName.sub?.value).toBe('sub-alice')
    expect(byName.sub?.meaning).toMatch(/Subject/)
    expect(byName.nonce?.meaning).toMatch(/sign-in/)
    expect(byName.aud?.value).toBe('["a","b"]')
    expect(byName.exp?.time).toBe(`${localTime(NOW + 300)} (in 5 min)`)
    expect(byName.iat?.time).toBe(`${localTime(NOW - 60)} (1 min ago)`)
    expect(byName.x_custom?.value).toBe('{"deep":true}')
    expect(byName.x_custom?.meaning).toBeNull()
    expect(byName.sub?.time).toBeNull()
    expect(read.more).toBe(0)
  })

  it('explains the header with its own meanings, and gives header fields no times', () => {
    const read = readPart('{"alg":"ES256","kid":"k1","exp":5}', 'header', NOW)
    expect(read.ok && read.rows.map((r) => [r.name, r.meaning !== null, r.time])).toEqual([
      ['alg', true, null],
      ['kid', true, null],
      ['exp', false, null],
    ])
  })

  it('says plainly when the text is not JSON, or not a JSON object (malformed)', () => {
    expect(readPart('not json', 'claims', NOW)).toEqual({ ok: false, reason: 'The claims are not JSON.' })
    expect(readPart('{"sub":', 'claims', NOW)).toEqual({ ok: false, reason: 'The claims are not JSON.' })
    expect(readPart('', 'header', NOW)).toEqual({ ok: false, reason: 'The header is not JSON.' })
    for (const notAnObject of ['[1,2]', '"text"', '42', 'null']) {
      expect(readPart(notAnObject, 'claims', NOW)).toEqual({ ok: false, reason: 'The claims are not a JSON object.' })
    }
  })

  it('shows a time claim of the wrong type as it is, and says it is not a time', () => {
    const read = readPart('{"exp":"tomorrow","iat":1e300,"nbf":null}', 'claims', NOW)
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect(read.rows.map((r) => [r.value, r.time])).toEqual([
      ['tomorrow', 'not a time: it should be a number of seconds'],
      ['1e+300', 'not a time: far beyond any date'],
      ['null', 'not a time: it should be a number of seconds'],
    ])
  })

  it('cuts a huge value and counts what it left out; counts rows beyond the most shown', () => {
    const long = 'x'.repeat(MAX_VALUE + 1234)
    const many: Record<string, number> = {}
    for (let i = 0; i < MAX_ROWS + 7; i++) many[`c${i}`] = i
    const read = readPart(JSON.stringify({ long, ...many }), 'claims', NOW)
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect(read.rows[0]?.value).toHaveLength(MAX_VALUE)
    expect(read.rows[0]?.cut).toBe(1234)
    expect(read.rows).toHaveLength(MAX_ROWS)
    expect(read.more).toBe(8)
  })

  it('keeps unicode as it is, and shows control and bidi characters as code points', () => {
    const read = readPart(JSON.stringify({ name: 'Zoë 李 😀', 'ĉu\u202e': 'a\u202eb\nc', مرحبا: 'שלום' }), 'claims', NOW)
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect(read.rows.map((r) => [r.name, r.value])).toEqual([
      ['name', 'Zoë 李 😀'],
      ['ĉu⟨U+202E⟩', 'a⟨U+202E⟩b⟨U+000A⟩c'],
      ['مرحبا', 'שלום'],
    ])
    expect(read.rows[0]?.meaning).toBe('Full name')
  })

  it('gives no meaning to inherited names', () => {
    const read = readPart('{"constructor":1,"toString":2}', 'claims', NOW)
    expect(read.ok && read.rows.every((r) => r.meaning === null)).toBe(true)
  })
})

describe('relative', () => {
  it('tells future and past moments apart', () => {
    expect(relative(NOW + 300, NOW)).toBe('in 5 min')
    expect(relative(NOW - 7200, NOW)).toBe('2 h ago')
    expect(relative(NOW + 3, NOW)).toBe('just now')
  })
})
