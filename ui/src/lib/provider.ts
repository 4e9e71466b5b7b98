// How a provider is named to people, the same everywhere in the UI: by the name it was given
// (ProviderOption.name), not by the id accounts refer to it by.
import { ipc, subscribe, type ProviderOption } from './ipc'

/**
 * The provider `id` as people read it: its name; its id while the providers are not known
 * (`providers` null: not listed yet, or they could not be); its id, said to be removed, when
 * it is no longer configured (its accounts stay until they are forgotten).
 */
export function providerLabel(id: string, providers: ProviderOption[] | null): string {
  if (providers === null) return id
  const provider = providers.find((p) => p.id === id)
  return provider ? provider.name : `${id} (removed provider)`
}

/**
 * Hands `set` the configured providers now and again after every `providers_changed`; null
 * when they cannot be listed (names then fall back to ids). Returns the function that stops
 * it, for a component's `$effect`; an answer that arrives after that is dropped.
 */
export function followProviders(set: (providers: ProviderOption[] | null) => void): () => void {
  let stopped = false
  // Loads can overlap (a change right after the first load); only the latest one's answer counts.
  let loads = 0
  async function load() {
    const mine = ++loads
    let list: ProviderOption[] | null
    try {
      list = await ipc.listProviders()
    } catch {
      list = null
    }
    if (!stopped && mine === loads) set(list)
  }
  void load()
  const stop = subscribe('providers_changed', () => void load())
  return () => {
    stopped = true
    stop()
  }
}
