import { getDb } from '$lib/server/db';
import {
	REPORT_CHANGES,
	changeCounts,
	impactMunicipalities,
	listChanges
} from '$lib/server/rules/impact-queries';
import { loadAnalysis } from '../analysis.server';

export async function load(event) {
	const base = await loadAnalysis(event);
	const db = getDb();
	const id = base.analysis.id;
	const [municipalities, changes, counts] = await Promise.all([
		impactMunicipalities(db, id, 'refused'),
		listChanges(db, id, {}, 1, REPORT_CHANGES),
		changeCounts(db, id)
	]);
	return {
		...base,
		municipalities,
		changes: changes.items,
		counts,
		csvUrl: `${event.url.origin}/regler/konsekvens/${id}/aendringer.csv`,
		printedAt: new Date()
	};
}
