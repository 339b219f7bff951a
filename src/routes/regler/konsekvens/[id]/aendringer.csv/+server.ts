import { getDb } from '$lib/server/db';
import { impactCsvStream } from '$lib/server/rules/impact-queries';
import { changeQuery, requireAnalysis } from '../analysis.server';

/** Every changed camera of the analysis (with the page's municipality and direction filters), streamed. */
export async function GET(event) {
	const analysis = await requireAnalysis(event);
	const { filter } = changeQuery(event.url);
	const name = ['konsekvens', analysis.id, filter.municipalityCode, filter.direction]
		.filter((p) => p !== undefined)
		.join('-');
	return new Response(impactCsvStream(getDb(), analysis.id, filter), {
		headers: {
			'content-type': 'text/csv; charset=utf-8; header=present',
			'content-disposition': `attachment; filename="${name}.csv"`,
			'cache-control': 'private, no-store'
		}
	});
}
