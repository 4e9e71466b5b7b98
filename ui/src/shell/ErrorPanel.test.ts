import { render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import ErrorPanel from './ErrorPanel.svelte'

describe('ErrorPanel', () => {
  it("shows a provider's markup in an error as text, never as elements", () => {
    const message = 'sandbox refused: <img src="x" onerror="window.__pwned=1"><a href="https://evil.test">Re-link here</a>'
    const { container } = render(ErrorPanel, { error: { code: 'provider_error', message } })
    expect(container.querySelector('img, a')).toBeNull()
    expect(screen.getByRole('alert').textContent).toContain(message)
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined()
  })
})
