// Municipality tile latency through the app (HTTP, full render, no ETag) beside the same
// ST_AsMVT query run directly in PostGIS, at z6 and z12.
import { tileAt, type TileCoord } from '../../src/lib/tiles';
import type { Db } from '../../src/lib/server/db/connect';
import { tileLayers } from '../../src/lib/server/tiles/layers';
import { summarize, timeMs, type Timing } from './stats';

const ROUNDS = 40;

// Tiles over land with boundaries in them: every z6 tile over Denmark, and z12 tiles on
// city centres and rural municipality borders.
function benchTiles(): Record<string, TileCoord[]> {
	const z6 = [
		[33, 19],
		[33, 20],
		[34, 19],
		[34, 20],
		[35, 20]
	].map(([x, y]) => ({ z: 6, x, y }));
	const z12 = (
		[
			[12.5683, 55.6761], // København
			[10.2039, 56.1629], // Aarhus
			[10.3883, 55.3959], // Odense
			[9.9217, 57.048], // Aalborg
			[9.47, 55.49], // Kolding/Vejen border
			[11.77, 55.22], // Næstved
			[14.7, 55.1] // Bornholm
		] as const
	).map(([lon, lat]) => tileAt(lon, lat, 12));
	return { z6, z12 };
}

export interface TileBenchResult {
	zoom: string;
	tiles: number;
	http: Timing;
	sql: Timing;
	http304: Timing;
	meanBytes: number;
}

export async function benchBoundaryTiles(db: Db, origin: string): Promise<TileBenchResult[]> {
	const layer = tileLayers.municipalities;
	const results: TileBenchResult[] = [];
	for (const [zoom, tiles] of Object.entries(benchTiles())) {
		const http: number[] = [];
		const raw: number[] = [];
		const revalidate: number[] = [];
		let bytes = 0;
		const url = (t: TileCoord) => `${origin}/tiles/municipalities/${t.z}/${t.x}/${t.y}.mvt`;
		for (const t of tiles) {
			await fetch(url(t)).then((r) => r.arrayBuffer()); // warm up caches and the pool
			await layer.query(t).execute(db);
		}
		for (let round = 0; round < ROUNDS; round++) {
			for (const t of tiles) {
				let etag = '';
				http.push(
					await timeMs(async () => {
						const response = await fetch(url(t));
						etag = response.headers.get('etag') ?? '';
						bytes += (await response.arrayBuffer()).byteLength;
					})
				);
				raw.push(await timeMs(() => layer.query(t).execute(db)));
				revalidate.push(
					await timeMs(async () => {
						const response = await fetch(url(t), { headers: { 'if-none-match': etag } });
						if (response.status !== 304) throw new Error(`expected 304, got ${response.status}`);
					})
				);
			}
		}
		results.push({
			zoom,
			tiles: tiles.length,
			http: summarize(http),
			sql: summarize(raw),
			http304: summarize(revalidate),
			meanBytes: Math.round(bytes / http.length)
		});
	}
	return results;
}
