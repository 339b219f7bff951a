import { describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { can } from '../../src/lib/server/auth/policy';
import {
	FootageInputError,
	footageIssue,
	footageQuerySchema,
	locateSpot,
	searchFootage,
	type FootageQuery,
	type FootageSpot
} from '../../src/lib/server/cameras/footage';
import { PLACES, insertCamera, offset, user } from './camera-fixtures';
import { testDb } from './db';

// The incident: 20 November 2026, 22:15, at København's interior point; "today" is 27 November.
const TODAY = '2026-11-27';
const NOW = '2026-11-27T12:00';
const SPOT: FootageSpot = { kind: 'point', lon: PLACES.københavn[0], lat: PLACES.københavn[1] };
const AT = '2026-11-20T22:15';

function query(overrides: Partial<FootageQuery> = {}): FootageQuery {
	return { spot: SPOT, from: AT, to: AT, levelTable: 'en62676-4-2015', page: 1, ...overrides };
}

async function search(q: FootageQuery, options: { districts?: number[]; pageSize?: number } = {}) {
	return searchFootage(testDb(), q, {
		districts: options.districts ?? [11],
		pageSize: options.pageSize,
		today: TODAY
	});
}

/**
 * Cameras around the spot. Their views are 60 m discs with EN 62676-4 rings (identification to
 * 10 m, recognition to 20, observation to 40, detection to 60 from the view's centre), placed so
 * that the spot falls in a known band.
 */
async function scene() {
	const db = testDb();
	await loadDemoBoundaries(db);
	const at = (east: number, north = 0) => offset(db, PLACES.københavn, east, north);
	const k = 101;
	const ids: Record<string, string> = {};
	const add = async (name: string, fixture: Omit<Parameters<typeof insertCamera>[1], 'name'>) => {
		ids[name] = await insertCamera(db, { name, ...fixture });
	};
	// Found: the spot lies 5 m from the camera (identification).
	await add('sharp', { municipality: k, at: await at(5) });
	// Found: 50 m away (detection), operator without any contact.
	await add('far', { municipality: k, at: await at(-50), contactEmail: null, contactPhone: null });
	// Found: 30 m (observation); decommissioned after the incident, so it was recording then.
	await add('retired-later', {
		municipality: k,
		at: await at(0, 30),
		status: 'decommissioned',
		decommissionedOn: '2026-11-25'
	});
	// Found: the view covers the spot but no band does; retention ends exactly today.
	await add('no-band', {
		municipality: k,
		at: await at(0, -58),
		bands: [{ levelId: 'identification', minPpm: 250, inner: 0, outer: 10 }],
		retentionDays: 7
	});
	// Not found: decommissioned before the incident.
	await add('retired-before', {
		municipality: k,
		at: await at(3),
		status: 'decommissioned',
		decommissionedOn: '2026-11-10'
	});
	// Not found: the incident day is the day it was switched off.
	await add('retired-that-day', {
		municipality: k,
		at: await at(3),
		status: 'decommissioned',
		decommissionedOn: '2026-11-20'
	});
	// Not found: footage deleted after 5 days (kept until 25 November).
	await add('short-retention', { municipality: k, at: await at(4), retentionDays: 5 });
	// Not found: its view lies 200 m east of the camera and misses the spot.
	await add('looks-away', { municipality: k, at: await at(2), viewOffset: [200, 0] });
	// Not found: in service only from the day after.
	await add('too-new', { municipality: k, at: await at(2), activeFrom: '2026-11-21' });
	// Not found: a proposal, never recording.
	await add('proposal', { municipality: k, at: await at(2), status: 'proposed' });
	// Not found: no view computed.
	await add('no-view', { municipality: k, at: await at(1), noView: true });
	// Not found for København's police: registered in Aalborg (district 1), though its view covers the spot.
	await add('other-district', { municipality: 851, at: await at(6) });
	return ids;
}

describe('footage finder', () => {
	it('finds the cameras whose view covered the spot then and whose footage is still kept, sharpest first', async () => {
		const ids = await scene();
		const result = await search(query());
		expect(result.total).toBe(4);
		expect(result.hits.map((h) => h.cameraName)).toEqual(['sharp', 'retired-later', 'far', 'no-band']);
		const [sharp, retired, far, noBand] = result.hits;
		expect(sharp).toMatchObject({
			cameraId: ids.sharp,
			municipalityName: 'København',
			status: 'active',
			ownerType: 'municipality',
			operatorName: 'Operatør sharp',
			contactEmail: 'kontakt@example.dk',
			contactPhone: '+45 33 66 33 66',
			retentionDays: 30,
			activeFrom: '2024-01-01',
			decommissionedOn: null,
			keptUntil: '2026-12-20',
			oldestKept: '2026-11-20',
			levelId: 'identification',
			minPpm: 250
		});
		expect(sharp.distanceM).toBeCloseTo(5, 0);
		expect(retired).toMatchObject({ levelId: 'observation', minPpm: 62.5, decommissionedOn: '2026-11-25' });
		expect(retired.keptUntil).toBe('2026-12-20');
		expect(far).toMatchObject({ levelId: 'detection', minPpm: 25, contactEmail: null, contactPhone: null });
		expect(noBand).toMatchObject({ levelId: null, minPpm: null, keptUntil: TODAY });
	});

	it('uses the chosen level table for the density', async () => {
		await scene();
		const result = await search(query({ levelTable: 'seven-level' }));
		expect(result.hits.map((h) => [h.cameraName, h.levelId])).toEqual([
			['sharp', 'level-5'],
			['retired-later', 'level-1'],
			['far', 'level-1'],
			['no-band', null]
		]);
	});

	it('keeps to the police districts it is given', async () => {
		await scene();
		const aalborg = await search(query(), { districts: [1] });
		expect(aalborg.hits.map((h) => h.cameraName)).toEqual(['other-district']);
		expect((await search(query(), { districts: [] })).total).toBe(0);
	});

	it('finds cameras that recorded at some point of a period whose footage is not all deleted', async () => {
		await scene();
		const result = await search(query({ from: '2026-11-01T00:00', to: AT }));
		const byName = Object.fromEntries(result.hits.map((h) => [h.cameraName, h]));
		// Switched off on 10 November: recorded 1–9 November, kept 30 days after the 9th.
		expect(byName['retired-before']).toMatchObject({ keptUntil: '2026-12-09', oldestKept: '2026-11-01' });
		expect(byName['retired-that-day']).toMatchObject({ keptUntil: '2026-12-19' });
		// Five days' retention: the period's last day (20 November) was deleted after the 25th.
		expect(byName['short-retention']).toBeUndefined();
		expect(byName['too-new']).toBeUndefined();
		// Only the last day of the period is still kept (7 days back from the 27th).
		expect(byName['no-band']).toMatchObject({ keptUntil: TODAY, oldestKept: '2026-11-20' });
		expect(result.total).toBe(6);
	});

	it('searches a drawn area: any part of it counts, the densest band meeting it wins', async () => {
		const db = testDb();
		await scene();
		const [w, s] = await offset(db, PLACES.københavn, -15, -15);
		const [e, n] = await offset(db, PLACES.københavn, 15, 15);
		const square = (x0: number, y0: number, x1: number, y1: number) =>
			JSON.stringify({
				type: 'Polygon',
				coordinates: [
					[
						[x0, y0],
						[x1, y0],
						[x1, y1],
						[x0, y1],
						[x0, y0]
					]
				]
			});
		const result = await search(query({ spot: { kind: 'area', geojson: square(w, s, e, n) } }));
		const byName = Object.fromEntries(result.hits.map((h) => [h.cameraName, h]));
		// The 30 m square comes 15 m nearer to every camera than its centre: 'retired-later' (30 m
		// north) is now met by its recognition ring, 'far' (50 m west) by its observation ring.
		expect(Object.keys(byName).sort()).toEqual(['far', 'no-band', 'retired-later', 'sharp']);
		expect(byName['sharp'].minPpm).toBe(250);
		expect(byName['retired-later'].minPpm).toBe(125);
		expect(byName['far'].minPpm).toBe(62.5);
		expect(byName['no-band'].minPpm).toBeNull();
		expect(result.hits.map((h) => h.cameraName)).toEqual(['sharp', 'retired-later', 'far', 'no-band']);
		expect(result.hits.map((h) => h.distanceM).every((d) => d >= 0)).toBe(true);

		const [fw, fs] = await offset(db, PLACES.københavn, 500, 500);
		const [fe, fn] = await offset(db, PLACES.københavn, 600, 600);
		expect((await search(query({ spot: { kind: 'area', geojson: square(fw, fs, fe, fn) } }))).total).toBe(0);
	});

	it('pages the results', async () => {
		await scene();
		const first = await search(query(), { pageSize: 3 });
		const second = await search(query({ page: 2 }), { pageSize: 3 });
		expect(first.total).toBe(4);
		expect(first.hits.map((h) => h.cameraName)).toEqual(['sharp', 'retired-later', 'far']);
		expect(second.hits.map((h) => h.cameraName)).toEqual(['no-band']);
		expect(second.total).toBe(4);
	});

	it('locates the spot in its municipality and police district, and refuses spots it cannot place', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const place = await locateSpot(db, SPOT);
		expect(place.municipalities).toEqual([
			{ code: 101, name: 'København', policeDistrict: 11, policeDistrictName: 'Københavns Politi' }
		]);
		const refusal = async (spot: FootageSpot) => {
			try {
				await locateSpot(db, spot);
			} catch (e) {
				return e instanceof FootageInputError ? e.key : e;
			}
			return null;
		};
		expect(await refusal({ kind: 'point', lon: 5, lat: 56 })).toBe('footage.error.outside');
		const bowtie = JSON.stringify({
			type: 'Polygon',
			coordinates: [
				[
					[12.6, 55.65],
					[12.61, 55.66],
					[12.61, 55.65],
					[12.6, 55.66],
					[12.6, 55.65]
				]
			]
		});
		expect(await refusal({ kind: 'area', geojson: bowtie })).toBe('footage.error.areaInvalid');
		const huge = JSON.stringify({
			type: 'Polygon',
			coordinates: [
				[
					[12.4, 55.6],
					[12.7, 55.6],
					[12.7, 55.75],
					[12.4, 55.75],
					[12.4, 55.6]
				]
			]
		});
		expect(await refusal({ kind: 'area', geojson: huge })).toBe('footage.error.areaTooLarge');
	});

	it('lets only police of the spot’s district search', async () => {
		const københavn = { type: 'municipality', code: 101, policeDistrict: 11 } as const;
		const aalborg = { type: 'municipality', code: 851, policeDistrict: 1 } as const;
		const police11 = user('police', { policeDistrict: 11 });
		expect(can(police11, 'footage.search', københavn)).toBe(true);
		expect(can(police11, 'footage.search', aalborg)).toBe(false);
		expect(can(police11, 'footage.search', { type: 'policeDistrict', number: 11 })).toBe(true);
		expect(can(police11, 'footage.search', { type: 'policeDistrict', number: 1 })).toBe(false);
		for (const other of [user('planner', { municipalityCode: 101 }), user('ministry'), user('admin'), null])
			expect(can(other, 'footage.search', københavn)).toBe(false);
	});
});

