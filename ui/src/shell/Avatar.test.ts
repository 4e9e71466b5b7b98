import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { summary } from '../account/fixtures'
import Avatar from './Avatar.svelte'

const picture = 'http://127.0.0.1:7461/_sandbox/avatar/a.svg'

describe('Avatar', () => {
  it('is decorative by default: hidden from assistive technology, the name being written next to it', () => {
    const { container } = render(Avatar, { account: summary({ picture_url: picture }) })
    const img = container.querySelector('img')!
    expect(img.getAttribute('src')).toBe(picture)
    expect(img.getAttribute('alt')).toBe('')
    expect(img.getAttribute('aria-hidden')).toBe('true')
    expect(img.getAttribute('referrerpolicy')).toBe('no-referrer')
    expect(img.style.width).toBe('32px')
    expect(screen.queryByRole('img')).toBeNull()
  })

  it('shows the initials when there is no picture, or it does not load', async () => {
    const { container } = render(Avatar, { account: summary({ picture_url: picture }), size: 24 })
    await fireEvent.error(container.querySelector('img')!)
    const initials = screen.getByTestId('initials')
    expect(initials.textContent).toBe('AE')
    expect(initials.getAttribute('aria-hidden')).toBe('true')
    expect(initials.style.width).toBe('24px')
    expect(container.querySelector('img')).toBeNull()
  })

  it('is named when it is not decorative', () => {
    render(Avatar, { account: summary({ picture_url: picture }), decorative: false })
    expect(screen.getByRole('img', { name: 'Picture of alice@example.test' })).toBeTruthy()
  })

  it('names its initials when it is not decorative', () => {
    render(Avatar, { account: summary(), size: 56, decorative: false })
    const initials = screen.getByRole('img', { name: 'Initials of alice@example.test' })
    expect(initials.textContent).toBe('AE')
    expect(initials.style.fontSize).toBe('20px')
  })
})
