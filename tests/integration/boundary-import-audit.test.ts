import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importBoundaries } from '../../src/lib/server/boundaries/geojson-import';
import { testDb } from './db';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'boundaries');

describe('boundary import audit', () => {
	it('records who imported which file, with the new dataset version', async () => {
		const db = testDb();
		const actor = { userId: null, label: 'cli:tester', clientAddress: null };
		const report = await importBoundaries(db, 'police-districts', {
			path: join(fixtures, 'politikredse-dagi.geojson'),
			actor
		});
		const rows = await db.selectFrom('audit_log').selectAll().execute();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			actor_label: 'cli:tester',
			action: 'boundaries.import',
			object_type: 'dataset',
			object_id: 'police_districts',
			after: {
				source: 'politikredse-dagi.geojson',
				version: report.datasetVersion,
				units: report.units.length
			}
		});
	});

	it('records nothing when the import fails', async () => {
		const db = testDb();
		await expect(
			importBoundaries(db, 'police-districts', {
				path: join(fixtures, 'no-polygons.geojson'),
				actor: { userId: null, label: 'cli:tester', clientAddress: null }
			})
		).rejects.toThrow();
		expect(await db.selectFrom('audit_log').selectAll().execute()).toEqual([]);
	});
});
