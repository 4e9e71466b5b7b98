import { fireEvent, render, screen } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import CopyButton from './CopyButton.svelte'

function clipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard')
})

describe('CopyButton', () => {
  it('copies its text, names what it copies and says it did', async () => {
    const writeText = vi.fn(async () => {})
    clipboard(writeText)
    render(CopyButton, { text: 'dev.grantry:/oauth/callback', what: 'the redirect URI' })
    const button = screen.getByRole('button', { name: 'Copy the redirect URI' })
    await fireEvent.click(button)
    expect(writeText).toHaveBeenCalledWith('dev.grantry:/oauth/callback')
    expect(screen.getByRole('button', { name: 'Copied the redirect URI' })).toBe(button)
  })

  it('says so when the clipboard refuses', async () => {
    clipboard(() => Promise.reject(new Error('denied')))
    render(CopyButton, { text: 'x', what: 'the redirect URI' })
    await fireEvent.click(screen.getByRole('button'))
    expect((await screen.findByRole('alert')).textContent).toMatch(/copy it by hand/)
  })
})
