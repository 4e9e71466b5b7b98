import { render, screen } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import Hello from '../test/Hello.svelte'
import LazyHello from '../test/LazyHello.svelte'
import { settle } from '../test/tauri'
import { QUIET_MS } from './lazy'

type Loaded = { default: typeof Hello }

/** A loader the test finishes when it wants, as a slow script load would. */
function slowLoader() {
  let finish: (loaded: Loaded) => void = () => {}
  let refuse: (error: Error) => void = () => {}
  const load = vi.fn(
    () =>
      new Promise<Loaded>((resolve, reject) => {
        finish = resolve
        refuse = reject
      }),
  )
  return { load, finish: () => finish({ default: Hello }), refuse: (error: Error) => refuse(error) }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('Lazy', () => {
  it('shows the component once loaded, saying nothing for a quick load', async () => {
    const { load, finish } = slowLoader()
    const { container } = render(LazyHello, { load, name: 'Ada' })
    expect(container.textContent.trim()).toBe('')
    finish()
    expect((await screen.findByTestId('hello')).textContent).toBe('Hello, Ada')
    expect(screen.queryByText('Loading…')).toBeNull()
  })

  it('says it is loading, quietly, only once a load is slow', async () => {
    vi.useFakeTimers()
    const { load, finish } = slowLoader()
    render(LazyHello, { load, name: 'Ada' })
    await vi.advanceTimersByTimeAsync(QUIET_MS - 1)
    expect(screen.queryByText('Loading…')).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(screen.getByText('Loading…').getAttribute('aria-live')).toBe('polite')
    finish()
    await vi.advanceTimersByTimeAsync(0)
    expect(screen.getByTestId('hello')).toBeTruthy()
    expect(screen.queryByText('Loading…')).toBeNull()
  })

  it('draws a component loaded before at once, without loading it again', async () => {
    const { load, finish } = slowLoader()
    const first = render(LazyHello, { load, name: 'Ada' })
    finish()
    await screen.findByTestId('hello')
    first.unmount()
    render(LazyHello, { load, name: 'Bob' })
    expect(screen.getByTestId('hello').textContent).toBe('Hello, Bob')
    expect(load).toHaveBeenCalledOnce()
  })

  it('says what failed when the script cannot be loaded', async () => {
    const { load, refuse } = slowLoader()
    render(LazyHello, { load, name: 'Ada' })
    refuse(new Error('no such chunk'))
    await settle()
    expect(screen.getByRole('alert').textContent).toContain('no such chunk')
  })
})
