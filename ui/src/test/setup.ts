// Installs the Tauri stand-in (./tauri.ts) for every test file, and checks after each test that
// whatever the test rendered was taken down without leaving a listener behind.
import { cleanup } from '@testing-library/svelte'
import { afterEach, expect, vi } from 'vitest'
import { listenerCount, resetTauri, settle } from './tauri'

vi.mock('@tauri-apps/api/core', async () => ({ invoke: (await import('./tauri')).invoke }))
vi.mock('@tauri-apps/api/event', async () => ({ listen: (await import('./tauri')).listen }))

afterEach(async () => {
  cleanup()
  await settle()
  const leaked = listenerCount()
  resetTauri()
  expect(leaked, 'listeners still registered after the test').toBe(0)
})
