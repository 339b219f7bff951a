import { env } from '$env/dynamic/public';
import { getDb } from '$lib/server/db';
import { boundariesAreDemo } from '$lib/server/municipalities/queries';
import {
	changeCounts,
	changesExtent,
	impactMunicipalities,
	listChanges
} from '$lib/server/rules/impact-queries';
import { changeQuery, loadAnalysis } from './analysis.server';

export async function load(event) {
	const base = await loadAnalysis(event);
	const { filter, sort, page } = changeQuery(event.url);
	const db = getDb();
	const id = base.analysis.id;
	const [municipalities, changes, counts, national, extent, demoBoundaries] = await Promise.all([
		impactMunicipalities(db, id, sort),
		listChanges(db, id, filter, page),
		changeCounts(db, id, filter.municipalityCode),
		changeCounts(db, id),
		changesExtent(db, id),
		boundariesAreDemo(db)
	]);
	return {
		...base,
		filter: { municipality: filter.municipalityCode ?? null, direction: filter.direction ?? null, sort },
		municipalities,
		changes,
		/** Per direction within the municipality filter, for the filter's options. */
		counts,
		changed: national.all,
		extent,
		demoBoundaries,
		basemapStyleUrl: env.PUBLIC_BASEMAP_STYLE_URL || null
	};
}
