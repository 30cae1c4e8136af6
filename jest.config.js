/** Two projects: `unit` (lib/, pure) and `nodes` (nodes executed inside n8n-core's engine). */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }] };
module.exports = {
	projects: [
		{ displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/lib/**/*.test.ts'] },
		{ displayName: 'nodes', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/nodes/**/*.test.ts'] },
		{ displayName: 'e2e', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'], slowTestThreshold: 60 },
	],
};
