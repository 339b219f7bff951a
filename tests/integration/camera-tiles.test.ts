import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { tileLayers } from '../../src/lib/server/tiles/layers';
import {
	TileRequestError,
	datasetState,
	renderTile,
	tileETag,
	tileRequest
} from '../../src/lib/server/tiles/service';
import { tileAt, type TileCoord } from '../../src/lib/tiles';
import { PLACES, insertCamera, user } from './camera-fixtures';
import { testDb } from './db';

const KØBENHAVN_TILE = tileAt(...PLACES.københavn, 12);
const FREDERIKSBERG_TILE = tileAt(...PLACES.frederiksberg, 12);
const AALBORG_TILE = tileAt(...PLACES.aalborg, 12);

const planner101 = user('planner', { municipalityCode: 101 });
const police11 = user('police', { policeDistrict: 11 });
const police1 = user('police', { policeDistrict: 1 });
const ministry = user('ministry');
const admin = user('admin');

/** The decoded features of one layer of a tile as the viewer would get it. */
async function features(name: string, viewer: SessionUser | null, t: TileCoord, search = '') {
	const db = testDb();
	const layer = tileLayers[name];
	const { ctx } = tileRequest(layer, viewer, new URLSearchParams(search));
	const mvt = await renderTile(db, layer, await datasetState(db, layer), t, ctx);
	if (!mvt) return [];
	const decoded = new VectorTile(new PbfReader(mvt)).layers[name];
	return Array.from({ length: decoded?.length ?? 0 }, (_, i) => decoded.feature(i));
}

async function names(name: string, viewer: SessionUser | null, t: TileCoord, search = '') {
	const ids = (await features(name, viewer, t, search)).map((f) =>
		String(f.properties.id ?? f.properties.camera_id)
	);
	const rows = ids.length
		? await testDb().selectFrom('cameras').select('name').where('id', 'in', ids).execute()
		: [];
	return rows.map((r) => r.name).sort();
}

/** Cameras in København (101) and Frederiksberg (147), both in police district 11, and in Aalborg (851, district 1). */
async function register() {
	const db = testDb();
	await loadDemoBoundaries(db);
	const ids: Record<string, string> = {};
	for (const [name, municipality, at, status, ownerType] of [
		['kbh-proposed', 101, PLACES.københavn, 'proposed', 'municipality'],
		['kbh-active', 101, PLACES.københavn, 'active', 'municipality'],
		['kbh-active-private', 101, PLACES.københavn, 'active', 'private'],
		['kbh-decommissioned', 101, PLACES.københavn, 'decommissioned', 'business'],
		['frb-approved', 147, PLACES.frederiksberg, 'approved', 'housing_organisation'],
		['frb-active', 147, PLACES.frederiksberg, 'active', 'business'],
		['aal-proposed', 851, PLACES.aalborg, 'proposed', 'municipality'],
		['aal-active', 851, PLACES.aalborg, 'active', 'police']
	] as const) {
		ids[name] = await insertCamera(db, { name, municipality, at, status, ownerType });
	}
	return ids;
}

