// Camera point and view-band tiles over HTTP (as a signed-in ministry reviewer: national scope,
// the heaviest tiles) beside the same tile SQL run directly in PostGIS, at z10, z14 and z17.
import { DEFAULT_LEVEL_TABLE } from '../../src/lib/camera/density-levels';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import type { Db } from '../../src/lib/server/db/connect';
import { tileLayers } from '../../src/lib/server/tiles/layers';
import { createUser } from '../../src/lib/server/users/service';
import { tileAt, type TileCoord } from '../../src/lib/tiles';
import { summarize, timeMs, type Timing } from './stats';

const ROUNDS = 15;

// Dense and sparse places: København, Aarhus, Odense, Aalborg, rural Jutland, Bornholm.
const PLACES: [number, number][] = [
	[12.5683, 55.6761],
	[10.2039, 56.1629],
	[10.3883, 55.3959],
	[9.9217, 57.048],
	[9.1, 56.2],
	[14.9, 55.13]
];

export interface CameraTileResult {
	layer: string;
	zoom: number;
	tiles: number;
	http: Timing;
	sql: Timing;
	meanBytes: number;
}

export async function benchCameraTiles(db: Db, origin: string): Promise<CameraTileResult[]> {
	const actor = { userId: null, label: 'bench', clientAddress: null };
	const userId = await createUser(
		db,
		actor,
		{
			email: 'ministry-bench@bench.test',
			name: 'Bench',
			role: 'ministry',
			municipalityCode: null,
			policeDistrict: null
		},
		'bench-password-0123456789'
	);
	const token = generateSessionToken();
	await createSession(db, token, userId, null);
	const ctx = { scope: { kind: 'all' as const }, levelTable: DEFAULT_LEVEL_TABLE };

	const results: CameraTileResult[] = [];
	for (const layerName of ['cameras', 'camera-views']) {
		const layer = tileLayers[layerName];
		for (const zoom of [10, 14, 17]) {
			const tiles: TileCoord[] = PLACES.map(([lon, lat]) => tileAt(lon, lat, zoom));
			const url = (t: TileCoord) => `${origin}/tiles/${layerName}/${t.z}/${t.x}/${t.y}.mvt`;
			const get = (t: TileCoord) => fetch(url(t), { headers: { cookie: `session=${token}` } });
			for (const t of tiles) {
				const warm = await get(t);
				if (warm.status !== 200 && warm.status !== 204) throw new Error(`${url(t)}: HTTP ${warm.status}`);
				await warm.arrayBuffer();
			}
			const http: number[] = [];
			const raw: number[] = [];
			let bytes = 0;
			for (let round = 0; round < ROUNDS; round++) {
				for (const t of tiles) {
					http.push(await timeMs(async () => (bytes += (await (await get(t)).arrayBuffer()).byteLength)));
					raw.push(await timeMs(() => layer.query(t, ctx).execute(db)));
				}
			}
			results.push({
				layer: layerName,
				zoom,
				tiles: tiles.length,
				http: summarize(http),
				sql: summarize(raw),
				meanBytes: Math.round(bytes / http.length)
			});
		}
	}
	return results;
}
