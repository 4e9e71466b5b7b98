// The engine names what is wrong with a draft by field path (`id`, `environments.0.client_id`,
// `environments.0.scopes.2`); the form says each problem under the field it names, and the
// rest, whose field is not on screen, at the top of the form.
import type { FieldError, PresetView, ProviderDraft } from '../lib/ipc'
import { needsUri, secretNeed, type EndpointMode } from './draft'

/** The path of an environment's field, as the engine names it. */
export const envField = (index: number, name: string): string => `environments.${index}.${name}`

/** The fields the form shows for the environment at `index`, as the engine names them. */
export function visibleFields(
  draft: ProviderDraft,
  index: number,
  preset: PresetView | null,
  mode: EndpointMode,
): string[] {
  const env = draft.environments[index]
  if (!env) return ['id', 'name', 'allow_plain_http_loopback', 'refresh_plain_http_in_background']
  const f = (name: string) => envField(index, name)
  const fields = [
    'id',
    'name',
    'allow_plain_http_loopback',
    'refresh_plain_http_in_background',
    f('name'),
    f('client_id'),
    f('redirect'),
    f('scopes'),
  ]
  if (preset) {
    if (preset.site) fields.push(f('site'))
  } else {
    fields.push(f('client_auth'))
    if (mode === 'discovery') fields.push(f('issuer'))
    else {
      for (const name of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint']) {
        fields.push(f(name))
      }
    }
  }
  if (needsUri(env, preset)) fields.push(f('redirect_uri'))
  if (secretNeed(env, preset) !== 'none') fields.push(f('client_secret'))
  return fields
}

export type MappedErrors = {
  /** The messages for each visible field, by its path. */
  byField: Record<string, string[]>
  /** Problems with no visible field to stand under. */
  general: FieldError[]
}

/**
 * Puts each error under the visible field it names, or under the one it is part of
 * (`environments.0.scopes.2` under `environments.0.scopes`); the others are general.
 */
export function mapFieldErrors(errors: FieldError[], visible: string[]): MappedErrors {
  const byField: Record<string, string[]> = {}
  const general: FieldError[] = []
  // The longest match wins: `environments.0.name` is not the provider's `name`.
  const fields = [...visible].sort((a, b) => b.length - a.length)
  for (const error of errors) {
    const field = fields.find((f) => error.field === f || error.field.startsWith(`${f}.`))
    if (field) (byField[field] ??= []).push(error.message)
    else general.push(error)
  }
  return { byField, general }
}

/** The value at a field path of the draft (`environments.0.client_id`), if there is one. */
export function fieldValue(draft: ProviderDraft, path: string): unknown {
  let value: unknown = draft
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

function blank(value: unknown): boolean {
  if (value === null || value === undefined) return true
  if (typeof value === 'string') return value.trim() === ''
  if (Array.isArray(value)) return value.length === 0
  return false
}

/**
 * Which of the mapped errors to show now. A form that has just opened should not scold: a
 * field still empty and not yet left is not marked until the person tries to save. A field
 * with a value (a preset's prefilled id already in use) says what is wrong at once.
 */
export function shownErrors(
  mapped: MappedErrors,
  draft: ProviderDraft,
  touched: ReadonlySet<string>,
  submitted: boolean,
): MappedErrors {
  if (submitted) return mapped
  const byField: Record<string, string[]> = {}
  for (const [field, messages] of Object.entries(mapped.byField)) {
    if (touched.has(field) || !blank(fieldValue(draft, field))) byField[field] = messages
  }
  return { byField, general: touched.size > 0 ? mapped.general : [] }
}
