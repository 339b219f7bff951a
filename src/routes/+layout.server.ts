export function load({ locals }) {
	return { lang: locals.lang };
}
