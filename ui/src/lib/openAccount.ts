// A click on a desktop notification (src-tauri/src/notify.rs) brings the window up and sends
// the Tauri event `open_account` with the account's id: this is how the window hears it.
import { listen } from '@tauri-apps/api/event'

/** The Tauri event name; its payload is the account's id (a number). */
export const OPEN_ACCOUNT_EVENT = 'open_account'

/**
 * Calls `handler` with the account's id whenever a notification asks for an account to be
 * opened. Returns the function that stops listening, safe to call before the listener is in
 * place (as `subscribe` in ipc.ts).
 */
export function onOpenAccountRequest(handler: (id: number) => void): () => void {
  let stopped = false
  const registered = listen<unknown>(OPEN_ACCOUNT_EVENT, ({ payload }) => {
    if (!stopped && typeof payload === 'number' && Number.isInteger(payload)) handler(payload)
  })
  registered.catch((thrown) => console.error('cannot listen for open_account requests', thrown))
  return () => {
    if (stopped) return
    stopped = true
    registered.then((unlisten) => unlisten()).catch(() => {})
  }
}
