import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import { answer, fail, invoke, settle } from '../test/tauri'
import { customView, googleView } from './fixtures'
import RemoveProviderDialog from './RemoveProviderDialog.svelte'

function show(provider = googleView()) {
  const onRemoved = vi.fn()
  const onClose = vi.fn()
  render(RemoveProviderDialog, { provider, onRemoved, onClose })
  return { onRemoved, onClose }
}

const remove = () => fireEvent.click(screen.getByRole('button', { name: 'Remove' }))

describe('RemoveProviderDialog', () => {
  it('with no linked account, simply confirms', async () => {
    answer('remove_provider', undefined)
    const { onRemoved } = show(customView())
    expect(screen.getByRole('dialog', { name: 'Remove Corp SSO' }).textContent.replace(/\s+/g, ' ')).toContain(
      'No account is linked through it.',
    )
    expect(screen.queryByRole('radio')).toBeNull()
    await remove()
    await settle()
    expect(invoke).toHaveBeenCalledWith('remove_provider', { provider: 'corp', accounts: 'forget' })
    expect(onRemoved).toHaveBeenCalledOnce()
  })

  it('says how many accounts are linked and asks what becomes of them', async () => {
    show()
    expect(screen.getByRole('group', { name: '3 accounts are linked through Google. What should happen to them?' })).toBeTruthy()
    expect(screen.getByRole('radio', { name: /^Revoke access at the provider, then remove/ })).toBeTruthy()
    expect(screen.getByRole('radio', { name: /^Remove from this device only/ })).toBeTruthy()
    await remove()
    expect(screen.getByRole('alert').textContent).toContain('Choose what happens to the linked accounts.')
    expect(invoke).not.toHaveBeenCalledWith('remove_provider', expect.anything())
  })

  it('counts one account in the singular', () => {
    show(googleView({ accounts: 1 }))
    expect(screen.getByRole('group', { name: '1 account is linked through Google. What should happen to it?' })).toBeTruthy()
  })

  it('revokes the accounts first when asked', async () => {
    answer('remove_provider', undefined)
    const { onRemoved } = show()
    await fireEvent.click(screen.getByRole('radio', { name: /^Revoke access/ }))
    await remove()
    await settle()
    expect(invoke).toHaveBeenCalledWith('remove_provider', { provider: 'google', accounts: 'revoke' })
    expect(onRemoved).toHaveBeenCalledOnce()
  })

  it('removes them from this device only when asked', async () => {
    answer('remove_provider', undefined)
    show()
    await fireEvent.click(screen.getByRole('radio', { name: /^Remove from this device only/ }))
    await remove()
    await settle()
    expect(invoke).toHaveBeenCalledWith('remove_provider', { provider: 'google', accounts: 'forget' })
  })

  it('says why it failed, and stays open', async () => {
    fail('remove_provider', { code: 'provider_unreachable', message: 'Google cannot be reached; nothing was removed.' })
    const { onRemoved, onClose } = show()
    await fireEvent.click(screen.getByRole('radio', { name: /^Revoke access/ }))
    await remove()
    expect((await screen.findByRole('alert')).textContent).toBe('Google was not removed. Google cannot be reached; nothing was removed.')
    expect(onRemoved).not.toHaveBeenCalled()
    expect(onClose).not.toHaveBeenCalled()
    expect(screen.getByRole('button', { name: 'Remove' })).toBeTruthy()
  })

  it('closes with Cancel', async () => {
    const { onClose } = show()
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(onClose).toHaveBeenCalledOnce()
  })
})
