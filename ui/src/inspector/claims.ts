// Reads a JWT's header or claims (the JSON text the core decoded from base64url, RFC 7519 §3)
// into rows a person can read: each value as text, times in local time, and what each
// registered claim means (RFC 7519 §4.1, OpenID Connect Core §2 and §5.1, RFC 9068). Nothing
// here trusts the token: a claim of the wrong type is shown as it is, and said to be wrong.
import { relative } from '../lib/time'
import { localTime } from '../account/duration'

export interface ClaimRow {
  name: string
  /** The value as text: strings as they are, anything else as compact JSON. */
  value: string
  /** How many characters of `value` were left out because it was too long. */
  cut: number
  /** What the claim means, for the registered ones. */
  meaning: string | null
  /** For time claims: the local time and how far from now; or why the value is not a time. */
  time: string | null
}

export type ReadPart = { ok: true; rows: ClaimRow[]; more: number } | { ok: false; reason: string }

/** The longest value shown whole; the rest is cut and counted. */
export const MAX_VALUE = 2_000
/** The most rows shown; the rest are counted. */
export const MAX_ROWS = 300

const claimMeanings: Record<string, string> = {
  iss: 'Issuer: who made the token',
  sub: 'Subject: the account, as the issuer identifies it',
  aud: 'Audience: who the token is for (the client id)',
  exp: 'Expires: not to be accepted after this time',
  nbf: 'Not before: not to be accepted before this time',
  iat: 'Issued at',
  jti: 'Token id, unique per token',
  nonce: 'Nonce: ties the ID token to the sign-in that asked for it',
  auth_time: 'When the person last signed in at the provider',
  acr: 'How strongly the person was authenticated',
  amr: 'How the person was authenticated (password, OTP, …)',
  azp: 'Authorized party: the client the token was issued to',
  at_hash: 'Hash of the access token it came with',
  c_hash: 'Hash of the authorization code it came with',
  sid: 'Session id at the provider',
  name: 'Full name',
  given_name: 'Given name',
  family_name: 'Family name',
  preferred_username: 'Preferred username',
  email: 'E-mail address',
  email_verified: 'Whether the provider verified the e-mail address',
  picture: 'Profile picture URL',
  locale: 'Language and region',
  updated_at: 'When the profile last changed',
  scope: 'Scopes the token grants',
  scp: 'Scopes the token grants',
  client_id: 'The client the token was issued to',
  tid: 'Microsoft: the tenant (directory) id',
  oid: 'Microsoft: the account’s object id in the tenant',
  ver: 'Token format version',
  hd: 'Google: the hosted domain (Workspace) of the account',
}

const headerMeanings: Record<string, string> = {
  alg: 'Signature algorithm',
  kid: 'Key id: which of the issuer’s keys signed it (its JWKS)',
  typ: 'Token type',
  cty: 'Content type',
  x5t: 'Thumbprint of the signing certificate',
  jku: 'Where the signing keys are published',
}

/** Claims that hold a time in seconds since 1970 (RFC 7519 §2 NumericDate). */
const timeClaims = new Set(['exp', 'nbf', 'iat', 'auth_time', 'updated_at'])

// Control characters and bidirectional overrides would make a value read as something it is
// not; each is shown as its code point instead.
const hidden = /[\p{Cc}\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu

function visible(text: string): string {
  return text.replace(hidden, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`)
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function timeOf(name: string, value: unknown, now: number): string | null {
  if (!timeClaims.has(name)) return null
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'not a time: it should be a number of seconds'
  // Beyond what a date can hold (±8.64e12 s): say so rather than show "Invalid Date".
  if (Math.abs(value) > 8.64e12) return 'not a time: far beyond any date'
  return `${localTime(value)} (${relative(value, now)})`
}

/** Reads `text` (a header or the claims) as `which` part; `now` in Unix seconds. */
export function readPart(text: string, which: 'header' | 'claims', now: number): ReadPart {
  const subject = which === 'header' ? 'The header is' : 'The claims are'
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { ok: false, reason: `${subject} not JSON.` }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: `${subject} not a JSON object.` }
  }
  const meanings = which === 'header' ? headerMeanings : claimMeanings
  const entries = Object.entries(parsed)
  const rows = entries.slice(0, MAX_ROWS).map(([name, value]): ClaimRow => {
    const whole = visible(asText(value))
    const value_ = whole.length > MAX_VALUE ? whole.slice(0, MAX_VALUE) : whole
    return {
      name: visible(name),
      value: value_,
      cut: whole.length - value_.length,
      meaning: Object.hasOwn(meanings, name) ? (meanings[name] ?? null) : null,
      time: which === 'claims' ? timeOf(name, value, now) : null,
    }
  })
  return { ok: true, rows, more: Math.max(0, entries.length - MAX_ROWS) }
}
