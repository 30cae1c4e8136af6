/** Two projects: `unit` (lib/, pure) and `nodes` (nodes executed inside n8n-core's engine). */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }] };
// Tests never write state beside the real ~/.n8n: the default store goes to a temporary file.
const setupFiles = ['<rootDir>/test/helpers/env.ts'];
// n8n user folders made by the demo, the screenshots and the e2e run hold installed packages.
const modulePathIgnorePatterns = ['<rootDir>/.demo/', '<rootDir>/.screenshots/', '<rootDir>/.e2e/', '<rootDir>/dist/'];
module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform,
			setupFiles,
			modulePathIgnorePatterns,
			testMatch: ['<rootDir>/test/lib/**/*.test.ts'],
			globalSetup: '<rootDir>/test/helpers/warmStoreThread.ts',
		},
		{
			displayName: 'nodes',
			testEnvironment: 'node',
			transform,
			setupFiles,
			modulePathIgnorePatterns,
			testMatch: ['<rootDir>/test/nodes/**/*.test.ts'],
			globalSetup: '<rootDir>/test/helpers/warmStoreThread.ts',
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform,
			setupFiles,
			modulePathIgnorePatterns,
			testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/helpers/e2eTimeout.ts'],
			slowTestThreshold: 60,
		},
	],
};
