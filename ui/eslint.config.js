// ESLint for the UI: the recommended rules of ESLint, typescript-eslint (type-aware, from the
// same tsconfig files `npm run check` uses) and eslint-plugin-svelte; formatting is Prettier's
// alone (eslint-config-prettier turns off the rules it would fight with).
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import svelte from 'eslint-plugin-svelte'
import { defineConfig, globalIgnores } from 'eslint/config'
import globals from 'globals'
import ts from 'typescript-eslint'
import svelteConfig from './svelte.config.js'

export default defineConfig(
  // The TypeScript types in src/lib/bindings are generated from the Rust ones (`make bindings`).
  globalIgnores(['dist/', 'node_modules/', 'src/lib/bindings/']),
  js.configs.recommended,
  ts.configs.recommendedTypeChecked,
  svelte.configs.recommended,
  prettier,
  svelte.configs.prettier,
  {
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
  },
  {
    rules: {
      // A case that is only a label leads into the next one; a comment above that one is fine.
      'no-fallthrough': ['error', { allowEmptyCase: true }],
      // Failed commands reject with the Rust side's `IpcError` ({code, message}); lib/ipc.ts
      // throws that record on, for screens to branch on its code.
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'IpcError' }] }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteConfig },
    },
    rules: {
      // TypeScript (through svelte-check) already knows every name, the global constants of
      // vite-env.d.ts included.
      'no-undef': 'off',
      // typescript-eslint sees a component's markup without the types svelte-check gives it: a
      // type imported from a .svelte module, or a callback prop's parameters, look like `any` to
      // it. svelte-check holds these files to strict TypeScript instead.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The stand-in for Tauri rejects as Tauri does: with the Rust side's error record, not an Error.
    files: ['src/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/prefer-promise-reject-errors': 'off' },
  },
  {
    // The build's own files run in Node, and no tsconfig covers the plain JavaScript ones.
    files: ['*.js', 'vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['*.js'],
    extends: [ts.configs.disableTypeChecked],
  },
)
