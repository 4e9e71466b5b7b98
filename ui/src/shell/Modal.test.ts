import { fireEvent, render, screen } from '@testing-library/svelte'
import { createRawSnippet } from 'svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import Modal from './Modal.svelte'

const body = (html: string) => createRawSnippet(() => ({ render: () => html }))
const twoButtons = body('<div><button>First</button><input aria-label="Middle" /><button>Last</button></div>')

const openers: HTMLElement[] = []

/** A button outside the dialog that "opened" it, focused the way a click leaves it. */
function opener(): HTMLButtonElement {
  const button = document.createElement('button')
  button.textContent = 'Open'
  document.body.append(button)
  openers.push(button)
  button.focus()
  return button
}

afterEach(() => {
  openers.splice(0).forEach((button) => button.remove())
})

describe('Modal', () => {
  it('is a labelled modal dialog', () => {
    render(Modal, { title: 'Revoke access', onClose: () => {}, children: twoButtons })
    const dialog = screen.getByRole('dialog', { name: 'Revoke access' })
    expect(dialog.getAttribute('aria-modal')).toBe('true')
  })

  it('is wider for a form when asked', () => {
    render(Modal, { title: 'Add a provider', onClose: () => {}, children: twoButtons, wide: true })
    expect(screen.getByRole('dialog').classList.contains('wide')).toBe(true)
  })

  it('moves focus into itself when it opens', () => {
    opener()
    render(Modal, { title: 'T', onClose: () => {}, children: twoButtons })
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'First' }))
  })

  it('focuses itself when it holds nothing focusable', () => {
    render(Modal, { title: 'Waiting', onClose: () => {}, children: body('<p>Opening…</p>') })
    expect(document.activeElement).toBe(screen.getByRole('dialog'))
  })

  it('keeps Tab and Shift+Tab inside', async () => {
    render(Modal, { title: 'T', onClose: () => {}, children: twoButtons })
    const first = screen.getByRole('button', { name: 'First' })
    const last = screen.getByRole('button', { name: 'Last' })
    last.focus()
    await fireEvent.keyDown(last, { key: 'Tab' })
    expect(document.activeElement).toBe(first)
    await fireEvent.keyDown(first, { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(last)
  })

  it('leaves Tab between inner controls to the browser', () => {
    render(Modal, { title: 'T', onClose: () => {}, children: twoButtons })
    const first = screen.getByRole('button', { name: 'First' })
    const event = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true })
    first.dispatchEvent(event)
    expect(event.defaultPrevented).toBe(false)
  })

  it('closes on Escape, and keeps the Escape from the page behind it', async () => {
    const onClose = vi.fn()
    const behind = vi.fn()
    window.addEventListener('keydown', behind)
    render(Modal, { title: 'T', onClose, children: twoButtons })
    await fireEvent.keyDown(screen.getByRole('button', { name: 'First' }), { key: 'Escape' })
    window.removeEventListener('keydown', behind)
    expect(onClose).toHaveBeenCalledOnce()
    expect(behind).not.toHaveBeenCalled()
  })

  it('gives focus back to what opened it when it closes', () => {
    const button = opener()
    const { unmount } = render(Modal, { title: 'T', onClose: () => {}, children: twoButtons })
    expect(document.activeElement).not.toBe(button)
    unmount()
    expect(document.activeElement).toBe(button)
  })
})
