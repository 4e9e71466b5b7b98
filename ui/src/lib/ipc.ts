// The one typed door to the Rust side. Commands return the generated binding types; every
// failure becomes an `IpcError` ({code, message}) that screens branch on by `code`.
import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import type { AccountDetail } from './bindings/AccountDetail'
import type { AccountScope } from './bindings/AccountScope'
import type { AccountSummary } from './bindings/AccountSummary'
import type { ActivityEntry } from './bindings/ActivityEntry'
import type { ClientAuth } from './bindings/ClientAuth'
import type { ClientJwks } from './bindings/ClientJwks'
import type { DeviceLinkView } from './bindings/DeviceLinkView'
import type { DeviceOffer } from './bindings/DeviceOffer'
import type { Discovered } from './bindings/Discovered'
import type { EnvironmentDraft } from './bindings/EnvironmentDraft'
import type { ExchangeRequest } from './bindings/ExchangeRequest'
import type { ExchangeResult } from './bindings/ExchangeResult'
import type { EnvironmentView } from './bindings/EnvironmentView'
import type { FailingRefresh } from './bindings/FailingRefresh'
import { EVENT_CHANNEL } from './bindings/eventChannel'
import type { GrantryEvent } from './bindings/GrantryEvent'
import type { HttpExchange } from './bindings/HttpExchange'
import type { Inspection } from './bindings/Inspection'
import type { FieldError } from './bindings/FieldError'
import type { IpcError } from './bindings/IpcError'
import type { LinkStatus } from './bindings/LinkStatus'
import type { RevocationReceipt } from './bindings/RevocationReceipt'
import type { PresetId } from './bindings/PresetId'
import type { QrMatrix } from './bindings/QrMatrix'
import type { PresetView } from './bindings/PresetView'
import type { ProgramAccess } from './bindings/ProgramAccess'
import type { ProviderCheck } from './bindings/ProviderCheck'
import type { ProviderDraft } from './bindings/ProviderDraft'
import type { ProviderOption } from './bindings/ProviderOption'
import type { ProviderView } from './bindings/ProviderView'
import type { RedirectKind } from './bindings/RedirectKind'
import type { RedirectOptionView } from './bindings/RedirectOptionView'
import type { RefreshAllOutcome } from './bindings/RefreshAllOutcome'
import type { RevokeAllOutcome } from './bindings/RevokeAllOutcome'
import type { RevokeAllScope } from './bindings/RevokeAllScope'
import type { RelinkOnSave } from './bindings/RelinkOnSave'
import type { RemoveAccounts } from './bindings/RemoveAccounts'
import type { SandboxStatus } from './bindings/SandboxStatus'
import type { Settings } from './bindings/Settings'
import type { SettingsView } from './bindings/SettingsView'
import type { ScopeChange } from './bindings/ScopeChange'
import type { ScopeCheck } from './bindings/ScopeCheck'
import type { ScopeOption } from './bindings/ScopeOption'
import type { SecretNeed } from './bindings/SecretNeed'
import type { SiteField } from './bindings/SiteField'
import type { StartedLink } from './bindings/StartedLink'
import type { SubjectToken } from './bindings/SubjectToken'
import type { TokenAnswer } from './bindings/TokenAnswer'
import type { TokenInfo } from './bindings/TokenInfo'
import type { TokenRequest } from './bindings/TokenRequest'
import type { TokenShape } from './bindings/TokenShape'
import type { DpopBinding } from './bindings/DpopBinding'
import type { ProviderBinding } from './bindings/ProviderBinding'
import type { TokenType } from './bindings/TokenType'

