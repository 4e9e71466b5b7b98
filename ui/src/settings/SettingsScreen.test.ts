import { fireEvent, render, screen } from '@testing-library/svelte'
import { afterEach, describe, expect, it } from 'vitest'
import type { SettingsView } from '../lib/ipc'
import ThemeSwitch from '../shell/ThemeSwitch.svelte'
import { theme } from '../shell/theme.svelte'
import { answer, fail, invoke, settle } from '../test/tauri'
import SettingsScreen from './SettingsScreen.svelte'

const defaults: SettingsView = {
  settings: { keep_running_in_tray: true, start_at_login: false },
  tray_available: true,
}

const box = (name: string) => document.querySelector<HTMLInputElement>(`input[name=${name}]`)!

async function show(view: SettingsView = defaults) {
  answer('get_settings', view)
  render(SettingsScreen)
  await screen.findByRole('heading', { level: 1, name: 'Settings' })
  await settle()
}

describe('SettingsScreen', () => {
  it('shows the settings in force', async () => {
    await show()
    expect(box('keep_running_in_tray').checked).toBe(true)
    expect(box('start_at_login').checked).toBe(false)
    expect(screen.queryByTestId('no-tray')).toBeNull()
  })

  it('says plainly when there is no tray to keep Grantry in', async () => {
    await show({ ...defaults, tray_available: false })
    expect(screen.getByTestId('no-tray').textContent).toContain('closing the window quits Grantry')
  })

  it('saves each change at once, and shows what the app answered', async () => {
    await show()
    answer('save_settings', {
      settings: { keep_running_in_tray: true, start_at_login: true },
      tray_available: true,
    })
    await fireEvent.click(box('start_at_login'))
    await settle()
    expect(invoke).toHaveBeenCalledWith('save_settings', {
      settings: { keep_running_in_tray: true, start_at_login: true },
    })
    expect(box('start_at_login').checked).toBe(true)
  })

  it('undoes a change that could not be saved, and says why', async () => {
    await show()
    fail('save_settings', { code: 'invalid_input', message: 'cannot start at login: /tmp is writable by others' })
    await fireEvent.click(box('start_at_login'))
    await settle()
    expect(box('start_at_login').checked).toBe(false)
    expect(screen.getByRole('alert').textContent).toContain('cannot start at login')
  })

  describe('theme', () => {
    afterEach(() => {
      theme.value = 'system'
    })

    it("chooses the window's theme, kept for next time, and the sidebar's switch follows", async () => {
      await show()
      render(ThemeSwitch)
      const choice = screen.getByTestId<HTMLSelectElement>('settings-theme')
      const sidebar = document.querySelector<HTMLSelectElement>('select[title=Theme]')
      expect(choice.value).toBe('system')
      expect(screen.getByRole('combobox', { name: /^Theme/, description: /follows your desktop/ })).toBe(choice)
      await fireEvent.change(choice, { target: { value: 'dark' } })
      expect(document.documentElement.dataset.theme).toBe('dark')
      expect(localStorage.getItem('grantry.theme')).toBe('dark')
      expect(sidebar?.value).toBe('dark')
      await fireEvent.change(choice, { target: { value: 'system' } })
      expect(document.documentElement.dataset.theme).toBeUndefined()
      expect(localStorage.getItem('grantry.theme')).toBeNull()
    })

    it('is there even when the settings cannot be read', async () => {
      fail('get_settings', { code: 'internal', message: 'no settings file' })
      render(SettingsScreen)
      await settle()
      expect(screen.getByTestId('settings-theme')).toBeTruthy()
    })
  })
})
