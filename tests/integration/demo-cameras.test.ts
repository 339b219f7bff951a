import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { seedDemoBuildingsIfEmpty } from '../../src/lib/server/buildings/demo';
import { seedDemoCamerasIfEmpty } from '../../src/lib/server/cameras/demo';
import { testDb } from './db';

const geodata = join(import.meta.dirname, '..', '..', 'geodata');

describe('demo cameras', () => {
	it('seeds the synthetic cameras once, in the municipality their position lies in, with views cut by the demo buildings', async () => {
		const db = testDb();
		await loadDemoBoundaries(db, { geodataDir: geodata });
		await seedDemoBuildingsIfEmpty(db, { geodataDir: geodata });
		expect(await seedDemoCamerasIfEmpty(db, geodata)).toBe(8);
		expect(await seedDemoCamerasIfEmpty(db, geodata)).toBe(0);

		const byMunicipality = await sql<{ code: number; n: number }>`
			SELECT municipality_code AS code, count(*)::int AS n FROM cameras GROUP BY 1 ORDER BY 1`.execute(db);
		// On the generated boundaries central København lies just off Natural Earth's coast, so
		// the five København cameras take the nearest municipality (Frederiksberg's cell).
		expect(byMunicipality.rows.reduce((n, r) => n + r.n, 0)).toBe(8);
		expect(byMunicipality.rows.find((r) => r.code === 851)?.n).toBe(3);
		const views = await sql<{ n: number; cut: number }>`
			SELECT count(*)::int AS n,
				count(*) FILTER (WHERE EXISTS (SELECT 1 FROM buildings b WHERE ST_Intersects(b.geom, ST_Buffer(v.view, 0.5))))::int AS cut
			FROM camera_views v WHERE v.view IS NOT NULL`.execute(db);
		expect(views.rows[0].n).toBe(8);
		expect(views.rows[0].cut).toBeGreaterThan(0);
	});
});
