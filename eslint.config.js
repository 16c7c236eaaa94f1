// ESLint (flat config): code rules. Layer rules and import cycles are dependency-cruiser's job
// (.dependency-cruiser.cjs), unused files and exports knip's (knip.json); `npm run lint` runs all three.
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs'
import js from '@eslint/js'
import {defineConfig} from 'eslint/config'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

export default defineConfig(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.edge-test/**']},
  js.configs.recommended,
  tseslint.configs.recommended,
  comments.recommended,
  {
    linterOptions: {reportUnusedDisableDirectives: 'error'},
    rules: {
      // A disable comment says which rule and why (`-- reason`), so it can be judged and removed later.
      '@eslint-community/eslint-comments/require-description': 'error',
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', {allowWholeFile: true}],
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      // Type information for the few rules below; tsconfig.lint.json adds test/ to what tsconfig.json builds.
      parserOptions: {project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname},
    },
    rules: {
      // Type-aware rules worth their cost: an un-awaited promise, or one handed to a caller that
      // ignores it, loses its error silently (the daemons, the provider and the watchers live on these).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', {checksVoidReturn: {arguments: false, attributes: false}}],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      // `let x` assigned later but read earlier by a callback (gateway's request log) cannot be const.
      'prefer-const': ['error', {ignoreReadBeforeAssign: true}],
      // Patterns matching indented output read better with the spaces written out.
      'no-regex-spaces': 'off',
    },
  },
  {
    // Hooks rules only where React lives: elsewhere `useKey`/`useNetwork` are ordinary functions.
    files: ['src/ui/**/*.tsx', 'test/**/*.tsx'],
    plugins: {'react-hooks': reactHooks},
    rules: {'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error'},
  },
  {
    // Tests read parsed CLI/HTTP JSON as `any` and assert on it; a cast per field would add nothing.
    files: ['test/**/*.{ts,tsx}'],
    rules: {'@typescript-eslint/no-explicit-any': 'off'},
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', module: 'writable', require: 'readonly', __dirname: 'readonly'},
    },
  },
)
