import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

// package.json has "strict": false: the embedded SQLite store needs process.env and node:sqlite,
// so this package targets self-hosted n8n and uses the non-cloud rule set.
export default [
	...configWithoutCloudSupport,
	{ ignores: ['test/**', 'bench/**', 'scripts/**', 'jest.config.js', 'coverage/**', 'dist/**'] },
	{
		// lib/ is the pure lead domain and imports nothing from n8n: it throws plain errors, which the
		// node shells wrap in NodeOperationError with the item index.
		files: ['lib/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
	{
		// Two runtime dependencies, justified in the README ("Runtime dependencies"):
		// libphonenumber-js (E.164 phone parsing) and disposable-email-domains (spam check data).
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
];
