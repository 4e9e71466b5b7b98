// Following a link to its end without ever missing it. A provider can answer at once (a
// remembered consent does): the Rust side opens the browser before `start_link` returns, so the
// link can end before the window knows its `state`, let alone listens for it. So the listeners
// are in place before the link starts, every link event is kept until the link is known, and
// the core is asked how the link stands once it is known and whenever the window gets the focus
// back (the person returning from the browser), in case an event was lost all the same.
import {
  ipc,
  listening,
  type AccountSummary,
  type DeviceLinkView,
  type IpcError,
  type LinkStatus,
  type StartedLink,
} from './ipc'

/** How a link ended. */
export type LinkEnd = { linked: true; account: AccountSummary } | { linked: false; error: IpcError }

/** A started link, and the promise of how it ends. */
export type FollowedLink<T = StartedLink> = {
  started: T
  /** Settles once, with the link's end, unless the follow is aborted first; never rejects. */
  ended: Promise<LinkEnd>
}

const gone: IpcError = {
  code: 'invalid_input',
  message: 'This sign-in is no longer waiting (it was cancelled or expired); start it again.',
}

/** What a status says of the link's end, if it has ended. */
function endOf(status: LinkStatus): LinkEnd | null {
  switch (status.status) {
    case 'linked':
      return { linked: true, account: status.account }
    case 'failed':
      return { linked: false, error: status.error }
    case 'unknown':
      return { linked: false, error: gone }
    case 'waiting':
      return null
  }
}

/**
 * Starts a link with `start` (`ipc.startLink` or `ipc.linkAccountAgain`) and follows it until
 * it ends or `closed` aborts (the dialog closed): the link is then cancelled, and its answer
 * refused. Fails as `start` fails, or when the window cannot listen for the link's events.
 */
export function followLink(start: () => Promise<StartedLink>, closed: AbortSignal): Promise<FollowedLink> {
  return follow(start, (started) => started.state, closed)
}

/** `followLink` for a device code link (`ipc.startDeviceLink`), known by its `link`. */
export function followDeviceLink(
  start: () => Promise<DeviceLinkView>,
  closed: AbortSignal,
): Promise<FollowedLink<DeviceLinkView>> {
  return follow(start, (started) => started.link, closed)
}

/** Follows a link that `start` starts, and `idOf` names as its events do. */
async function follow<T>(
  start: () => Promise<T>,
  idOf: (started: T) => string,
  closed: AbortSignal,
): Promise<FollowedLink<T>> {
  // Every link event until this link is known: the one for it may come first.
  const early: { link: string; end: LinkEnd }[] = []
  // Ends the follow with the link's end, once `ended` exists; does nothing before or after.
  let settle: (end: LinkEnd) => void = () => {}
  let known: string | null = null
  const heard = (link: string, end: LinkEnd) => {
    if (known === null) {
      early.push({ link, end })
    } else if (link === known) {
      settle(end)
    }
  }
  const stops: (() => void)[] = []
  try {
    stops.push(await listening('link_completed', (e) => heard(e.link, { linked: true, account: e.account })))
    stops.push(await listening('link_failed', (e) => heard(e.link, { linked: false, error: e.error })))
  } catch (thrown) {
    stops.forEach((s) => s())
    throw thrown
  }
  let stopped = false
  const onFocus = () => void ask()
  const stop = () => {
    if (stopped) return
    stopped = true
    settle = () => {}
    stops.forEach((s) => s())
    window.removeEventListener('focus', onFocus)
  }
  let started: T
  try {
    started = await start()
  } catch (thrown) {
    stop()
    throw thrown
  }
  const abandon = () => {
    stop()
    void ipc.cancelLink(idOf(started)).catch(() => false)
  }
  if (closed.aborted) abandon()
  else closed.addEventListener('abort', abandon, { once: true })
  const ended = new Promise<LinkEnd>((resolve) => {
    settle = (end) => {
      if (stopped) return
      stop()
      resolve(end)
    }
  })
  known = idOf(started)
  const first = early.find((e) => e.link === known)
  if (first) settle(first.end)

  async function ask() {
    if (stopped) return
    const status = await ipc.linkStatus(idOf(started)).catch(() => null)
    const end = status && endOf(status)
    if (end) settle(end)
  }
  if (!stopped) {
    window.addEventListener('focus', onFocus)
    void ask()
  }
  return { started, ended }
}
