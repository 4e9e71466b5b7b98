import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { ActivityEntry } from '../lib/ipc'
import ActivityNotice from './ActivityNotice.svelte'

const relinked: ActivityEntry = { id: 3, at: 1000, kind: 'account_relinked', detail: 'linked again', account_id: 4, exchanges: 0 }

describe('ActivityNotice', () => {
  it('offers to open the account the entry is about', async () => {
    const onOpenAccount = vi.fn()
    const onDismiss = vi.fn()
    render(ActivityNotice, { entry: relinked, onDismiss, onOpenAccount })
    const notice = screen.getByTestId('activity-notice')
    expect(notice.textContent).toContain('Account linked again')
    await fireEvent.click(screen.getByRole('button', { name: 'Open account' }))
    expect(onOpenAccount).toHaveBeenCalledWith(4)
    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(onDismiss).toHaveBeenCalledOnce()
  })

  it('offers no account to open when the entry has none, or nobody can open one', () => {
    const { unmount } = render(ActivityNotice, {
      entry: { ...relinked, kind: 'deep_link_rejected', account_id: null, exchanges: 0 },
      onDismiss: () => {},
      onOpenAccount: () => {},
    })
    expect(screen.getByTestId('activity-notice')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Open account' })).toBeNull()
    unmount()

    render(ActivityNotice, { entry: relinked, onDismiss: () => {} })
    expect(screen.getByTestId('activity-notice')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Open account' })).toBeNull()
  })

  it('shows nothing for routine background work', () => {
    render(ActivityNotice, {
      entry: { ...relinked, kind: 'token_refreshed', detail: 'tokens refreshed' },
      onDismiss: () => {},
    })
    expect(screen.queryByTestId('activity-notice')).toBeNull()
  })
})
