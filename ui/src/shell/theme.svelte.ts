// The theme the person chose: the system's (light or dark as the desktop says), or always light
// or dark. One choice for the whole window, however many switches show it (the sidebar's and
// the Settings screen's), kept in localStorage and applied as `data-theme` on <html>.

export type Theme = 'system' | 'light' | 'dark'

const KEY = 'grantry.theme'

function apply(theme: Theme) {
  const root = document.documentElement
  if (theme === 'system') {
    delete root.dataset.theme
    localStorage.removeItem(KEY)
  } else {
    root.dataset.theme = theme
    localStorage.setItem(KEY, theme)
  }
}

const stored = localStorage.getItem(KEY)
let current = $state<Theme>(stored === 'light' || stored === 'dark' ? stored : 'system')
apply(current)

/** The choice, to bind a select to: setting it applies it at once. */
export const theme = {
  get value(): Theme {
    return current
  },
  set value(next: Theme) {
    current = next
    apply(next)
  },
}

export const themeWords: Record<Theme, string> = { system: 'System theme', light: 'Light', dark: 'Dark' }