describe('camera tiles', () => {
	it('show a planner their own municipality in any status and active cameras elsewhere', async () => {
		await register();
		expect(await names('cameras', planner101, KØBENHAVN_TILE)).toEqual([
			'kbh-active',
			'kbh-active-private',
			'kbh-decommissioned',
			'kbh-proposed'
		]);
		expect(await names('cameras', planner101, FREDERIKSBERG_TILE)).toEqual(['frb-active']);
		expect(await names('cameras', planner101, AALBORG_TILE)).toEqual(['aal-active']);
	});

	it('show police their own district in any status and active cameras elsewhere', async () => {
		await register();
		expect(await names('cameras', police11, FREDERIKSBERG_TILE)).toEqual(['frb-active', 'frb-approved']);
		expect(await names('cameras', police11, KØBENHAVN_TILE)).toHaveLength(4);
		expect(await names('cameras', police11, AALBORG_TILE)).toEqual(['aal-active']);
		expect(await names('cameras', police1, AALBORG_TILE)).toEqual(['aal-active', 'aal-proposed']);
		expect(await names('cameras', police1, KØBENHAVN_TILE)).toEqual(['kbh-active', 'kbh-active-private']);
	});

	it('show ministry reviewers everything and refuse administrators and the public', async () => {
		await register();
		expect(await names('cameras', ministry, AALBORG_TILE)).toEqual(['aal-active', 'aal-proposed']);
		expect(await names('cameras', ministry, FREDERIKSBERG_TILE)).toEqual(['frb-active', 'frb-approved']);
		for (const [viewer, status] of [
			[admin, 403],
			[null, 401]
		] as const) {
			for (const name of ['cameras', 'camera-views']) {
				let thrown: unknown;
				try {
					tileRequest(tileLayers[name], viewer, new URLSearchParams());
				} catch (e) {
					thrown = e;
				}
				expect(thrown).toBeInstanceOf(TileRequestError);
				expect((thrown as TileRequestError).status).toBe(status);
			}
		}
	});

	it('carry only style attributes on camera points', async () => {
		const ids = await register();
		const [feature] = (await features('cameras', planner101, AALBORG_TILE)).filter(
			(f) => f.properties.id === ids['aal-active']
		);
		expect(feature.type).toBe(1);
		expect(feature.properties).toEqual({
			id: ids['aal-active'],
			status: 'active',
			kind: 'dome',
			owner_type: 'police',
			municipality_code: 851
		});
	});

	it('filter view bands by scope and level table', async () => {
		const ids = await register();
		const t = tileAt(...PLACES.aalborg, 15);
		const bands = await features('camera-views', planner101, t);
		expect(new Set(bands.map((f) => f.properties.camera_id))).toEqual(new Set([ids['aal-active']]));
		expect(bands.map((f) => f.properties.level_id).sort()).toEqual([
			'detection',
			'identification',
			'observation',
			'recognition'
		]);
		const identification = bands.find((f) => f.properties.level_id === 'identification')!;
		expect(identification.type).toBe(3);
		expect(identification.properties).toEqual({
			camera_id: ids['aal-active'],
			level_id: 'identification',
			min_ppm: 250,
			status: 'active',
			kind: 'dome'
		});

		const seven = await features('camera-views', police1, t, 'levels=seven-level');
		expect(new Set(seven.map((f) => f.properties.camera_id))).toEqual(
			new Set([ids['aal-active'], ids['aal-proposed']])
		);
		expect(new Set(seven.map((f) => f.properties.level_id))).toEqual(new Set(['level-5', 'level-1']));

		expect(() =>
			tileRequest(tileLayers['camera-views'], planner101, new URLSearchParams('levels=dori'))
		).toThrow(/Unknown density level table "dori"/);
		// Too small to draw below z12: no tile, no query.
		expect(await features('camera-views', ministry, tileAt(...PLACES.aalborg, 11))).toEqual([]);
	});

	it('show the public only active cameras of non-private owners, without status or municipality', async () => {
		const ids = await register();
		expect(await names('public-cameras', null, KØBENHAVN_TILE)).toEqual(['kbh-active']);
		expect(await names('public-cameras', null, FREDERIKSBERG_TILE)).toEqual(['frb-active']);
		expect(await names('public-cameras', null, AALBORG_TILE)).toEqual(['aal-active']);
		const [point] = await features('public-cameras', null, KØBENHAVN_TILE);
		expect(point.properties).toEqual({ id: ids['kbh-active'], kind: 'dome', owner_type: 'municipality' });

		const views = await features('public-camera-views', null, tileAt(...PLACES.københavn, 15));
		expect(new Set(views.map((f) => f.properties.camera_id))).toEqual(new Set([ids['kbh-active']]));
		expect(Object.keys(views[0].properties).sort()).toEqual(['camera_id', 'kind', 'level_id', 'min_ppm']);
		expect(() =>
			tileRequest(tileLayers['public-camera-views'], null, new URLSearchParams('levels=nope'))
		).toThrow(TileRequestError);
	});

	it('put the scope and the level table in the ETag, and move it with every camera change', async () => {
		const db = testDb();
		const ids = await register();
		const t = KØBENHAVN_TILE;
		const etag = async (name: string, viewer: SessionUser | null, search = '') => {
			const layer = tileLayers[name];
			const { variant } = tileRequest(layer, viewer, new URLSearchParams(search));
			return tileETag(layer, (await datasetState(db, layer)).version, t, variant);
		};
		const before = await etag('cameras', police11);
		expect(before).toMatch(/^"cameras-v\d+\.[0-9a-z]+\.\d+\.[0-9a-z]+-p11-12-\d+-\d+"$/);
		expect(await etag('cameras', planner101)).toContain('-m101-');
		expect(await etag('cameras', ministry)).toContain('-all-');
		expect(await etag('camera-views', police11, 'levels=seven-level')).toContain('-p11-seven-level-');
		expect(await etag('public-camera-views', null)).toContain('-en62676-4-2015-');
		expect(await etag('public-cameras', null)).toMatch(/^"public-cameras-v\d+\.[0-9a-z]+-12-\d+-\d+"$/);

		await db.updateTable('cameras').set({ name: 'renamed' }).where('id', '=', ids['kbh-active']).execute();
		const afterCamera = await etag('cameras', police11);
		expect(afterCamera).not.toBe(before);

		await sql`UPDATE camera_views SET computed_at = now() WHERE camera_id = ${ids['kbh-active']}`.execute(db);
		expect(await etag('cameras', police11)).not.toBe(afterCamera);
	});

	it('bump the cameras dataset once per transaction, however many statements', async () => {
		const db = testDb();
		await register();
		const version = async () =>
			(
				await db
					.selectFrom('datasets')
					.select('version')
					.where('name', '=', 'cameras')
					.executeTakeFirstOrThrow()
			).version;
		const start = await version();
		await db.transaction().execute(async (trx) => {
			await trx.updateTable('cameras').set({ purpose: 'a' }).execute();
			await trx.updateTable('cameras').set({ purpose: 'b' }).execute();
			await sql`DELETE FROM camera_view_bands WHERE level_table = 'seven-level'`.execute(trx);
		});
		expect(await version()).toBe(start + 1);
		await db.updateTable('cameras').set({ purpose: 'c' }).execute();
		expect(await version()).toBe(start + 2);
	});

	it('bound the layers by their own tables, so empty layers answer without a query', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const layer = tileLayers['public-cameras'];
		expect((await datasetState(db, layer)).extent).toBeNull();
		expect(await features('public-cameras', null, KØBENHAVN_TILE)).toEqual([]);
		await register();
		const [west, south, east, north] = (await datasetState(db, layer)).extent!;
		for (const [lon, lat] of Object.values(PLACES)) {
			expect(lon).toBeGreaterThanOrEqual(west - 1e-9);
			expect(lon).toBeLessThanOrEqual(east + 1e-9);
			expect(lat).toBeGreaterThanOrEqual(south - 1e-9);
			expect(lat).toBeLessThanOrEqual(north + 1e-9);
		}
		expect(await features('public-cameras', null, { z: 6, x: 26, y: 24 })).toEqual([]); // Atlantic
	});
});
