// Screens and large dialogs load when first shown, each in a script of its own, so that only
// the Accounts list's code is read at start. A module loaded once is kept here: showing it
// again draws it at once, with no loading step.
import type { Component } from 'svelte'

/** What `import('./X.svelte')` gives. */
export type Loader<Props extends Record<string, unknown>> = () => Promise<{ default: Component<Props> }>

const loaded = new Map<Loader<never>, Component<never>>()

/** The component `load` gave before, if it did. */
export function loadedBy<Props extends Record<string, unknown>>(load: Loader<Props>): Component<Props> | undefined {
  return loaded.get(load) as Component<Props> | undefined
}

/** Loads the component once, and remembers it for `loadedBy`. */
export async function loadComponent<Props extends Record<string, unknown>>(
  load: Loader<Props>,
): Promise<Component<Props>> {
  const component = (await load()).default
  loaded.set(load, component)
  return component
}

/** How long a load may take before the place it fills says it is loading: a quick one never does. */
export const QUIET_MS = 300
