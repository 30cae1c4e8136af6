/**
 * State that outlives one execution goes through this interface, never through workflow static
 * data (saved at the end of an execution, so concurrent executions overwrite each other).
 */
export interface StateStore {
	/**
	 * Records `key` in `namespace` unless it is already there and younger than `ttlMs`.
	 * Check and record are one atomic step: of any number of concurrent calls with the same key,
	 * across processes, exactly one returns true.
	 */
	claim(namespace: string, key: string, ttlMs: number, now?: number): Promise<boolean>;
	/** Forgets a key (GDPR erasure, or a submission the workflow failed to process). */
	release(namespace: string, key: string): Promise<void>;
	close(): Promise<void>;
}
