// Token times to the second, for the live countdown: "expires in 4 min 12 s". The rest of the
// app rounds to the minute (lib/time.ts), which would hide a countdown that is ticking.

/** "4 min 12 s", "1 h 5 min", "3 days": precise while it matters, coarse once it does not. */
export function preciseSpan(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  if (s < 86400 * 2) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
  return `${Math.floor(s / 86400)} days`
}

/** The access token's countdown, from unix seconds. */
export function countdown(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'no expiry given'
  const left = expiresAt - now
  if (left > 0) return `expires in ${preciseSpan(left)}`
  const past = -left
  // Once expired the exact second no longer matters: "expired 3 min ago".
  if (past < 60) return `expired ${past} s ago`
  if (past < 3600) return `expired ${Math.floor(past / 60)} min ago`
  if (past < 86400 * 2) return `expired ${Math.floor(past / 3600)} h ago`
  return `expired ${Math.floor(past / 86400)} days ago`
}

/** A moment in the person's own time zone and format. */
export function localTime(at: number): string {
  return new Date(at * 1000).toLocaleString()
}

/** The same moment as a `<time datetime>` value. */
export function isoTime(at: number): string {
  return new Date(at * 1000).toISOString()
}
