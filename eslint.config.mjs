import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import regexp from 'eslint-plugin-regexp';

// package.json has "strict": false: the embedded SQLite store needs process.env and node:sqlite,
// so this package targets self-hosted n8n and uses the non-cloud rule set.
export default [
	...configWithoutCloudSupport,
	{
		// .e2e, .demo and .screenshots hold n8n user folders the tests and scripts create.
		ignores: [
			'test/**',
			'bench/**',
			'scripts/**',
			'jest.config.js',
			'coverage/**',
			'dist/**',
			'.e2e/**',
			'.demo/**',
			'.screenshots/**',
		],
	},
	{
		// Every regular expression that can meet user input must run in linear time: a form field
		// of 100,000 dots must not stall n8n's event loop (issue #9).
		files: ['lib/**/*.ts', 'nodes/**/*.ts', 'credentials/**/*.ts'],
		plugins: { regexp },
		rules: {
			'regexp/no-super-linear-backtracking': 'error',
			'regexp/no-super-linear-move': 'error',
			// Prettier breaks code at 120 columns; what it cannot break (messages, SQL, patterns) is exempt.
			'max-len': [
				'error',
				{
					code: 120,
					tabWidth: 2,
					ignoreStrings: true,
					ignoreTemplateLiterals: true,
					ignoreRegExpLiterals: true,
					ignoreUrls: true,
				},
			],
		},
	},
	{
		// lib/ is the pure lead domain and imports nothing from n8n: it throws plain errors, which the
		// node shells wrap in NodeOperationError with the item index.
		files: ['lib/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
	{
		// Three runtime dependencies, justified in the README ("Runtime dependencies"):
		// libphonenumber-js (E.164 phone parsing), disposable-email-domains (spam check data) and
		// ioredis (the Redis client n8n itself ships, for the Redis state store).
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
];
