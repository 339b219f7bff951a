export function load({ locals }) {
	const user = locals.user && {
		name: locals.user.name,
		email: locals.user.email,
		role: locals.user.role,
		municipalityCode: locals.user.municipalityCode,
		policeDistrict: locals.user.policeDistrict
	};
	return { lang: locals.lang, user };
}
