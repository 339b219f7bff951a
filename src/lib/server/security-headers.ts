/** Adds origins to the given CSP directives of a Content-Security-Policy header value. */
export function extendCsp(csp: string, directives: string[], origins: string[]): string {
	if (origins.length === 0) return csp;
	return csp
		.split(';')
		.map((part) => {
			const name = part.trim().split(/\s+/)[0];
			return directives.includes(name) ? `${part.trim()} ${origins.join(' ')}` : part.trim();
		})
		.filter(Boolean)
		.join('; ');
}

export function securityHeaders(https: boolean): Record<string, string> {
	return {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'strict-origin-when-cross-origin',
		'x-frame-options': 'DENY',
		'cross-origin-opener-policy': 'same-origin',
		'permissions-policy': 'camera=(), microphone=(), payment=(), geolocation=(self)',
		...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {})
	};
}
