import { afterEach, describe, expect, it, vi } from 'vitest'
import { onShortcut, runShortcut, shortcutGroups, shortcutOf, typingIn } from './shortcuts'

const made: HTMLElement[] = []

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const made_ = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) made_.setAttribute(name, value)
  document.body.append(made_)
  made.push(made_)
  return made_
}

/** A key press as the window gets it, from `target` (the page itself when not given). */
function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init })
  target.dispatchEvent(event)
  return event
}

afterEach(() => {
  made.splice(0).forEach((e) => e.remove())
})

describe('shortcutOf', () => {
  it('knows each shortcut', () => {
    expect(shortcutOf(press('f', { ctrlKey: true }))).toBe('filter')
    expect(shortcutOf(press('F', { ctrlKey: true }))).toBe('filter')
    expect(shortcutOf(press('n', { ctrlKey: true }))).toBe('link')
    expect(shortcutOf(press(',', { ctrlKey: true }))).toBe('settings')
    expect(shortcutOf(press('F5'))).toBe('refresh')
    expect(shortcutOf(press('F1'))).toBe('help')
    expect(shortcutOf(press('?', { shiftKey: true }))).toBe('help')
  })

  it('leaves other keys and other modifiers alone', () => {
    expect(shortcutOf(press('f'))).toBeNull()
    expect(shortcutOf(press('n'))).toBeNull()
    expect(shortcutOf(press('r', { ctrlKey: true }))).toBeNull()
    expect(shortcutOf(press('f', { ctrlKey: true, shiftKey: true }))).toBeNull()
    expect(shortcutOf(press('n', { ctrlKey: true, altKey: true }))).toBeNull()
    expect(shortcutOf(press('f', { metaKey: true }))).toBeNull()
    expect(shortcutOf(press('F5', { shiftKey: true }))).toBeNull()
    expect(shortcutOf(press('F1', { altKey: true }))).toBeNull()
    expect(shortcutOf(press('?', { ctrlKey: true }))).toBeNull()
  })

  it('while typing in a field, takes only F1, F5 and the Ctrl ones', () => {
    for (const field of [element('input'), element('input', { type: 'search' }), element('textarea'), element('select')]) {
      expect(shortcutOf(press('?', { shiftKey: true }, field))).toBeNull()
      expect(shortcutOf(press('F1', {}, field))).toBe('help')
      expect(shortcutOf(press('F5', {}, field))).toBe('refresh')
      expect(shortcutOf(press('f', { ctrlKey: true }, field))).toBe('filter')
      expect(shortcutOf(press(',', { ctrlKey: true }, field))).toBe('settings')
    }
    // A checkbox or a button takes no text: `?` is Help there.
    expect(shortcutOf(press('?', {}, element('input', { type: 'checkbox' })))).toBe('help')
    expect(shortcutOf(press('?', {}, element('button')))).toBe('help')
  })

  it('takes none while a dialog is open', () => {
    element('div', { role: 'dialog', 'aria-modal': 'true' })
    for (const [key, init] of [
      ['f', { ctrlKey: true }],
      ['n', { ctrlKey: true }],
      [',', { ctrlKey: true }],
      ['F5', {}],
      ['F1', {}],
      ['?', {}],
    ] as const) {
      expect(shortcutOf(press(key, init))).toBeNull()
    }
  })

  it('takes no key something else already handled', () => {
    const field = element('input')
    field.addEventListener('keydown', (event) => event.preventDefault())
    expect(shortcutOf(press('F1', {}, field))).toBeNull()
  })
})

describe('typingIn', () => {
  it('is true for fields that take text', () => {
    expect(typingIn(element('input', { type: 'text' }))).toBe(true)
    expect(typingIn(element('input', { type: 'url' }))).toBe(true)
    expect(typingIn(element('input', { type: 'radio' }))).toBe(false)
    expect(typingIn(element('div'))).toBe(false)
    expect(typingIn(null)).toBe(false)
  })
})

describe('onShortcut', () => {
  it('runs the latest handler until it is taken back', () => {
    const first = vi.fn()
    const second = vi.fn()
    const stopFirst = onShortcut('refresh', first)
    const stopSecond = onShortcut('refresh', second)
    expect(runShortcut('refresh')).toBe(true)
    expect(second).toHaveBeenCalledOnce()
    expect(first).not.toHaveBeenCalled()
    // Taking back one that was replaced leaves the newer one in place.
    stopFirst()
    expect(runShortcut('refresh')).toBe(true)
    expect(second).toHaveBeenCalledTimes(2)
    stopSecond()
    expect(runShortcut('refresh')).toBe(false)
  })
})

describe('shortcutGroups', () => {
  it('lists each shortcut the window answers', () => {
    const keys = shortcutGroups.flatMap((group) => group.keys.flatMap((shortcut) => shortcut.keys))
    for (const key of ['Ctrl+N', 'Ctrl+F', 'F5', 'Ctrl+,', 'F1', '?', 'Alt+←', 'Esc', 'Enter', 'Home', 'End', '↑', '↓']) {
      expect(keys).toContain(key)
    }
  })
})