export type {
  RevocationReceipt,
  AccountDetail,
  DeviceLinkView,
  DeviceOffer,
  QrMatrix,
  AccountScope,
  AccountSummary,
  ActivityEntry,
  ClientAuth,
  ClientJwks,
  Discovered,
  EnvironmentDraft,
  EnvironmentView,
  ExchangeRequest,
  ExchangeResult,
  FailingRefresh,
  FieldError,
  GrantryEvent,
  HttpExchange,
  Inspection,
  IpcError,
  LinkStatus,
  PresetId,
  PresetView,
  ProgramAccess,
  ProviderCheck,
  ProviderDraft,
  ProviderOption,
  ProviderView,
  RedirectKind,
  RedirectOptionView,
  RefreshAllOutcome,
  RevokeAllOutcome,
  RevokeAllScope,
  RelinkOnSave,
  RemoveAccounts,
  SandboxStatus,
  ScopeChange,
  Settings,
  SettingsView,
  ScopeCheck,
  ScopeOption,
  SecretNeed,
  SiteField,
  StartedLink,
  SubjectToken,
  TokenAnswer,
  TokenInfo,
  TokenRequest,
  TokenShape,
  DpopBinding,
  ProviderBinding,
  TokenType,
}

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
  accountsShown: (accounts: number, ipcMs: number, renderMs: number) =>
    call<null>('accounts_shown', { accounts, ipcMs, renderMs }),
  listActivity: () => call<ActivityEntry[]>('list_activity'),
  sandboxStatus: () => call<SandboxStatus>('sandbox_status'),
  /** The settings, and whether a system tray is there to keep Grantry in. */
  getSettings: () => call<SettingsView>('get_settings'),
  /** Saves the settings (and writes or removes the autostart entry); answers as `getSettings`. */
  saveSettings: (settings: Settings) => call<SettingsView>('save_settings', { settings }),
  /** The account a window made again should open (asked once, at start), if any. */
  takeAccountToOpen: () => call<number | null>('take_account_to_open'),
  /** Programs' requests for a token that wait for the person's answer (the token service). */
  pendingTokenRequests: () => call<TokenRequest[]>('pending_token_requests'),
  answerTokenRequest: (id: number, answer: TokenAnswer) => call<boolean>('answer_token_request', { id, answer }),
  /** The programs that may take the account's token without asking. */
  programsWithAccess: (account: number) => call<ProgramAccess[]>('programs_with_access', { account }),
  removeProgramAccess: (account: number, executable: string) =>
    call<void>('remove_program_access', { account, executable }),
  listProviders: () => call<ProviderOption[]>('list_providers'),
  startLink: (provider: string, environment: string | null, scopes: string[]) =>
    call<StartedLink>('start_link', { provider, environment, scopes }),
  /** Starts a link by device code (RFC 8628): the code to enter at the provider, its page. */
  startDeviceLink: (provider: string, environment: string | null, scopes: string[]) =>
    call<DeviceLinkView>('start_device_link', { provider, environment, scopes }),
  /** `linkAccountAgain` by device code. */
  linkAccountByDevice: (account: number, scopes: string[]) =>
    call<DeviceLinkView>('link_account_by_device', { account, scopes }),
  /** Opens a link under way in the browser again: a device link's page, its code filled in. */
  reopenLink: (link: string) => call<void>('reopen_link', { link }),
  cancelLink: (link: string) => call<boolean>('cancel_link', { link }),
  /** How a link stands: for a window that may have missed the event that ended it. */
  linkStatus: (link: string) => call<LinkStatus>('link_status', { link }),
  /** Adds `scopes` to an account (incremental consent), or with none links it again. */
  linkAccountAgain: (account: number, scopes: string[]) => call<StartedLink>('link_account_again', { account, scopes }),
  accountDetail: (account: number) => call<AccountDetail>('account_detail', { account }),
  checkScopes: (account: number) => call<ScopeCheck>('check_scopes', { account }),
  /** Takes one scope back at the provider, keeping the others (where it allows that: Facebook). */
  revokeScope: (account: number, scope: string) => call<ScopeCheck>('revoke_scope', { account, scope }),
  refreshAccount: (account: number) => call<AccountSummary>('refresh_account', { account }),
  /** Revokes at the provider, then removes here; also retries a pending revocation. */
  /** Revokes, checks that it took; the receipt says whether the account is gone. */
  revokeAccount: (account: number) => call<RevocationReceipt>('revoke_account', { account }),
  /** Removes the account from this device only. */
  forgetAccount: (account: number) => call<void>('forget_account', { account }),
  /**
   * Opens, in the system browser, the page where the person removes Grantry's access by hand
   * (for providers that cannot revoke); the URL is the core's, never the webview's.
   */
  openManageAccess: (account: number) => call<void>('open_manage_access', { account }),
  /** Opens where the provider documents when the account's grant ends. */
  openGrantEndDoc: (account: number) => call<void>('open_grant_end_doc', { account }),
  /** Every provider with its environments, the built-in sandbox included. */
  listProviderViews: () => call<ProviderView[]>('list_provider_views'),
  listPresets: () => call<PresetView[]>('list_presets'),
  /** Fetches `issuer`'s discovery document and says what it offers; saves nothing. */
  testDiscovery: (issuer: string) => call<Discovered>('test_discovery', { issuer }),
  /**
   * What is wrong with `draft`, field by field, and whose accounts saving it would send to be
   * linked again; `editing` is the id of the provider it replaces.
   */
  checkProvider: (draft: ProviderDraft, editing: string | null) =>
    call<ProviderCheck>('check_provider', { draft, editing }),
  saveProvider: (draft: ProviderDraft, editing: string | null) =>
    call<ProviderView>('save_provider', { draft, editing }),
  /** Removes a provider; its accounts are revoked at the provider first, or only forgotten here. */
  removeProvider: (provider: string, accounts: RemoveAccounts) => call<void>('remove_provider', { provider, accounts }),
  revealClientSecret: (provider: string, environment: string) =>
    call<string | null>('reveal_client_secret', { provider, environment }),
  /** A private_key_jwt environment's public JWKS to register at the provider (its key is made if needed). */
  clientJwks: (provider: string, environment: string) => call<ClientJwks>('client_jwks', { provider, environment }),
  /** Asks where to save the public JWKS and writes it; the path, or null if cancelled. */
  exportClientJwks: (provider: string, environment: string) =>
    call<string | null>('export_client_jwks', { provider, environment }),
  /** Opens a preset's developer console (where its client is registered) in the system browser. */
  openProviderConsole: (preset: PresetId) => call<void>('open_provider_console', { preset }),
  /** Refreshes every account that can be; each outcome also comes as a `refresh_progress` event. */
  refreshAll: () => call<RefreshAllOutcome>('refresh_all'),
  /** Revokes every account `scope` takes; each outcome also comes as a `revoke_progress` event. */
  revokeAll: (scope: RevokeAllScope) => call<RevokeAllOutcome>('revoke_all', { scope }),
  /** What the account's tokens say (never a token) and its last token response, masked. */
  inspectAccount: (account: number) => call<Inspection>('inspect_account', { account }),
  /** Which key the provider says the account's DPoP token is bound to (its introspection). */
  checkDpopBinding: (account: number) => call<ProviderBinding>('check_dpop_binding', { account }),
  /** The account's HTTP exchanges, newest first, masked. */
  accountHttpLog: (account: number) => call<HttpExchange[]>('account_http_log', { account }),
  /** The exchanges of the operation that recorded history entry `entry`. */
  activityExchanges: (entry: number) => call<HttpExchange[]>('activity_exchanges', { entry }),
  /** The access token itself, to show on the person's Reveal; recorded in the history. */
  revealAccessToken: (account: number) => call<string>('reveal_access_token', { account }),
  /** The app puts the access token on the clipboard (it never comes here); recorded in the history. */
  copyAccessToken: (account: number) => call<void>('copy_access_token', { account }),
  /** The access token counts as expired from now: its next use refreshes it. */
  expireAccessToken: (account: number) => call<void>('expire_access_token', { account }),
  /** Asks where to save the account's report and writes it; the path, or null if cancelled. */
  exportAccountReport: (account: number) => call<string | null>('export_account_report', { account }),
  /** Exchanges one of the account's tokens (RFC 8693): what the new token says, never the token. */
  exchangeToken: (account: number, request: ExchangeRequest) =>
    call<ExchangeResult>('exchange_token', { account, request }),
  /** The exchanged token itself, held by the app under `handle`; recorded in the history. */
  revealExchangedToken: (handle: number) => call<string>('reveal_exchanged_token', { handle }),
  /** The app puts the exchanged token on the clipboard (it never comes here); recorded. */
  copyExchangedToken: (handle: number) => call<void>('copy_exchanged_token', { handle }),
  /** Asks where to save the exchanged token (a new file) and writes it; the path, or null. */
  saveExchangedToken: (handle: number) => call<string | null>('save_exchanged_token', { handle }),
}

