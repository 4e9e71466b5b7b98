// The window's keyboard shortcuts: which one a key press is, if any, and the list the Help
// dialog shows. Each screen acts on the ones that concern it (App.svelte on the rest).

export type Shortcut = 'filter' | 'link' | 'refresh' | 'settings' | 'help'

/** Whether a modal dialog is open: shortcuts then wait, the dialog has the keyboard. */
export function dialogOpen(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"]') !== null
}

const NOT_TYPED = new Set(['button', 'checkbox', 'color', 'file', 'radio', 'range', 'reset', 'submit'])

/** Whether `target` takes typed text, where a plain key (`?`) is a character, not a shortcut. */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLInputElement) return !NOT_TYPED.has(target.type)
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
}

/**
 * The shortcut `event` is, or null: none while a dialog is open or for a key something else
 * already took; while typing in a field, only F1, F5 and the Ctrl ones.
 */
export function shortcutOf(event: KeyboardEvent): Shortcut | null {
  if (event.defaultPrevented || event.isComposing || dialogOpen()) return null
  if (event.altKey || event.metaKey) return null
  if (event.ctrlKey) {
    if (event.shiftKey) return null
    switch (event.key.toLowerCase()) {
      case 'f':
        return 'filter'
      case 'n':
        return 'link'
      case ',':
        return 'settings'
      default:
        return null
    }
  }
  if (event.key === 'F1' && !event.shiftKey) return 'help'
  if (event.key === 'F5' && !event.shiftKey) return 'refresh'
  // `?` is Shift and a key on most layouts, so Shift is not asked about.
  if (event.key === '?' && !typingIn(event.target)) return 'help'
  return null
}

/** The Help dialog's list: every key the window answers, by where it works. */
export const shortcutGroups: { where: string; keys: { keys: string[]; what: string }[] }[] = [
  {
    where: 'Anywhere',
    keys: [
      { keys: ['Ctrl+N'], what: 'Link an account' },
      { keys: ['Ctrl+F'], what: 'Filter the accounts' },
      { keys: ['F5'], what: 'Refresh all accounts; on an account’s Overview, refresh that account' },
      { keys: ['Ctrl+,'], what: 'Settings' },
      { keys: ['F1', '?'], what: 'This help (? only when not typing in a field)' },
    ],
  },
  {
    where: 'In the accounts list',
    keys: [
      { keys: ['↑', '↓'], what: 'The previous or next account' },
      { keys: ['Home', 'End'], what: 'The first or last account' },
      { keys: ['Enter'], what: 'Open the account' },
    ],
  },
  {
    where: 'On an account',
    keys: [
      { keys: ['Esc', 'Alt+←'], what: 'Back to the accounts (the mouse’s back button too)' },
      { keys: ['←', '→'], what: 'On the tabs: Overview or Inspector' },
    ],
  },
  {
    where: 'In a provider’s scopes',
    keys: [{ keys: ['Enter'], what: 'Add the scope typed' }],
  },
  {
    where: 'In a dialog',
    keys: [
      { keys: ['Esc'], what: 'Close it' },
      { keys: ['Tab', 'Shift+Tab'], what: 'The next or previous control, staying in the dialog' },
    ],
  },
]

// What the shown screen does for a shortcut that is its own (Refresh all, or the account's
// Refresh now, for F5): the latest one to ask holds it until it goes.
const handlers = new Map<Shortcut, () => void>()

/** Lets `handler` answer `shortcut` until the returned function is called (an effect's cleanup). */
export function onShortcut(shortcut: Shortcut, handler: () => void): () => void {
  handlers.set(shortcut, handler)
  return () => {
    if (handlers.get(shortcut) === handler) handlers.delete(shortcut)
  }
}

/** Runs what the shown screen does for `shortcut`; false when nothing shown answers it. */
export function runShortcut(shortcut: Shortcut): boolean {
  const handler = handlers.get(shortcut)
  handler?.()
  return handler !== undefined
}
