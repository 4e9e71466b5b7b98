import { render, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { detail, NOW } from './fixtures'
import Timeline from './Timeline.svelte'

describe('Timeline', () => {
  it('lists the events in the order given (newest first), with local time, label and detail', () => {
    const entries = [...detail().timeline]
    entries.unshift({ id: 3, at: NOW + 120, kind: 'refresh_failed', detail: 'sandbox could not be reached', account_id: 7, exchanges: 0 })
    render(Timeline, { entries })
    const items = screen.getAllByRole('listitem')
    expect(items.map((item) => within(item).getByText(/./, { selector: '.kind' }).textContent)).toEqual([
      'Refresh failed',
      'Tokens refreshed',
      'Account linked',
    ])
    expect(within(items[0]!).getByText('sandbox could not be reached')).toBeTruthy()
    const time = items[2]!.querySelector('time')!
    expect(time.getAttribute('datetime')).toBe(new Date(NOW * 1000).toISOString())
    expect(time.textContent).toBe(new Date(NOW * 1000).toLocaleString())
  })

  it('says when nothing happened yet', () => {
    render(Timeline, { entries: [] })
    expect(screen.getByText('Nothing has happened to this account yet.')).toBeTruthy()
  })
})
