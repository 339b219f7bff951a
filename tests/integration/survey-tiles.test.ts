import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { importSurveyData } from '../../src/lib/server/surveys/import';
import { tileLayers } from '../../src/lib/server/tiles/layers';
import {
	TileRequestError,
	datasetState,
	renderTile,
	tileETag,
	tileRequest
} from '../../src/lib/server/tiles/service';
import { tileAt, type TileCoord } from '../../src/lib/tiles';
import { user } from './camera-fixtures';
import { testDb } from './db';

const planner = user('planner', { municipalityCode: 101 });
const police = user('police', { policeDistrict: 1 });
const ministry = user('ministry');
const admin = user('admin');
const operator = { userId: null, label: 'cli:tester', clientAddress: null };

/** Central Aalborg: EPSG:25832 and WGS84. */
const AALBORG_XY = [555700, 6323100] as const;
const AALBORG_LONLAT = [9.9195, 57.0495] as const;

async function features(name: string, viewer: SessionUser | null, t: TileCoord) {
	const db = testDb();
	const layer = tileLayers[name];
	const { ctx } = tileRequest(layer, viewer, new URLSearchParams());
	const mvt = await renderTile(db, layer, await datasetState(db, layer), t, ctx);
	if (!mvt) return [];
	const decoded = new VectorTile(new PbfReader(mvt)).layers[name];
	return Array.from({ length: decoded?.length ?? 0 }, (_, i) => decoded.feature(i));
}

async function load(kind: 'results' | 'places', text: string, name = 'upload.csv') {
	const result = await importSurveyData(testDb(), kind, new TextEncoder().encode(text), {
		name,
		actor: operator
	});
	if (!result.ok) throw new Error(JSON.stringify(result.errors));
	return result;
}

/** Aalborg (851) for 2023 and 2024, its police district (1) for 2024, and a drawn area around the square. */
async function surveys() {
	await loadDemoBoundaries(testDb());
	await load(
		'results',
		'survey,source,periodFrom,periodTo,municipalityCode,policeDistrict,unsafeShare,respondents\n' +
			'Tryghed,Justitsministeriet,2023,2023,851,,0.15,700\n' +
			'Tryghed,Justitsministeriet,2024,2024,851,,0.175,720\n' +
			'Tryghed,Justitsministeriet,2024,2024,,1,0.12,3000\n'
	);
	const [x, y] = AALBORG_XY;
	const ring = [
		[x - 150, y - 150],
		[x + 150, y - 150],
		[x + 150, y + 150],
		[x - 150, y + 150],
		[x - 150, y - 150]
	];
	await load(
		'results',
		JSON.stringify({
			type: 'FeatureCollection',
			crs: { type: 'name', properties: { name: 'EPSG:25832' } },
			features: [
				{
					type: 'Feature',
					properties: {
						survey: 'Lokal',
						source: 'Aalborg Kommune',
						periodFrom: '2024-03-01',
						periodTo: '2024-04-30',
						areaName: 'Gammeltorv',
						unsafeShare: 0.3,
						respondents: 120
					},
					geometry: { type: 'Polygon', coordinates: [ring] }
				}
			]
		}),
		'areas.geojson'
	);
}

