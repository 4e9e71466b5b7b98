import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { AccountSummary, DeviceLinkView } from '../lib/ipc'
import { answer, emitEvent, invoke, settle } from '../test/tauri'
import DeviceCodeQr from './DeviceCodeQr.svelte'
import LinkDialog from './LinkDialog.svelte'

const linked: AccountSummary = {
  id: 1,
  provider: 'sandbox',
  environment: 'local',
  subject: 'u1',
  display_name: 'Ada Lovelace',
  email: null,
  picture_url: null,
  access_expires_at: null,
  scope_count: 1,
  status: 'valid',
  status_reason: null,
  has_refresh_token: false,
  failing_refresh: null,
}

function environment(device: 'always' | 'possible' | 'never') {
  return {
    id: 'sandbox',
    name: 'Grantry Sandbox',
    environments: [{ name: 'local', device, scopes: [{ scope: 'openid', description: 'Sign you in' }] }],
  }
}

// A 21x21 matrix with only the top-left module dark.
const qr = { size: 21, dark: Array.from({ length: 441 }, (_, i) => i === 0) }

const view: DeviceLinkView = {
  link: 'device-1',
  provider: 'sandbox',
  environment: 'local',
  user_code: 'WDJB-MJHT',
  verification_uri: 'http://127.0.0.1:7461/device',
  verification_uri_complete: 'http://127.0.0.1:7461/device?user_code=WDJB-MJHT',
  expires_at: Math.floor(Date.now() / 1000) + 600,
  interval: 5,
  qr,
}

/** Opens the dialog on an environment and starts a device link. */
async function startDevice(device: 'always' | 'possible', onClose = vi.fn()) {
  answer('list_providers', [environment(device)])
  answer('start_device_link', view)
  answer('link_status', { status: 'waiting' })
  render(LinkDialog, { onClose })
  await screen.findByText('Sign you in')
  if (device === 'possible') await fireEvent.click(screen.getByTestId('link-by-device'))
  await fireEvent.click(screen.getByText('Link'))
  await screen.findByTestId('device-waiting')
  await settle()
  return onClose
}

describe('DeviceCodeWaiting', () => {
  it('shows the code large, the page, a link to the filled-in page, a QR code and the time left', async () => {
    await startDevice('always')
    expect(invoke).toHaveBeenCalledWith('start_device_link', { provider: 'sandbox', environment: 'local', scopes: ['openid'] })
    expect(invoke).not.toHaveBeenCalledWith('start_link', expect.anything())
    expect(screen.getByTestId('device-user-code').textContent).toBe('WDJB-MJHT')
    expect(screen.getByTestId('device-verification-uri').textContent).toBe('http://127.0.0.1:7461/device')
    const open = screen.getByTestId<HTMLAnchorElement>('device-open')
    expect(open.getAttribute('href')).toBe(view.verification_uri_complete)
    expect(open.textContent).toContain('code filled in')
    expect(screen.getByRole('img', { name: `QR code of ${view.verification_uri_complete}` })).toBeTruthy()
    expect(screen.getByTestId('device-time-left').textContent).toMatch(/works for (10:00|9:5\d) more/)
  })

  it('opens the page in the system browser through the Rust side, never in the window', async () => {
    await startDevice('always')
    answer('reopen_link', undefined)
    const click = new MouseEvent('click', { bubbles: true, cancelable: true })
    screen.getByTestId('device-open').dispatchEvent(click)
    await settle()
    expect(click.defaultPrevented).toBe(true)
    expect(invoke).toHaveBeenCalledWith('reopen_link', { link: 'device-1' })
  })

  it('is offered as a choice where the environment may, and closes as linked on its own link', async () => {
    const onClose = await startDevice('possible')
    emitEvent({ kind: 'link_completed', link: 'another', account: linked })
    await settle()
    expect(onClose).not.toHaveBeenCalled()
    emitEvent({ kind: 'link_completed', link: 'device-1', account: linked })
    await settle()
    expect(onClose).toHaveBeenCalledExactlyOnceWith(true)
  })

  it('says when the code expired or was denied, and offers to start again', async () => {
    await startDevice('always')
    emitEvent({
      kind: 'link_failed',
      link: 'device-1',
      error: { code: 'expired', message: 'the code for sandbox expired before it was entered' },
    })
    expect((await screen.findByRole('alert')).textContent).toContain('expired before it was entered')
    expect(screen.queryByTestId('device-waiting')).toBeNull()
    expect(screen.getByTestId('link-start')).toBeTruthy()
  })

  it('cancels its link when the person gives up', async () => {
    const onClose = await startDevice('always')
    answer('cancel_link', true)
    await fireEvent.click(screen.getByTestId('device-cancel'))
    await settle()
    expect(invoke).toHaveBeenCalledWith('cancel_link', { link: 'device-1' })
    expect(onClose).toHaveBeenCalledExactlyOnceWith(false)
  })

  it('is not offered where the environment cannot', async () => {
    answer('list_providers', [environment('never')])
    render(LinkDialog, { onClose: () => {} })
    await screen.findByText('Sign you in')
    expect(screen.queryByTestId('link-by-device')).toBeNull()
    expect(screen.queryByTestId('link-device-always')).toBeNull()
  })
})

describe('DeviceCodeQr', () => {
  it('draws each dark module as a square inside a quiet zone, and nothing else dark', () => {
    const { container } = render(DeviceCodeQr, { qr, label: 'QR code of the page' })
    const svg = container.querySelector('svg')!
    expect(svg.getAttribute('viewBox')).toBe('0 0 29 29')
    expect(container.querySelector('path')!.getAttribute('d')).toBe('M4 4h1v1h-1z')
    expect(screen.getByRole('img', { name: 'QR code of the page' })).toBeTruthy()
  })
})
