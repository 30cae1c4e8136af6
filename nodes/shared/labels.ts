/** "first_name" → "First Name": option names from snake_case values. */
export function titleCase(value: string): string {
	return value.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}
