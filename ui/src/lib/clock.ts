// A screen's clock that ticks only when something shown can change: the next moment a time in
// words ("expires in 42 min", "3 h ago") would read differently, or a status turns (an account
// becomes Expiring or Expired). Far from any of them the window does nothing for minutes,
// where a clock ticking every second would wake it (and re-derive every row) for nothing.
import { nowSeconds } from './time'

/** The longest the clock sleeps, so that a resumed laptop catches up within this many seconds. */
export const LONGEST_WAIT = 300

// The units `time.ts` words a span in, with the span each starts at; under 2 minutes the clock
// ticks every second (seconds are shown below 1 min, and "just now" / "in 10 s" turn there).
const UNITS = [
  { unit: 60, from: 120 },
  { unit: 3600, from: 3600 },
  { unit: 86400, from: 2 * 86400 },
]

/** Seconds from `now` until the words for the time `at` (`expiry`, `ago`, `relative`) change. */
export function untilWordsChange(at: number, now: number): number {
  const x = at - now
  const a = Math.abs(x)
  if (a < UNITS[0]!.from) return 1
  const i = UNITS.findLastIndex((u) => a >= u.from)
  const { unit } = UNITS[i]!
  // The number shown is round(a / unit): the same from (n - 0.5) units up to (n + 0.5) units.
  const shown = Math.round(a / unit)
  let wait: number
  if (x > 0) {
    // Counting down: below the half unit under it, or into the smaller unit.
    const lowest = Math.max(Math.ceil((shown - 0.5) * unit), UNITS[i]!.from)
    wait = a - lowest + 1
  } else {
    // Counting up: at the half unit above it, or into the larger unit.
    const next = UNITS[i + 1]?.from ?? Infinity
    wait = Math.min(Math.ceil((shown + 0.5) * unit), next) - a
  }
  return Math.max(1, wait)
}

/**
 * Seconds from `now` until the clock must tick: the soonest of the words for any of `times`
 * changing and any of `moments` (when a status turns) arriving; at most `LONGEST_WAIT`.
 */
export function nextTick(times: number[], moments: number[], now: number): number {
  let wait = LONGEST_WAIT
  for (const at of times) wait = Math.min(wait, untilWordsChange(at, now))
  for (const at of moments) if (at > now) wait = Math.min(wait, at - now)
  return Math.max(1, wait)
}

/**
 * Calls `set` with the time once `wait` seconds after `now` have passed (never early, so the
 * value always changes); returns what cancels it. Used in an effect that reads `now`, it is a
 * clock: each tick re-runs the effect, which arms the next.
 */
export function tickAfter(now: number, wait: number, set: (now: number) => void): () => void {
  const due = (now + wait) * 1000
  let timer: ReturnType<typeof setTimeout>
  const arm = () => {
    timer = setTimeout(() => (Date.now() >= due ? set(nowSeconds()) : arm()), Math.max(due - Date.now(), 0) + 20)
  }
  arm()
  return () => clearTimeout(timer)
}