/**
 * Like `subscribe`, but resolves only once the listener is in place, with the function that
 * stops it: whatever the Rust side emits after that is heard. For a caller that must not miss
 * the answer to what it is about to ask (see `lib/followLink.ts`).
 */
export async function listening<K extends GrantryEvent['kind']>(
  kind: K,
  handler: (event: Extract<GrantryEvent, { kind: K }>) => void,
): Promise<() => void> {
  const unlisten = await listen<GrantryEvent>(EVENT_CHANNEL, ({ payload }) => {
    if (payload.kind === kind) handler(payload as Extract<GrantryEvent, { kind: K }>)
  })
  let stopped = false
  return () => {
    if (stopped) return
    stopped = true
    unlisten()
  }
}

/**
 * Calls `handler` for every event of one `kind` the Rust side emits; the window re-fetches
 * rather than mirroring state. Returns the function that stops it, meant for a component's
 * teardown: it can be called before Tauri has finished registering the listener (a component
 * can be destroyed that fast), and the listener is then removed as soon as it exists.
 */
export function subscribe<K extends GrantryEvent['kind']>(
  kind: K,
  handler: (event: Extract<GrantryEvent, { kind: K }>) => void,
): () => void {
  let stopped = false
  const registered = listening(kind, (event) => {
    if (!stopped) handler(event)
  })
  // Without a listener the window just misses events; that must not end as an unhandled rejection.
  registered.catch((thrown) => console.error(`cannot listen for ${kind} events`, thrown))
  return () => {
    if (stopped) return
    stopped = true
    registered.then((stop) => stop()).catch(() => {})
  }
}

