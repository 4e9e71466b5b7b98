// The one typed door to the Rust side. Commands return the generated binding types; every
// failure becomes an `IpcError` ({code, message}) that screens branch on by `code`.
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import type { AccountSummary } from './bindings/AccountSummary'
import type { ActivityEntry } from './bindings/ActivityEntry'
import type { IpcError } from './bindings/IpcError'
import type { SandboxStatus } from './bindings/SandboxStatus'

export type { AccountSummary, ActivityEntry, IpcError, SandboxStatus }

/** Turns whatever a failed `invoke` threw into an `IpcError`. */
export function toIpcError(thrown: unknown): IpcError {
  if (typeof thrown === 'object' && thrown !== null && 'code' in thrown && 'message' in thrown) {
    return thrown as IpcError
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown)
  return { code: 'internal', message }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args)
  } catch (thrown) {
    throw toIpcError(thrown)
  }
}

export const ipc = {
  listAccounts: () => call<AccountSummary[]>('list_accounts'),
  listActivity: () => call<ActivityEntry[]>('list_activity'),
  sandboxStatus: () => call<SandboxStatus>('sandbox_status'),
}

/** Events the Rust side emits; the UI re-fetches rather than mirroring state. */
export const events = {
  onActivity: (handler: (entry: ActivityEntry) => void): Promise<UnlistenFn> =>
    listen<ActivityEntry>('activity://changed', (event) => handler(event.payload)),
  onSandboxChanged: (handler: () => void): Promise<UnlistenFn> =>
    listen('sandbox://changed', () => handler()),
  onAccountsChanged: (handler: () => void): Promise<UnlistenFn> =>
    listen('accounts://changed', () => handler()),
}
