// `npm run lint`: typescript-eslint's recommended rules, plus the few that keep this code base readable.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {
        ignores: [
            'dist/',
            'build/',
            'out/',
            'node_modules/',
            'src-server/language/grammar/generated/',
            'test/artifacts/',
            '.vitest-cache/',
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: 'module',
            globals: {
                process: 'readonly',
                console: 'readonly',
                Buffer: 'readonly',
                URL: 'readonly',
                setTimeout: 'readonly',
                clearTimeout: 'readonly',
                setInterval: 'readonly',
                clearInterval: 'readonly',
                setImmediate: 'readonly',
                queueMicrotask: 'readonly',
                performance: 'readonly',
                TextDecoder: 'readonly',
                TextEncoder: 'readonly',
                structuredClone: 'readonly',
                globalThis: 'readonly',
                PAYRULE_VERSION: 'readonly',
            },
        },
        rules: {
            // tsc's noUnusedLocals reports unused names; `_`-prefixed parameters are deliberate.
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
            'max-len': [
                'error',
                {
                    code: 160,
                    ignoreUrls: true,
                    ignoreStrings: true,
                    ignoreTemplateLiterals: true,
                    ignoreRegExpLiterals: true,
                    ignoreComments: false,
                },
            ],
            eqeqeq: ['error', 'always', { null: 'ignore' }],
        },
    },
    {
        // Tests poke at malformed input on purpose.
        files: ['test/**/*.ts'],
        rules: { '@typescript-eslint/no-explicit-any': 'off' },
    },
);
