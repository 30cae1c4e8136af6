/**
 * Disposable (throw-away) email domains, from the `disposable-email-domains` package (121k domains,
 * plus wildcard.json whose sub-domains are all disposable). Loaded once, on first use.
 */
let exact: Set<string> | undefined;
let wildcard: Set<string> | undefined;

function load(): void {
	/* eslint-disable @typescript-eslint/no-require-imports */
	exact = new Set(require('disposable-email-domains/index.json') as string[]);
	wildcard = new Set(require('disposable-email-domains/wildcard.json') as string[]);
	/* eslint-enable @typescript-eslint/no-require-imports */
}

/** Whether the lists are loaded yet (they are built on first use, or by warmCaptureTables). */
export function disposableListsLoaded(): boolean {
	return exact !== undefined;
}

export function isDisposableDomain(domain: string): boolean {
	if (!exact) load();
	const d = domain.toLowerCase().replace(/\.$/, '');
	if (exact!.has(d)) return true;
	const labels = d.split('.');
	for (let i = 1; i < labels.length - 1; i++) {
		const parent = labels.slice(i).join('.');
		if (wildcard!.has(parent) || exact!.has(parent)) return true;
	}
	return wildcard!.has(d);
}
