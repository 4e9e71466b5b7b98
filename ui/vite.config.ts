import { readFileSync } from 'node:fs'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

// The app version shown in the sidebar comes from the one place it is set.
const tauriConf = JSON.parse(readFileSync(new URL('../tauri.conf.json', import.meta.url), 'utf8')) as {
  version: string
}

export default defineConfig({
  plugins: [svelte()],
  define: { __APP_VERSION__: JSON.stringify(tauriConf.version) },
  // Tauri expects a fixed port in dev and no screen clearing, so Rust errors stay visible.
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: 'safari15', outDir: 'dist', emptyOutDir: true },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    // One stand-in for the Tauri bridge, shared by every test (src/test/tauri.ts).
    setupFiles: ['src/test/setup.ts'],
  },
})