// The Sandbox screen (ui/src/sandbox/): the built-in sandbox, which the app drives in-process
// (src-tauri/src/sandbox_commands.rs), so its admin token never reaches the window.
import type { ActiveFault } from './bindings/ActiveFault'
import type { Fault } from './bindings/Fault'
import type { FaultEndpoint } from './bindings/FaultEndpoint'
import type { NewTestUser } from './bindings/NewTestUser'
import type { SandboxClient } from './bindings/SandboxClient'
import type { SandboxClientView } from './bindings/SandboxClientView'
import type { SandboxDpop } from './bindings/SandboxDpop'
import type { SandboxOverview } from './bindings/SandboxOverview'
import type { TestUser } from './bindings/TestUser'

export type {
  ActiveFault,
  Fault,
  FaultEndpoint,
  NewTestUser,
  SandboxClient,
  SandboxClientView,
  SandboxDpop,
  SandboxOverview,
  TestUser,
}

export const sandboxIpc = {
  /** Starts the sandbox on `port`, or on its configured port; answers its new status. */
  start: (port: number | null) => call<SandboxStatus>('start_sandbox', { port }),
  /** Stops it: the built-in provider is no longer offered for linking. */
  stop: () => call<SandboxStatus>('stop_sandbox'),
  /** Its issuer, personality, clients (never their secrets), test users and scopes. */
  overview: () => call<SandboxOverview>('sandbox_overview'),
  addUser: (user: NewTestUser) => call<TestUser>('add_sandbox_user', { user }),
  /** Removes a test user; the grants the user gave are revoked at the sandbox. */
  removeUser: (login: string) => call<void>('remove_sandbox_user', { login }),
  /** Adds a client (or replaces the one with its id); a secret goes in, and never comes back. */
  addClient: (client: SandboxClient) => call<void>('add_sandbox_client', { client }),
  /** Removes a client; the grants made to it are revoked at the sandbox. */
  removeClient: (clientId: string) => call<void>('remove_sandbox_client', { clientId }),
  /** Makes the sandbox require pushed authorization requests (RFC 9126), or stop. */
  setRequirePar: (required: boolean) => call<void>('set_sandbox_require_par', { required }),
  /** Sets its DPoP switches (RFC 9449): proofs required of every client, nonces demanded. */
  setDpop: (dpop: SandboxDpop) => call<SandboxDpop>('set_sandbox_dpop', { ...dpop }),
  faults: () => call<ActiveFault[]>('sandbox_faults'),
  /** Injects a fault; answers the faults now in force. */
  addFault: (fault: Fault) => call<ActiveFault[]>('add_sandbox_fault', { fault }),
  /** Clears one fault by its id (`null`: all); answers the faults still in force. */
  clearFault: (id: number | null) => call<ActiveFault[]>('clear_sandbox_fault', { id }),
  /** Links one test user at the sandbox, its consent given in-process, without a browser. */
  linkTestUser: (login: string) => call<AccountSummary>('link_test_user', { login }),
}
