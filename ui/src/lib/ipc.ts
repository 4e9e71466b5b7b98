// The one typed door to the Rust side. Commands return the generated binding types; every
// failure becomes an `IpcError` ({code, message}) that screens branch on by `code`.
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import type { AccountSummary } from './bindings/AccountSummary'
import type { ActivityEntry } from './bindings/ActivityEntry'
import type { IpcError } from './bindings/IpcError'
import type { ProviderOption } from './bindings/ProviderOption'
import type { SandboxStatus } from './bindings/SandboxStatus'
import type { StartedLink } from './bindings/StartedLink'

export type { AccountSummary, ActivityEntry, IpcError, ProviderOption, SandboxStatus, StartedLink }

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
  listProviders: () => call<ProviderOption[]>('list_providers'),
  startLink: (provider: string, environment: string | null, scopes: string[]) =>
    call<StartedLink>('start_link', { provider, environment, scopes }),
  reopenLink: (link: string) => call<void>('reopen_link', { link }),
  cancelLink: (link: string) => call<boolean>('cancel_link', { link }),
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
