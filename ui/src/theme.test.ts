// The light/dark theme lives in app.css; these checks keep components from drifting off it.
/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const src = import.meta.dirname
const css = readFileSync(join(src, 'app.css'), 'utf8')
const components = Object.fromEntries(
  readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.svelte'))
    .map((path) => [path, readFileSync(join(src, path), 'utf8')]),
)

/** The custom properties a rule sets, by name, from the first rule whose selector matches. */
function tokens(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`)
  expect(start, `no rule for ${selector} in app.css`).toBeGreaterThanOrEqual(0)
  const body = css.slice(start, css.indexOf('}', start))
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]))
}

const isColour = (value: string) => /^#[0-9a-f]{3,8}$|^(rgb|hsl)a?\(/i.test(value)

describe('app.css', () => {
  const light = tokens(':root')
  const systemDark = tokens(":root:not([data-theme='light'])")
  const forcedDark = tokens(":root[data-theme='dark']")

  it('gives every colour a dark value, or derives it from one that has', () => {
    for (const [name, value] of light) {
      if (isColour(value)) expect(systemDark.get(name), `${name} in dark mode`).toBeDefined()
      else if (value.startsWith('var(')) expect(light.has(value.slice(4, -1)), name).toBe(true)
    }
  })

  it('uses the same dark theme whether the system or the switch chose it', () => {
    expect(Object.fromEntries(forcedDark)).toEqual(Object.fromEntries(systemDark))
  })
})

describe('components', () => {
  it('take every colour from an app.css token', () => {
    expect(Object.keys(components).length).toBeGreaterThan(5)
    for (const [path, source] of Object.entries(components)) {
      const colours = source.match(/#[0-9a-f]{3,8}\b|\b(rgb|hsl)a?\(/gi)
      expect(colours, path).toBeNull()
    }
  })
})
