// A stand-in for the Tauri bridge, installed for every test by setup.ts. Tests script what each
// command answers and fire events by hand, so components run exactly as in the app, without a
// Rust side behind them.
import { vi } from 'vitest'
import { EVENT_CHANNEL } from '../lib/bindings/eventChannel'
import type { GrantryEvent } from '../lib/bindings/GrantryEvent'

type Answer = (args: Record<string, unknown> | undefined) => unknown
type Handler = (event: { event: string; id: number; payload: unknown }) => void

const answers = new Map<string, Answer>()
const listeners = new Map<number, { channel: string; handler: Handler }>()
let nextListenerId = 1
let held: Promise<void> | null = null

/**
 * The mocked `invoke`, to assert on what the window asked for. Like the real one it always
 * answers with a promise: a command with no answer, or an answer that throws, rejects it.
 */
export const invoke = vi.fn(
  (command: string, args?: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve) => {
      const answer = answers.get(command)
      if (!answer) throw new Error(`no answer scripted for the command ${command}`)
      resolve(answer(args))
    }),
)

/** The mocked `listen`; it resolves at once unless `holdListen` is in effect. */
export const listen = vi.fn(async (channel: string, handler: Handler) => {
  if (held) await held
  const id = nextListenerId++
  listeners.set(id, { channel, handler })
  return () => {
    listeners.delete(id)
  }
})

/** Makes `command` resolve with `value`, or with what `value` returns for the call's arguments. */
export function answer(command: string, value: unknown): void {
  answers.set(command, typeof value === 'function' ? (value as Answer) : () => value)
}

/** Makes `command` fail with `error`, as the Rust side rejects (usually an `IpcError`). */
export function fail(command: string, error: unknown): void {
  answers.set(command, () => Promise.reject(error))
}

/** Sends `event` to the window the way the Rust side does: on the one event channel. */
export function emitEvent(event: GrantryEvent): void {
  for (const [id, listener] of [...listeners]) {
    if (listener.channel === EVENT_CHANNEL) {
      listener.handler({ event: EVENT_CHANNEL, id, payload: event })
    }
  }
}

/** Sends `payload` on a channel of its own, as the app's other events come (`token_request`). */
export function emitOn(channel: string, payload: unknown): void {
  for (const [id, listener] of [...listeners]) {
    if (listener.channel === channel) listener.handler({ event: channel, id, payload })
  }
}

/** How many listeners are registered (on `channel`, if given): a leak shows up here. */
export function listenerCount(channel?: string): number {
  return [...listeners.values()].filter((l) => channel === undefined || l.channel === channel).length
}

/**
 * Keeps every `listen` call from now on pending until the returned function is called, to test
 * what happens when a component goes away before its listener is in place.
 */
export function holdListen(): () => Promise<void> {
  let release!: () => void
  held = new Promise((resolve) => (release = resolve))
  return async () => {
    held = null
    release()
    await settle()
  }
}

/** Lets pending promises (answers, listener registrations) run. */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0))
}

/** Forgets scripted answers, listeners and one-off mock behaviour, between tests. */
export function resetTauri(): void {
  answers.clear()
  listeners.clear()
  held = null
  invoke.mockReset()
  listen.mockReset()
}
