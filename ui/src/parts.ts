// The parts of the window that load when first shown (shell/lazy.ts): every screen but the
// Accounts list, and the large dialogs. Each `import()` here is a script of its own in the build.

export const parts = {
  accountScreen: () => import('./account/AccountScreen.svelte'),
  activityScreen: () => import('./activity/ActivityScreen.svelte'),
  providersScreen: () => import('./providers/ProvidersScreen.svelte'),
  sandboxScreen: () => import('./sandbox/SandboxScreen.svelte'),
  settingsScreen: () => import('./settings/SettingsScreen.svelte'),
  linkDialog: () => import('./accounts/LinkDialog.svelte'),
  revokeAllDialog: () => import('./accounts/RevokeAllDialog.svelte'),
  helpDialog: () => import('./shell/HelpDialog.svelte'),
}
