// Plain-language times: "expires in 42 min", "expired 3 h ago", "just now".

function span(seconds: number): string {
  const s = Math.abs(seconds)
  if (s < 60) return `${Math.round(s)} s`
  if (s < 3600) return `${Math.round(s / 60)} min`
  if (s < 86400 * 2) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86400)} days`
}

/** "expires in 42 min" / "expired 3 h ago", from unix seconds. */
export function expiry(expiresAt: number, now: number): string {
  const left = expiresAt - now
  return left >= 0 ? `expires in ${span(left)}` : `expired ${span(left)} ago`
}

/** "just now" / "5 min ago" / "3 h ago", from unix seconds. */
export function ago(at: number, now: number): string {
  const elapsed = now - at
  return elapsed < 10 ? 'just now' : `${span(elapsed)} ago`
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

/** "in 5 min" / "just now" / "3 h ago": a moment either side of now, from unix seconds. */
export function relative(at: number, now: number): string {
  return at - now >= 10 ? `in ${span(at - now)}` : ago(at, now)
}
