// Synthetic demo buildings (geodata/demo-buildings.geojson) around Rådhuspladsen/Strøget in
// København and Gammeltorv in Aalborg, where the demo cameras stand, so that their views show
// occlusion on a fresh database. Importing real footprints (`npm run import -- buildings FILE
// --replace`) replaces them.
import { join } from 'node:path';
import type { Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import { defaultGeodataDir } from '../boundaries/reference-data';
import { importBuildings, lockBuildings, type BuildingImportReport } from './import';

export const DEMO_BUILDINGS_FILE = 'demo-buildings.geojson';
export const DEMO_BUILDINGS_SOURCE = 'demo: synthetic footprints from geodata/demo-buildings.geojson';

/**
 * Imports the demo buildings when there are none yet (and recomputes the views of the cameras
 * near them); returns the import report, or null when buildings were already there.
 */
export async function seedDemoBuildingsIfEmpty(
	db: Db,
	options: { geodataDir?: string } = {}
): Promise<BuildingImportReport | null> {
	const path = join(options.geodataDir ?? defaultGeodataDir(), DEMO_BUILDINGS_FILE);
	const seed = async (trx: Transaction<Database>) => {
		await lockBuildings(trx);
		const existing = await trx.selectFrom('buildings').select('id').limit(1).executeTakeFirst();
		if (existing) return null;
		return importBuildings(trx, { path, source: DEMO_BUILDINGS_SOURCE });
	};
	return db.isTransaction ? seed(db as Transaction<Database>) : db.transaction().execute(seed);
}
