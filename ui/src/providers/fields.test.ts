import { describe, expect, it } from 'vitest'
import { customDraft, draftFromPreset } from './draft'
import { envField, fieldValue, mapFieldErrors, shownErrors, visibleFields } from './fields'
import { googlePreset, microsoftPreset } from './fixtures'

describe('visibleFields', () => {
  it("shows a preset's site only when it has one, and the secret when the redirect takes one", () => {
    const google = draftFromPreset(googlePreset)
    const fields = visibleFields(google, 0, googlePreset, 'discovery')
    expect(fields).toContain('environments.0.client_secret')
    expect(fields).not.toContain('environments.0.site')
    expect(fields).not.toContain('environments.0.issuer')
    expect(fields).not.toContain('environments.0.redirect_uri')
    const microsoft = draftFromPreset(microsoftPreset)
    expect(visibleFields(microsoft, 0, microsoftPreset, 'discovery')).toContain('environments.0.site')
    expect(visibleFields(microsoft, 0, microsoftPreset, 'discovery')).not.toContain('environments.0.client_secret')
  })

  it('shows the issuer or the endpoints of a custom provider, as it finds them', () => {
    const draft = customDraft()
    expect(visibleFields(draft, 0, null, 'discovery')).toContain('environments.0.issuer')
    const manual = visibleFields(draft, 0, null, 'manual')
    expect(manual).not.toContain('environments.0.issuer')
    expect(manual).toContain('environments.0.token_endpoint')
    expect(manual).toContain('environments.0.client_auth')
  })
})

describe('mapFieldErrors', () => {
  const visible = ['id', 'name', envField(0, 'name'), envField(0, 'client_id'), envField(0, 'scopes')]

  it('puts each error under its field, and a part of a field under the field', () => {
    const mapped = mapFieldErrors(
      [
        { field: 'id', message: 'Already used' },
        { field: 'environments.0.name', message: 'Needed' },
        { field: 'environments.0.client_id', message: 'Needed too' },
        { field: 'environments.0.client_id', message: 'And one word' },
        { field: 'environments.0.scopes.1', message: 'No spaces' },
      ],
      visible,
    )
    expect(mapped.byField).toEqual({
      id: ['Already used'],
      'environments.0.name': ['Needed'],
      'environments.0.client_id': ['Needed too', 'And one word'],
      'environments.0.scopes': ['No spaces'],
    })
    expect(mapped.general).toEqual([])
  })

  it('keeps errors of fields not on screen for the top of the form', () => {
    const hidden = [
      { field: 'environments.0.issuer', message: 'Not https' },
      { field: 'environments', message: 'Two environments have one name' },
      { field: 'environments.1.client_id', message: 'Needed' },
      { field: 'named', message: 'not the name' },
    ]
    const mapped = mapFieldErrors(hidden, visible)
    expect(mapped.byField).toEqual({})
    expect(mapped.general).toEqual(hidden)
  })
})

describe('shownErrors', () => {
  const draft = draftFromPreset(googlePreset)
  const mapped = mapFieldErrors(
    [
      { field: 'id', message: 'A provider google already exists.' },
      { field: 'environments.0.client_id', message: 'The client id is needed.' },
      { field: 'environments.1', message: 'elsewhere' },
    ],
    visibleFields(draft, 0, googlePreset, 'discovery'),
  )

  it('does not scold about an empty field not yet left, nor about what is not on screen', () => {
    const shown = shownErrors(mapped, draft, new Set(), false)
    expect(shown.byField).toEqual({ id: ['A provider google already exists.'] })
    expect(shown.general).toEqual([])
  })

  it('says everything once a field was left, or the person tried to save', () => {
    const touched = shownErrors(mapped, draft, new Set(['environments.0.client_id']), false)
    expect(Object.keys(touched.byField)).toEqual(['id', 'environments.0.client_id'])
    expect(touched.general).toHaveLength(1)
    expect(shownErrors(mapped, draft, new Set(), true)).toBe(mapped)
  })

  it('reads values by field path', () => {
    expect(fieldValue(draft, 'environments.0.scopes')).toEqual(['openid', 'email'])
    expect(fieldValue(draft, 'environments.3.name')).toBeUndefined()
    expect(fieldValue(draft, 'id')).toBe('google')
  })
})
