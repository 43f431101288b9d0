// Lint rules that keep the architecture honest (STYLE.md "Boundaries"):
// - @nx/enforce-module-boundaries: contracts depend on nothing but zod; util on
//   contracts; infra libs on contracts and util; the kit on infra; apps on libs
//   only, never on another app.
// - inside a service, domain/ stays pure: no Nest, mongoose, kafkajs or adapters.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

module.exports = [
  { ignores: ['node_modules/**', 'dist/**', '.local/**', 'coverage/**', '**/*.js', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // The e2e suite drives the local stack tooling (not a library, so imported by path).
          allow: ['tools/stack/stack\\.ts$'],
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra'] },
            { sourceTag: 'type:kit', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra', 'type:kit'] },
            // The kit too: its outbox relay is tested on the real store and broker below the services (outbox-relay e2e).
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra', 'type:kit'] },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'mongoose', 'kafkajs', 'mongodb', 'nodemailer', 'express'], message: 'domain/ holds pure policies: no framework or I/O imports.' },
            { group: ['**/adapters/**', '../adapters/*'], message: 'domain/ must not depend on adapters/.' },
          ],
        },
      ],
    },
  },
];
