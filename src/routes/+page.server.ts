import { z } from 'zod';
import { env } from '$env/dynamic/public';
import { getDb } from '$lib/server/db';
import { boundariesAreDemo, getMunicipality, getPoliceDistrict } from '$lib/server/municipalities/queries';

const querySchema = z.object({
	kommune: z.coerce.number().int().min(100).max(999).optional(),
	politikreds: z.coerce.number().int().min(1).max(99).optional(),
	lag: z.enum(['kommuner', 'politikredse']).catch('kommuner')
});

export async function load({ url }) {
	const db = getDb();
	const parsed = querySchema.safeParse(Object.fromEntries(url.searchParams));
	const query = parsed.success ? parsed.data : { lag: 'kommuner' as const };
	const layer = query.lag === 'politikredse' ? ('police-districts' as const) : ('municipalities' as const);
	const municipality =
		layer === 'municipalities' && query.kommune !== undefined
			? await getMunicipality(db, query.kommune)
			: null;
	const policeDistrict =
		layer === 'police-districts' && query.politikreds !== undefined
			? await getPoliceDistrict(db, query.politikreds)
			: null;
	const asked =
		!parsed.success || (layer === 'municipalities' ? query.kommune : query.politikreds) !== undefined;
	return {
		layer,
		municipality,
		policeDistrict,
		notFound: asked && !municipality && !policeDistrict,
		demoBoundaries: await boundariesAreDemo(db),
		basemapStyleUrl: env.PUBLIC_BASEMAP_STYLE_URL || null
	};
}
