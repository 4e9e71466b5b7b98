import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import { axeViolations } from '../test/axe'
import HelpDialog from './HelpDialog.svelte'
import { shortcutGroups } from './shortcuts'

describe('HelpDialog', () => {
  it('lists every shortcut by where it works, and the version', () => {
    render(HelpDialog, { onClose: vi.fn() })
    const dialog = screen.getByRole('dialog', { name: 'Help' })
    for (const group of shortcutGroups) {
      expect(screen.getByRole('heading', { level: 3, name: group.where })).toBeTruthy()
      for (const shortcut of group.keys) expect(dialog.textContent).toContain(shortcut.what)
    }
    const keys = [...dialog.querySelectorAll('kbd')].map((kbd) => kbd.textContent)
    expect(keys).toEqual(expect.arrayContaining(['Ctrl+F', 'Ctrl+N', 'F5', 'Ctrl+,', 'F1', '?']))
    expect(screen.getByTestId('help-version').textContent).toBe(__APP_VERSION__)
  })

  it('closes with Close or Escape', async () => {
    const onClose = vi.fn()
    render(HelpDialog, { onClose })
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }))
    expect(onClose).toHaveBeenCalledOnce()
    await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' })
    expect(onClose).toHaveBeenCalledTimes(2)
  })

  it('has no serious accessibility problem', async () => {
    render(HelpDialog, { onClose: vi.fn() })
    expect(await axeViolations()).toEqual([])
  })
})
