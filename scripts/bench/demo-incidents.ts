// Seeding the synthetic demo incidents (what `npm start` does on a fresh demo database): timed on
// an empty incidents table, each round rolled back so that the table stays empty for later benches.
import type { Db } from '../../src/lib/server/db/connect';
import { seedDemoIncidentsIfEmpty } from '../../src/lib/server/incidents/demo';
import { formatTiming, summarize, type Timing } from './stats';

const ROUNDS = 3;
const ANCHOR = '2026-11-27';

class Rollback extends Error {}

export interface DemoIncidentsBench {
	rows: number;
	seed: Timing;
}

export async function benchDemoIncidents(db: Db, rounds = ROUNDS): Promise<DemoIncidentsBench> {
	const samples: number[] = [];
	let rows = 0;
	for (let r = 0; r < rounds; r++) {
		await db
			.transaction()
			.execute(async (trx) => {
				const started = performance.now();
				rows = await seedDemoIncidentsIfEmpty(trx, { anchor: ANCHOR });
				samples.push(performance.now() - started);
				throw new Rollback();
			})
			.catch((e: unknown) => {
				if (!(e instanceof Rollback)) throw e;
			});
	}
	if (rows === 0) throw new Error('the incidents table was not empty: demo incidents were not seeded');
	return { rows, seed: summarize(samples) };
}

export function formatDemoIncidentsBench(b: DemoIncidentsBench): string {
	return formatTiming(`Demo incidents: seeding ${b.rows} synthetic rows (one INSERT … SELECT)`, b.seed);
}
