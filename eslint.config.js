// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['botbuilder', 'botbuilder-*', 'botframework-*'], message: 'botbuilder stays inside adapters/teams.' },
            { group: ['@microsoft/agents-*'], message: 'The Microsoft 365 Agents SDK stays inside adapters/teams.' },
            { group: ['@slack/*'], message: 'Slack SDKs stay inside adapters/slack.' },
          ],
        },
      ],
    },
  },
  {
    files: ['adapters/teams/**/*.ts', 'tests/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['adapters/slack/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['botbuilder', 'botbuilder-*', 'botframework-*'], message: 'botbuilder stays inside adapters/teams.' },
            { group: ['@microsoft/agents-*'], message: 'The Microsoft 365 Agents SDK stays inside adapters/teams.' },
          ],
        },
      ],
    },
  },
  {
    files: ['adapters/local/public/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: globals.node },
  },
);
