// What the impact pages read of a stored analysis: the counts per direction, the changed cameras
// page by page (filtered, newly refused first), the table per municipality, the CSV in keyset
// batches, the changes as vector tiles and the list of analyses.
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createPublishedRuleSet } from '../../src/lib/server/rules/service';
import { runImpactAnalysis } from '../../src/lib/server/rules/impact';
import {
	CHANGES_PAGE_SIZE,
	changeCounts,
	changesExtent,
	getImpactAnalysis,
	impactCsv,
	impactMunicipalities,
	impactTile,
	listChanges,
	listImpactAnalyses
} from '../../src/lib/server/rules/impact-queries';
import type { RuleSetDocument } from '../../src/lib/rules/schema';
import { tileAt } from '../../src/lib/tiles';
import { testDb } from './db';
import { AS_OF, X0, Y0, camera, country, feature, ruleSetWith } from './rule-fixtures';

const actor = { userId: null, label: 'test', clientAddress: null };
const FLIPS = 30;

function section2a(id: string, distanceM: number): RuleSetDocument {
	return ruleSetWith(
		id,
		{
			id: 'p2a-near-housing-area',
			title: { da: '§ 2 a nær boligområde', en: '§ 2 a near a housing area' },
			kind: 'withinLayer',
			params: { layer: 'housing_area', distanceM, measureFrom: 'view' },
			appliesTo: { ownerTypes: ['municipality'], legalBases: ['§ 2 a'] }
		},
		{ id: 'retention', kind: 'attributeLimit', params: { attribute: 'retentionDays', max: 30 } }
	);
}

async function publish(doc: RuleSetDocument) {
	const { versionId } = await createPublishedRuleSet(testDb(), actor, doc);
	return { id: versionId, document: doc };
}

/**
 * A housing area at the origin and cameras east of it with 20 m views: FLIPS cameras whose views
 * end between 500 and 750 m away, one near (allowed by both), one far (refused by both) and one
 * at 600 m that keeps too long a retention (refused by both, for fewer rules at 750 m).
 */
async function fixture() {
	await country();
	await feature('housing_area', 'Boligområdet', [-100, 0, 0, 100]);
	for (let i = 1; i <= FLIPS; i++)
		await camera(`flip ${String(i).padStart(2, '0')}`, { at: [500 + i * 7, 50], view: 20 });
	await camera('near', { at: [200, 50], view: 20 });
	await camera('far', { at: [2000, 50], view: 20 });
	await camera('long retention', { at: [600, 60], view: 20, retentionDays: 40 });
	const narrow = await publish(section2a('p2a-500', 500));
	const wide = await publish(section2a('p2a-750', 750));
	return { narrow, wide };
}

async function decode(mvt: Buffer | null) {
	if (!mvt) return [];
	const layer = new VectorTile(new PbfReader(mvt)).layers['impact-changes'];
	return Array.from({ length: layer?.length ?? 0 }, (_, i) => layer.feature(i).properties);
}