describe('footage query validation', () => {
	const parse = (params: Record<string, string>) => footageQuerySchema(NOW).safeParse(params);
	const firstIssue = (params: Record<string, string>) => {
		const result = parse(params);
		expect(result.success).toBe(false);
		return footageIssue(result.error!, 'da');
	};

	it('reads a point and a moment, or an area and a period', () => {
		expect(parse({ lon: '12,602', lat: '55.657', at: '2026-11-20T22:15' }).data).toEqual({
			spot: { kind: 'point', lon: 12.602, lat: 55.657 },
			from: '2026-11-20T22:15',
			to: '2026-11-20T22:15',
			levelTable: 'en62676-4-2015',
			page: 1
		});
		const area = {
			type: 'Polygon',
			coordinates: [
				[
					[12.6, 55.65],
					[12.61, 55.65],
					[12.61, 55.66],
					[12.6, 55.65]
				]
			]
		};
		const parsed = parse({
			where: 'area',
			area: JSON.stringify({ ...area, bbox: [0, 0, 0, 0] }),
			when: 'period',
			from: '2026-11-01T00:00',
			to: '2026-11-20T22:15:30',
			levels: 'seven-level',
			page: '3'
		});
		expect(parsed.data).toEqual({
			spot: { kind: 'area', geojson: JSON.stringify(area) },
			from: '2026-11-01T00:00',
			to: '2026-11-20T22:15',
			levelTable: 'seven-level',
			page: 3
		});
	});

	it('names the field and the problem of bad input', () => {
		const moment = { at: '2026-11-20T22:15' };
		expect(firstIssue({ lon: '200', lat: '55.6', ...moment })).toEqual({
			field: 'lon',
			message: 'Skal være et tal mellem -180 og 180.'
		});
		expect(firstIssue({ lon: '12.6', lat: 'nord', ...moment }).field).toBe('lat');
		expect(firstIssue({ lon: '55.6', lat: '12.6', ...moment })).toEqual({
			field: 'lon',
			message: 'Længde- og breddegrad ser ud til at være byttet om.'
		});
		expect(
			firstIssue({ where: 'area', area: '{"type":"Point","coordinates":[12,55]}', ...moment }).field
		).toBe('area');
		expect(firstIssue({ lon: '12.6', lat: '55.6', at: '2026-11-27T12:01' })).toEqual({
			field: 'at',
			message: 'Må ikke ligge i fremtiden.'
		});
		expect(firstIssue({ lon: '12.6', lat: '55.6', at: '2026-02-30T10:00' }).field).toBe('at');
		expect(firstIssue({ lon: '12.6', lat: '55.6' })).toEqual({ field: 'at', message: 'Skal udfyldes.' });
		expect(
			firstIssue({
				lon: '12.6',
				lat: '55.6',
				when: 'period',
				from: '2026-11-20T10:00',
				to: '2026-11-19T10:00'
			})
		).toEqual({ field: 'to', message: 'Periodens slutning må ikke ligge før dens start.' });
		expect(
			firstIssue({
				lon: '12.6',
				lat: '55.6',
				when: 'period',
				from: '2026-11-20T10:00',
				to: '2027-01-01T00:00'
			}).field
		).toBe('to');
		expect(firstIssue({ lon: '12.6', lat: '55.6', ...moment, levels: 'dori' }).field).toBe('levels');
		expect(parse({ lon: '12.6', lat: '55.6', at: NOW }).success).toBe(true);
	});
});
