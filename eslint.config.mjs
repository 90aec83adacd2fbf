// `npm run lint`: ESLint with typescript-eslint's recommended rules (syntax-only, no type
// information, so it stays fast on a small machine); tsc's noUnused* catch dead locals.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'studies/**/runs/**', 'test-output/**', '.vscode-test/**', '**/.venv/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', __filename: 'readonly', require: 'readonly', module: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      // tsc (noUnusedLocals/noUnusedParameters) reports these; `_`-prefixed parameters are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The engine loads optional native packages and the wasm backend at run time.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
