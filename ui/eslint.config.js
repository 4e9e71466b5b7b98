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
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteConfig },
    },
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
