/**
 * The query string of `url` with some parameters set or (null) removed, for links that keep
 * the rest of the current query.
 */
export function withParams(url: URL, changes: Record<string, string | number | null | undefined>): string {
	const params = new URLSearchParams(url.searchParams);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null || value === undefined) params.delete(key);
		else params.set(key, String(value));
	}
	const query = params.toString();
	return query ? `?${query}` : url.pathname;
}
