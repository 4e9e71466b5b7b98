// Tells the app, once per window, how the first Accounts list reached the screen: how long
// fetching it over IPC took and how long until it was painted. The app logs it, and `make bench`
// times the start from that line.
import { ipc } from '../lib/ipc'

let told = false

/**
 * Call when the first list has arrived (`asked` and `fetched`: `performance.now()` before and
 * after fetching it). The second animation frame after that runs once the frame holding the
 * rendered list has been painted.
 */
export function tellListShown(count: number, asked: number, fetched: number): void {
  if (told) return
  told = true
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      // Only a log line depends on it: a failure here has nothing to undo or show.
      ipc.accountsShown(count, fetched - asked, performance.now() - fetched).catch(() => {})
    }),
  )
}

/** For tests: the next list counts as the first again. */
export function forgetListShown(): void {
  told = false
}
