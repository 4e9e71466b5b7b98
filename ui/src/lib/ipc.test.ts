import { describe, expect, it } from 'vitest'
import { toIpcError } from './ipc'

describe('toIpcError', () => {
  it('keeps an error the Rust side sent as it is', () => {
    const sent = { code: 'schema_too_new', message: 'update Grantry' }
    expect(toIpcError(sent)).toEqual(sent)
  })
  it('turns anything else into an internal error with its text', () => {
    expect(toIpcError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' })
    expect(toIpcError('plain text')).toEqual({ code: 'internal', message: 'plain text' })
  })
})