describe('impact pages', () => {
	it('pages and filters the changed cameras, newly refused first, and counts each direction', async () => {
		const { narrow, wide } = await fixture();
		const widened = await runImpactAnalysis(testDb(), actor, narrow, wide, { asOf: AS_OF });
		expect(await changeCounts(testDb(), widened.id)).toEqual({
			all: FLIPS + 1,
			newlyAllowed: FLIPS,
			newlyRefused: 0,
			other: 1
		});
		expect(await changeCounts(testDb(), widened.id, 902)).toEqual({
			all: 0,
			newlyAllowed: 0,
			newlyRefused: 0,
			other: 0
		});

		const first = await listChanges(testDb(), widened.id, {});
		expect(first).toMatchObject({ total: FLIPS + 1, page: 1, pageSize: CHANGES_PAGE_SIZE });
		expect(first.items).toHaveLength(CHANGES_PAGE_SIZE);
		expect(first.items[0]).toMatchObject({
			name: 'flip 01',
			municipalityCode: 901,
			municipalityName: 'Testkommune',
			status: 'active',
			ownerType: 'municipality',
			legalBasis: '§ 2 a',
			allowedBefore: false,
			allowedAfter: true,
			direction: 'newlyAllowed',
			failedBefore: ['p2a-near-housing-area'],
			failedAfter: []
		});
		const second = await listChanges(testDb(), widened.id, {}, 2);
		expect(second.items.map((c) => c.name)).toEqual([
			...Array.from({ length: FLIPS - CHANGES_PAGE_SIZE }, (_, i) => `flip ${CHANGES_PAGE_SIZE + i + 1}`),
			'long retention'
		]);
		expect((await listChanges(testDb(), widened.id, {}, 3)).items).toEqual([]);

		const other = await listChanges(testDb(), widened.id, { direction: 'other' });
		expect(other.items).toMatchObject([
			{
				name: 'long retention',
				direction: 'other',
				allowedBefore: false,
				allowedAfter: false,
				failedBefore: ['p2a-near-housing-area', 'retention'],
				failedAfter: ['retention']
			}
		]);
		expect((await listChanges(testDb(), widened.id, { direction: 'newlyRefused' })).total).toBe(0);
		expect((await listChanges(testDb(), widened.id, { municipalityCode: 901 })).total).toBe(FLIPS + 1);
		expect((await listChanges(testDb(), widened.id, { municipalityCode: 902 })).total).toBe(0);

		// Back again: the same cameras, newly refused, listed before the other change.
		const narrowed = await runImpactAnalysis(testDb(), actor, wide, narrow, { asOf: AS_OF });
		const back = await listChanges(testDb(), narrowed.id, {}, 2);
		expect(back.items.map((c) => c.direction)).toEqual([
			...Array(FLIPS - CHANGES_PAGE_SIZE).fill('newlyRefused'),
			'other'
		]);
	});

	it('gives the table per municipality in each sort order', async () => {
		const { narrow, wide } = await fixture();
		const { id } = await runImpactAnalysis(testDb(), actor, narrow, wide, { asOf: AS_OF });
		const row = {
			code: 901,
			name: 'Testkommune',
			cameras: FLIPS + 3,
			allowedBefore: 1,
			allowedAfter: FLIPS + 1,
			newlyAllowed: FLIPS,
			newlyRefused: 0
		};
		for (const sort of ['refused', 'allowed', 'cameras', 'name'] as const)
			expect(await impactMunicipalities(testDb(), id, sort)).toEqual([row]);
	});

	it('streams every changed camera to the CSV in keyset batches', async () => {
		const { narrow, wide } = await fixture();
		const { id } = await runImpactAnalysis(testDb(), actor, narrow, wide, { asOf: AS_OF });
		let text = '';
		// Batches of 4: 31 changes cross seven batch boundaries.
		for await (const part of impactCsv(testDb(), id, {}, 4)) text += part;
		const [header, ...rows] = text
			.replace(/^\uFEFF/, '')
			.trimEnd()
			.split('\r\n');
		expect(header).toBe(
			'cameraId,name,municipalityCode,municipalityName,status,ownerType,legalBasis,allowedBefore,' +
				'allowedAfter,change,failedRulesBefore,failedRulesAfter,lon,lat'
		);
		expect(rows).toHaveLength(FLIPS + 1);
		const ids = rows.map((r) => r.split(',')[0]);
		expect(new Set(ids).size).toBe(FLIPS + 1);
		expect(ids).toEqual([...ids].sort());
		const long = rows.find((r) => r.includes(',long retention,'))!;
		expect(long).toMatch(
			/,long retention,901,Testkommune,active,municipality,§ 2 a,false,false,other,p2a-near-housing-area; retention,retention,\d+\.\d+,\d+\.\d+$/
		);
		let filtered = '';
		for await (const part of impactCsv(testDb(), id, { direction: 'other' }, 4)) filtered += part;
		expect(filtered.trimEnd().split('\r\n')).toHaveLength(2);
	});

	it('draws the changes as tile points, with the camera from z12', async () => {
		const { narrow, wide } = await fixture();
		const { id } = await runImpactAnalysis(testDb(), actor, narrow, wide, { asOf: AS_OF });
		const { rows } = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(p) AS lon, ST_Y(p) AS lat
			FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${X0 + 600}::float8, ${Y0 + 50}::float8), 25832), 4326) AS p) q
		`.execute(testDb());
		const { lon, lat } = rows[0];
		const detailed = await decode(await impactTile(testDb(), id, tileAt(lon, lat, 13)));
		expect(detailed).toHaveLength(FLIPS + 1);
		expect(detailed).toContainEqual(
			expect.objectContaining({ direction: 'other', name: 'long retention', camera_id: expect.any(String) })
		);
		expect(detailed.filter((f) => f.direction === 'newlyAllowed')).toHaveLength(FLIPS);
		const overview = await decode(await impactTile(testDb(), id, tileAt(lon, lat, 8)));
		expect(overview).toHaveLength(FLIPS + 1);
		expect(Object.keys(overview[0])).toEqual(['direction']);
		// A tile far away has nothing.
		expect(await impactTile(testDb(), id, tileAt(lon + 3, lat, 13))).toBeNull();
		const extent = (await changesExtent(testDb(), id))!;
		expect(extent[0]).toBeLessThan(lon);
		expect(extent[2]).toBeGreaterThan(lon);
	});

	it('lists the analyses newest first, with both versions', async () => {
		const { narrow, wide } = await fixture();
		const first = await runImpactAnalysis(testDb(), actor, narrow, wide, { asOf: AS_OF });
		const second = await runImpactAnalysis(testDb(), actor, wide, narrow, { asOf: AS_OF });
		const list = await listImpactAnalyses(testDb());
		expect(list.total).toBe(2);
		expect(list.items.map((a) => a.id)).toEqual([second.id, first.id]);
		expect(list.items[0]).toMatchObject({
			a: { id: wide.id, slug: 'p2a-750', version: 1, status: 'published' },
			b: { id: narrow.id, slug: 'p2a-500', version: 1, status: 'published' },
			asOf: AS_OF,
			cameras: FLIPS + 3,
			newlyAllowed: 0,
			newlyRefused: FLIPS,
			createdBy: null
		});
		expect(await getImpactAnalysis(testDb(), first.id)).toMatchObject({ id: first.id, newlyAllowed: FLIPS });
		expect(await getImpactAnalysis(testDb(), 999_999)).toBeNull();
		expect((await listImpactAnalyses(testDb(), 2)).items).toEqual([]);
	});
});