describe('survey tiles', () => {
	it('draw the latest result of each area with its share, period, source and kind', async () => {
		await surveys();
		const shares = await features('survey-shares', ministry, tileAt(...AALBORG_LONLAT, 12));
		// Police district first, then the municipality, then the drawn area on top; 2023 is replaced by 2024.
		expect(shares.map((f) => f.properties)).toEqual([
			{
				share: 0.12,
				respondents: 3000,
				name: 'Nordjyllands Politi',
				kind: 'police_district',
				period_from: '2024-01-01',
				period_to: '2024-12-31',
				source: 'Justitsministeriet',
				synthetic: false
			},
			{
				share: 0.175,
				respondents: 720,
				name: 'Aalborg',
				kind: 'municipality',
				period_from: '2024-01-01',
				period_to: '2024-12-31',
				source: 'Justitsministeriet',
				synthetic: false
			},
			{
				share: 0.3,
				respondents: 120,
				name: 'Gammeltorv',
				kind: 'area',
				period_from: '2024-03-01',
				period_to: '2024-04-30',
				source: 'Aalborg Kommune',
				synthetic: false
			}
		]);
		expect(shares.every((f) => f.type === 3)).toBe(true);
		expect(typeof shares[0].id).toBe('number');

		// København has no result: nothing there.
		expect(await features('survey-shares', ministry, tileAt(12.602, 55.657, 12))).toEqual([]);
		// The municipality's polygon reaches a tile that the drawn area does not.
		const west = await features('survey-shares', ministry, tileAt(10.039, 57.109, 12));
		expect(west.map((f) => f.properties.kind).sort()).toEqual(['municipality', 'police_district']);
	});

	it('draw unsafe places as points or areas with name, description, period, source and the synthetic flag', async () => {
		await surveys();
		await load(
			'places',
			'name,description,survey,source,periodFrom,periodTo,lon,lat\n' +
				`Torvet,Mørkt om natten,Tryghed,Justitsministeriet,2024,2024,${AALBORG_LONLAT[0]},${AALBORG_LONLAT[1]}\n`
		);
		const [x, y] = AALBORG_XY;
		await load(
			'places',
			JSON.stringify({
				type: 'FeatureCollection',
				crs: { type: 'name', properties: { name: 'EPSG:25832' } },
				features: [
					{
						type: 'Feature',
						properties: { name: 'Parken', survey: 'Tryghed', periodFrom: '2024', periodTo: '2024' },
						geometry: {
							type: 'Polygon',
							coordinates: [
								[
									[x + 20, y + 20],
									[x + 80, y + 20],
									[x + 80, y + 60],
									[x + 20, y + 20]
								]
							]
						}
					}
				]
			}),
			'places.geojson'
		);
		const drawn = await features('survey-places', planner, tileAt(...AALBORG_LONLAT, 14));
		expect(drawn.map((f) => [f.properties.name, f.type]).sort()).toEqual([
			['Parken', 3],
			['Torvet', 1]
		]);
		// A place without a description still carries the attribute (MVT has no null).
		expect(drawn.find((f) => f.properties.name === 'Parken')!.properties).toEqual({
			name: 'Parken',
			description: '',
			period_from: '2024-01-01',
			period_to: '2024-12-31',
			source: 'Tryghed',
			synthetic: false
		});
		const place = drawn.find((f) => f.properties.name === 'Torvet')!;
		expect(place.properties).toEqual({
			name: 'Torvet',
			description: 'Mørkt om natten',
			period_from: '2024-01-01',
			period_to: '2024-12-31',
			source: 'Justitsministeriet',
			synthetic: false
		});
		await sql`UPDATE survey_places SET is_synthetic = true`.execute(testDb());
		expect(
			(await features('survey-places', police, tileAt(...AALBORG_LONLAT, 14)))[0].properties.synthetic
		).toBe(true);
	});

	it('are for planners, police and ministry reviewers only', async () => {
		await surveys();
		for (const viewer of [planner, police, ministry]) {
			expect(await features('survey-shares', viewer, tileAt(...AALBORG_LONLAT, 10))).not.toEqual([]);
		}
		for (const [viewer, status] of [
			[admin, 403],
			[null, 401]
		] as const) {
			for (const name of ['survey-shares', 'survey-places']) {
				let thrown: unknown;
				try {
					tileRequest(tileLayers[name], viewer, new URLSearchParams());
				} catch (e) {
					thrown = e;
				}
				expect(thrown, `${name} ${viewer?.role ?? 'public'}`).toBeInstanceOf(TileRequestError);
				expect((thrown as TileRequestError).status).toBe(status);
			}
		}
		// Without a viewer's context a non-public layer renders nothing.
		const layer = tileLayers['survey-shares'];
		expect(
			await renderTile(testDb(), layer, await datasetState(testDb(), layer), tileAt(...AALBORG_LONLAT, 10))
		).toBeNull();
	});

	it('move their ETag with every survey change and with the boundaries they draw', async () => {
		const db = testDb();
		await surveys();
		const t = tileAt(...AALBORG_LONLAT, 12);
		const etag = async (name: string) => {
			const layer = tileLayers[name];
			const { variant } = tileRequest(layer, ministry, new URLSearchParams());
			return tileETag(layer, (await datasetState(db, layer)).version, t, variant);
		};
		const shares = await etag('survey-shares');
		const places = await etag('survey-places');
		await sql`UPDATE survey_results SET respondents = respondents + 1 WHERE municipality_code = 851`.execute(
			db
		);
		expect(await etag('survey-shares')).not.toBe(shares);
		expect(await etag('survey-places')).not.toBe(places);

		const beforeBoundaries = await etag('survey-shares');
		await loadDemoBoundaries(db);
		expect(await etag('survey-shares')).not.toBe(beforeBoundaries);
	});

	it('answer an empty places layer without a query', async () => {
		await surveys();
		const layer = tileLayers['survey-places'];
		expect((await datasetState(testDb(), layer)).extent).toBeNull();
		expect(await features('survey-places', ministry, tileAt(...AALBORG_LONLAT, 12))).toEqual([]);
	});
});
