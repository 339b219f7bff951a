import { beforeEach, describe, expect, it } from 'vitest';
import { cameraReadScope } from '../../src/lib/server/auth/policy';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import {
	EXPORT_COLUMNS,
	camerasCsv,
	camerasGeoJson,
	exportBatches,
	exportFileName,
	exportFilterFromQuery,
	type CameraExportFilter
} from '../../src/lib/server/cameras/export';
import { listCameras } from '../../src/lib/server/cameras/queries';
import { PLACES, insertCamera, user } from './camera-fixtures';
import { testDb } from './db';

const planner101 = user('planner', { municipalityCode: 101 });
const police11 = user('police', { policeDistrict: 11 });
const police1 = user('police', { policeDistrict: 1 });
const ministry = user('ministry');
const admin = user('admin');

/** Proposed and active cameras in København (101) and Frederiksberg (147), both Københavns Politi (11), and Aalborg (851, Nordjyllands Politi). */
beforeEach(async () => {
	await loadDemoBoundaries(testDb());
	const places = { 101: PLACES.københavn, 147: PLACES.frederiksberg, 851: PLACES.aalborg };
	for (const [code, at] of Object.entries(places)) {
		for (const status of ['proposed', 'active'] as const) {
			await insertCamera(testDb(), {
				name: `${code} ${status}`,
				municipality: Number(code),
				at,
				status,
				ownerType: code === '851' ? 'business' : 'municipality',
				noView: true
			});
		}
	}
});

async function exported(filter: CameraExportFilter, batchSize?: number): Promise<string[]> {
	const names: string[] = [];
	for await (const batch of exportBatches(testDb(), filter, batchSize))
		names.push(...batch.map((c) => c.name));
	return names.sort();
}

/** The body as written, byte order mark included (Response.text() would drop it). */
async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
	return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
}

describe('camera export', () => {
	it('keeps to each role’s scope: own area in every status, active cameras elsewhere', async () => {
		expect(await exported({ scope: cameraReadScope(planner101) })).toEqual([
			'101 active',
			'101 proposed',
			'147 active',
			'851 active'
		]);
		expect(await exported({ scope: cameraReadScope(police11) })).toEqual([
			'101 active',
			'101 proposed',
			'147 active',
			'147 proposed',
			'851 active'
		]);
		expect(await exported({ scope: cameraReadScope(police1) })).toEqual([
			'101 active',
			'147 active',
			'851 active',
			'851 proposed'
		]);
		expect(await exported({ scope: cameraReadScope(ministry) })).toHaveLength(6);
		expect(await exported({ scope: cameraReadScope(admin) })).toEqual([]);
	});

	it('exports the same rows as the register list shows, for every role', async () => {
		for (const u of [planner101, police11, police1, ministry, admin]) {
			const scope = cameraReadScope(u);
			const list = await listCameras(testDb(), { scope, pageSize: 100 });
			expect(await exported({ scope }), u.role).toEqual(list.cameras.map((c) => c.name).sort());
		}
	});

	it('filters by municipality, status and owner type as the list does', async () => {
		const scope = cameraReadScope(planner101);
		expect(await exported({ scope, municipalityCode: 851 })).toEqual(['851 active']);
		expect(await exported({ scope, status: 'proposed' })).toEqual(['101 proposed']);
		expect(await exported({ scope, ownerType: 'business' })).toEqual(['851 active']);
		expect(exportFilterFromQuery(new URLSearchParams('kommune=851&status=active&ejer=business'))).toEqual({
			municipalityCode: 851,
			status: 'active',
			ownerType: 'business'
		});
		// As on the list, values that do not parse are ignored rather than refused.
		expect(exportFilterFromQuery(new URLSearchParams('kommune=abc&status=running&ejer='))).toEqual({
			municipalityCode: undefined,
			status: undefined,
			ownerType: undefined
		});
		expect(exportFileName({ municipalityCode: 101, status: 'active' }, 'csv')).toBe(
			'kameraer-101-active.csv'
		);
	});

	it('reads in keyset batches: every camera once, whatever the batch size', async () => {
		const scope = cameraReadScope(ministry);
		const sizes: number[] = [];
		const ids: string[] = [];
		for await (const batch of exportBatches(testDb(), { scope }, 4)) {
			sizes.push(batch.length);
			ids.push(...batch.map((c) => c.id));
		}
		expect(sizes).toEqual([4, 2]);
		expect(new Set(ids).size).toBe(6);
		expect(ids).toEqual([...ids].sort());
		expect(await exported({ scope }, 1)).toHaveLength(6);
	});

	it('writes CSV with the import’s columns and the position as lon, lat', async () => {
		const csv = await text(
			camerasCsv(testDb(), { scope: cameraReadScope(planner101), status: 'proposed' }, 2)
		);
		const [header, row, end] = csv.split('\r\n');
		expect(header).toBe('\uFEFF' + EXPORT_COLUMNS.join(','));
		expect(end).toBe('');
		const cells = Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, row.split(',')[i]]));
		expect(cells).toMatchObject({
			name: '101 proposed',
			status: 'proposed',
			kind: 'dome',
			signage: 'false',
			municipalityCode: '101',
			municipalityName: 'København',
			retentionDays: '30'
		});
		expect(Number(cells.lon)).toBeCloseTo(PLACES.københavn[0], 6);
		expect(Number(cells.lat)).toBeCloseTo(PLACES.københavn[1], 6);
	});

	it('writes GeoJSON points in WGS84 with the same properties', async () => {
		const geojson = JSON.parse(await text(camerasGeoJson(testDb(), { scope: cameraReadScope(police11) }, 2)));
		expect(geojson.type).toBe('FeatureCollection');
		expect(geojson.features).toHaveLength(5);
		const aalborg = geojson.features.find(
			(f: { properties: { name: string } }) => f.properties.name === '851 active'
		);
		expect(aalborg.geometry.type).toBe('Point');
		expect(aalborg.geometry.coordinates[0]).toBeCloseTo(PLACES.aalborg[0], 6);
		expect(aalborg.geometry.coordinates[1]).toBeCloseTo(PLACES.aalborg[1], 6);
		expect(aalborg.id).toBe(aalborg.properties.id);
		expect(Object.keys(aalborg.properties).sort()).toEqual(
			EXPORT_COLUMNS.filter((c) => c !== 'lon' && c !== 'lat').sort()
		);
		expect(aalborg.properties).toMatchObject({
			status: 'active',
			ownerType: 'business',
			activeFrom: '2024-01-01'
		});
	});

	it('exports nothing but an empty collection for a role without camera access', async () => {
		const geojson = JSON.parse(await text(camerasGeoJson(testDb(), { scope: cameraReadScope(admin) })));
		expect(geojson.features).toEqual([]);
		const csv = await text(camerasCsv(testDb(), { scope: cameraReadScope(null) }));
		expect(csv).toBe('\uFEFF' + EXPORT_COLUMNS.join(',') + '\r\n');
	});
});
