import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { seedDemoReferenceLayersIfEmpty, DEMO_AREAS } from '../../src/lib/server/rules/demo-layers';
import { importReferenceLayer, ReferenceLayerImportError } from '../../src/lib/server/rules/reference-layers';
import { seedShippedRuleSetsIfEmpty } from '../../src/lib/server/rules/seed';
import {
	createDraft,
	deleteDraft,
	DraftExistsError,
	getVersion,
	listRuleSets,
	listVersions,
	publishDraft,
	RuleSetChangeError,
	RuleSetValidationError,
	updateDraft
} from '../../src/lib/server/rules/service';
import type { RuleSetDocument } from '../../src/lib/rules/schema';
import { testDb } from './db';

const geodata = join(import.meta.dirname, '..', '..', 'geodata');
const ministry = { userId: null, label: 'ministry@test', clientAddress: '127.0.0.1' };

async function seeded() {
	const db = testDb();
	await seedShippedRuleSetsIfEmpty(db, geodata);
	const v = await sql<{ id: number; slug: string }>`
		SELECT v.id, s.slug FROM rule_set_versions v JOIN rule_sets s ON s.id = v.rule_set_id ORDER BY s.slug`.execute(
		db
	);
	const bySlug = Object.fromEntries(v.rows.map((r) => [r.slug, r.id]));
	return { db, v2020: bySlug['tv-overvaagning-2020-07'], v2025: bySlug['tv-overvaagning-2025-07'] };
}

async function auditActions(objectId: number) {
	const rows = await testDb()
		.selectFrom('audit_log')
		.select(['action', 'actor_label', 'before', 'after'])
		.where('object_type', '=', 'rule_set_version')
		.where('object_id', '=', String(objectId))
		.orderBy('id')
		.execute();
	return rows;
}

function withDistance(doc: RuleSetDocument, distanceM: number): RuleSetDocument {
	const copy = structuredClone(doc);
	const rule = copy.rules.find((r) => r.id === 'p2a-near-housing-area');
	if (rule?.kind !== 'withinLayer') throw new Error('the § 2 a rule is missing');
	rule.params.distanceM = distanceM;
	return copy;
}

describe('rule sets: shipped sets, drafts and publishing', () => {
	it('publishes each shipped rule set once, as version 1, with an audit row', async () => {
		const db = testDb();
		expect(await seedShippedRuleSetsIfEmpty(db, geodata)).toEqual([
			'tv-overvaagning-2020-07',
			'tv-overvaagning-2025-07'
		]);
		expect(await seedShippedRuleSetsIfEmpty(db, geodata)).toEqual([]);
		const sets = await listRuleSets(db);
		expect(sets.total).toBe(2);
		// Newest validity first.
		expect(sets.items.map((s) => s.slug)).toEqual(['tv-overvaagning-2025-07', 'tv-overvaagning-2020-07']);
		expect(sets.items[0].latest).toMatchObject({ version: 1, validFrom: '2025-07-01', validTo: null });
		expect(sets.items[1].latest).toMatchObject({ validFrom: '2020-07-01', validTo: '2025-06-30' });
		const audit = await db
			.selectFrom('audit_log')
			.select(['action', 'actor_label'])
			.where('action', '=', 'rulesets.publish')
			.execute();
		expect(audit).toEqual([
			{ action: 'rulesets.publish', actor_label: 'shipped' },
			{ action: 'rulesets.publish', actor_label: 'shipped' }
		]);
	});

	it('makes a draft from a published version, edits it, publishes it; every step audited', async () => {
		const { db, v2025 } = await seeded();
		const published = (await getVersion(db, v2025))!;
		const draft = await createDraft(db, ministry, v2025);
		expect(draft.version).toBe(2);

		const stored = (await getVersion(db, draft.id))!;
		expect(stored).toMatchObject({ status: 'draft', basedOn: { id: v2025, version: 1 } });
		expect(stored.ruleSet.draft).toEqual({ id: draft.id, version: 2 });
		expect(stored.document).toEqual(published.document);

		const update = await updateDraft(db, ministry, draft.id, withDistance(stored.document, 750));
		expect(update.changes).toEqual(['§ 2 a near a housing area: params.distanceM 500 → 750']);

		const result = await publishDraft(db, ministry, draft.id);
		expect(result).toEqual({ id: draft.id, version: 2, slug: 'tv-overvaagning-2025-07' });
		const after = (await getVersion(db, draft.id))!;
		expect(after.status).toBe('published');
		expect(after.publishedAt).toBeInstanceOf(Date);
		expect(after.publishedByLabel).toBe('ministry@test');
		expect(after.ruleSet.draft).toBeNull();
		const rule = after.document.rules.find((r) => r.id === 'p2a-near-housing-area');
		expect(rule?.kind === 'withinLayer' && rule.params.distanceM).toBe(750);

		const versions = await listVersions(db, after.ruleSet.id);
		expect(versions.items.map((v) => [v.version, v.status])).toEqual([
			[2, 'published'],
			[1, 'published']
		]);

		const audit = await auditActions(draft.id);
		expect(audit.map((a) => a.action)).toEqual([
			'rulesets.createDraft',
			'rulesets.updateDraft',
			'rulesets.publish'
		]);
		expect(audit.every((a) => a.actor_label === 'ministry@test')).toBe(true);
		expect((audit[2].after as { changes: string[] }).changes).toEqual([
			'§ 2 a near a housing area: params.distanceM 500 → 750'
		]);
	});

	it('keeps published versions immutable, even against SQL', async () => {
		const { db, v2025 } = await seeded();
		await expect(
			sql`UPDATE rule_set_versions SET document = document || '{"validTo": "2030-01-01"}' WHERE id = ${v2025}`.execute(
				db
			)
		).rejects.toThrow(/published and immutable/);
		await expect(sql`DELETE FROM rule_set_versions WHERE id = ${v2025}`.execute(db)).rejects.toThrow(
			/published and immutable/
		);
		await expect(sql`TRUNCATE rule_set_versions CASCADE`.execute(db)).rejects.toThrow(/immutable/);
		// Publishing is the one change a draft gets; afterwards it is as fixed as the rest.
		const draft = await createDraft(db, ministry, v2025);
		await publishDraft(db, ministry, draft.id);
		await expect(
			sql`UPDATE rule_set_versions SET status = 'draft', published_at = NULL, published_by_label = NULL WHERE id = ${draft.id}`.execute(
				db
			)
		).rejects.toThrow(/published and immutable/);

		await expect(
			updateDraft(db, ministry, v2025, (await getVersion(db, v2025))!.document)
		).rejects.toMatchObject({
			status: 409,
			key: 'rules.error.notDraft'
		});
		await expect(publishDraft(db, ministry, v2025)).rejects.toBeInstanceOf(RuleSetChangeError);
		await expect(deleteDraft(db, ministry, v2025)).rejects.toMatchObject({ status: 409 });
		const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM rule_set_versions`.execute(db);
		expect(count.rows[0].n).toBe(3);
	});

	it('allows one draft per rule set', async () => {
		const { db, v2025, v2020 } = await seeded();
		const draft = await createDraft(db, ministry, v2025);
		const second = createDraft(db, ministry, v2025);
		await expect(second).rejects.toBeInstanceOf(DraftExistsError);
		await expect(second).rejects.toMatchObject({ status: 409, draft: { id: draft.id, version: 2 } });
		// The database enforces it too.
		await expect(
			sql`INSERT INTO rule_set_versions (rule_set_id, version, status, document, created_by_label)
				SELECT rule_set_id, 9, 'draft', document, 'sql' FROM rule_set_versions WHERE id = ${v2025}`.execute(db)
		).rejects.toThrow(/rule_set_versions_one_draft/);
		// Other sets are not affected; a draft is not a base for another draft.
		await expect(createDraft(db, ministry, v2020)).resolves.toMatchObject({ version: 2 });
		await expect(createDraft(db, ministry, draft.id)).rejects.toMatchObject({
			key: 'rules.error.notPublished'
		});
		await expect(createDraft(db, ministry, 999_999)).rejects.toMatchObject({ status: 404 });

		// After deleting the draft a new one can be made (and gets the free number again).
		await deleteDraft(db, ministry, draft.id);
		expect(await getVersion(db, draft.id)).toBeNull();
		await expect(createDraft(db, ministry, v2025)).resolves.toMatchObject({ version: 2 });
		expect((await auditActions(draft.id)).map((a) => a.action)).toEqual([
			'rulesets.createDraft',
			'rulesets.deleteDraft'
		]);
	});

	it('refuses an invalid update with every error by path and writes nothing', async () => {
		const { db, v2025 } = await seeded();
		const draft = await createDraft(db, ministry, v2025);
		const before = await db
			.selectFrom('rule_set_versions')
			.select(['document', 'updated_at'])
			.where('id', '=', draft.id)
			.executeTakeFirstOrThrow();
		const auditBefore = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(db);

		const bad = structuredClone(before.document) as {
			rules: { params: Record<string, unknown> }[];
			title: object;
		};
		bad.rules[0].params.distanceM = -5;
		bad.rules[2].params.minUnsafeShare = 1.5;
		delete (bad.title as { en?: string }).en;
		const error = await updateDraft(db, ministry, draft.id, bad).catch((e) => e);
		expect(error).toBeInstanceOf(RuleSetValidationError);
		expect(error.status).toBe(400);
		expect(error.errors).toEqual(
			expect.arrayContaining([
				{ path: 'title.en', message: 'is required' },
				{ path: 'rules[0].params.distanceM', message: 'must be at least 0' },
				{ path: 'rules[2].params.minUnsafeShare', message: 'must be at most 1' }
			])
		);

		// What only the database knows: the set's id, layers and incident categories.
		const unknown = structuredClone(before.document) as RuleSetDocument;
		unknown.id = 'another-set';
		const layerRule = unknown.rules[0];
		if (layerRule.kind === 'withinLayer') layerRule.params.layer = 'harbour_area';
		const criterion = unknown.rules.find((r) => r.kind === 'hotspotOrUnsafety')!;
		if (criterion.kind === 'hotspotOrUnsafety') criterion.params.hotspot!.categories = ['violence', 'arson'];
		const refs = await updateDraft(db, ministry, draft.id, unknown, 'da').catch((e) => e);
		expect(refs).toBeInstanceOf(RuleSetValidationError);
		expect(refs.errors.map((e: { path: string }) => e.path)).toEqual([
			'id',
			'rules[0].params.layer',
			'rules[2].params.hotspot.categories[1]'
		]);
		expect(refs.errors[1].message).toMatch(/^ukendt referencelag »harbour_area«/);

		const after = await db
			.selectFrom('rule_set_versions')
			.select(['document', 'updated_at'])
			.where('id', '=', draft.id)
			.executeTakeFirstOrThrow();
		expect(after).toEqual(before);
		const auditAfter = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(db);
		expect(auditAfter.rows[0].n).toBe(auditBefore.rows[0].n);
	});
});

describe('reference layers', () => {
	afterEach(async () => {
		await sql`DELETE FROM reference_features`.execute(testDb());
		await sql`DELETE FROM reference_layers WHERE kind = 'flood_zone'`.execute(testDb());
	});

	const square = (lon: number, lat: number, d = 0.002) => ({
		type: 'Polygon',
		coordinates: [
			[
				[lon, lat],
				[lon + d, lat],
				[lon + d, lat + d],
				[lon, lat + d],
				[lon, lat]
			]
		]
	});
	const file = (features: object[]) => JSON.stringify({ type: 'FeatureCollection', features });
	const feature = (properties: object, geometry: object) => ({ type: 'Feature', properties, geometry });

	it('imports polygons into a layer in EPSG:25832, audited, and moves the dataset version', async () => {
		const db = testDb();
		const version = async () =>
			(
				await db
					.selectFrom('datasets')
					.select('version')
					.where('name', '=', 'reference_layers')
					.executeTakeFirst()
			)?.version ?? 0;
		const v0 = await version();
		const result = await importReferenceLayer(db, {
			kind: 'school',
			text: file([
				feature({ navn: 'Skole A', id: 'A1', type: 'folkeskole' }, square(12.55, 55.68)),
				feature(
					{ name: 'Skole B' },
					{ type: 'MultiPolygon', coordinates: [square(12.56, 55.69).coordinates] }
				)
			]),
			source: 'skoler.geojson',
			actor: ministry
		});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.report).toMatchObject({
			kind: 'school',
			imported: 2,
			deleted: 0,
			createdLayer: false,
			featuresRead: 2
		});
		const rows = await sql<{
			name: string;
			source_ref: string | null;
			srid: number;
			type: string;
			area: number;
			props: object;
		}>`
			SELECT name, source_ref, ST_SRID(geom) AS srid, GeometryType(geom) AS type, ST_Area(geom) AS area, properties AS props
			FROM reference_features WHERE layer = 'school' ORDER BY name`.execute(db);
		expect(rows.rows.map((r) => [r.name, r.source_ref, r.srid, r.type])).toEqual([
			['Skole A', 'A1', 25832, 'MULTIPOLYGON'],
			['Skole B', null, 25832, 'MULTIPOLYGON']
		]);
		// 0.002° × 0.002° at 55.7° N: about 125 m × 222 m.
		expect(rows.rows[0].area).toBeGreaterThan(25_000);
		expect(rows.rows[0].area).toBeLessThan(31_000);
		expect(rows.rows[0].props).toMatchObject({ type: 'folkeskole' });
		expect(await version()).toBeGreaterThan(v0);
		const audit = await db
			.selectFrom('audit_log')
			.select(['action', 'object_type', 'object_id', 'after'])
			.where('action', '=', 'referenceLayers.import')
			.execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ object_type: 'reference_layer', object_id: 'school' });
		expect(audit[0].after).toMatchObject({ source: 'skoler.geojson', imported: 2, deleted: 0 });
	});

	it('is all or nothing: one bad feature and nothing is stored, every problem named', async () => {
		const db = testDb();
		const result = await importReferenceLayer(db, {
			kind: 'nightlife_area',
			text: file([
				feature({ name: 'Good', id: 'X' }, square(12.57, 55.67)),
				feature({ name: 'A point' }, { type: 'Point', coordinates: [12.57, 55.67] }),
				feature({ name: 'Same ref', id: 'X' }, square(12.58, 55.67)),
				feature({ name: 'No geometry' }, null as unknown as object)
			]),
			source: 'nightlife.geojson',
			actor: ministry
		});
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.problems.map((p) => p.feature)).toEqual([1, 2, 3]);
		expect(result.problems[0].message).toMatch(/Point, not a polygon/);
		expect(result.problems[1].message).toBe('source_ref "X" is also used by features[0]');
		expect(result.problems[2].message).toMatch(/no geometry/);
		const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM reference_features`.execute(db);
		expect(n.rows[0].n).toBe(0);
		const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(db);
		expect(audit.rows[0].n).toBe(0);
	});

	it('refuses a source_ref the layer already has unless the layer is replaced', async () => {
		const db = testDb();
		const input = {
			kind: 'housing_area',
			text: file([feature({ name: 'Estate', id: 'E1' }, square(12.52, 55.66))]),
			source: 'estates.geojson',
			actor: ministry
		};
		expect((await importReferenceLayer(db, input)).ok).toBe(true);
		const again = await importReferenceLayer(db, input);
		expect(again.ok).toBe(false);
		if (!again.ok)
			expect(again.problems).toEqual([{ feature: 0, message: expect.stringMatching(/already imported/) }]);
		const replaced = await importReferenceLayer(db, { ...input, replace: true });
		expect(replaced.ok && replaced.report).toMatchObject({ imported: 1, deleted: 1 });
		const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM reference_features`.execute(db);
		expect(n.rows[0].n).toBe(1);
	});

	it('refuses an unknown layer or a file in the wrong CRS; creates a named new layer', async () => {
		const db = testDb();
		const text = file([feature({ name: 'Zone' }, square(12.52, 55.66))]);
		await expect(importReferenceLayer(db, { kind: 'flood_zone', text, source: 'f.geojson' })).rejects.toThrow(
			/Unknown reference layer "flood_zone" \(known: housing_area, housing_area_permit, nightlife_area, school\)/
		);
		await expect(
			importReferenceLayer(db, { kind: 'Flood Zone', text, source: 'f.geojson' })
		).rejects.toBeInstanceOf(ReferenceLayerImportError);
		await expect(
			importReferenceLayer(db, { kind: 'school', text, source: 'f.geojson', srs: 'EPSG:25832' })
		).rejects.toThrow(/look like degrees/);
		const created = await importReferenceLayer(db, {
			kind: 'flood_zone',
			text,
			source: 'f.geojson',
			newLayer: { da: 'Oversvømmelseszoner', en: 'Flood zones' },
			actor: ministry
		});
		expect(created.ok && created.report.createdLayer).toBe(true);
		const layer = await db
			.selectFrom('reference_layers')
			.selectAll()
			.where('kind', '=', 'flood_zone')
			.executeTakeFirst();
		expect(layer).toMatchObject({ name_da: 'Oversvømmelseszoner', name_en: 'Flood zones' });
	});

	it('seeds the synthetic demo areas once, each inside its municipality', async () => {
		const db = testDb();
		await loadDemoBoundaries(db, { geodataDir: geodata });
		const stored = await seedDemoReferenceLayersIfEmpty(db);
		expect(await seedDemoReferenceLayersIfEmpty(db)).toBe(0);
		const wanted = DEMO_AREAS.reduce((n, a) => n + a.layers.length, 0);
		expect(stored).toBeGreaterThan(0);
		expect(stored).toBeLessThanOrEqual(wanted);
		const rows = await sql<{ layer: string; n: number; inside: number; synthetic: number }>`
			SELECT f.layer, count(*)::int AS n,
				count(*) FILTER (WHERE ST_Within(f.geom, m.geom))::int AS inside,
				count(*) FILTER (WHERE f.is_synthetic)::int AS synthetic
			FROM reference_features f
			JOIN municipalities m ON m.code = (f.properties->>'municipality')::int
			GROUP BY f.layer ORDER BY f.layer`.execute(db);
		for (const r of rows.rows) {
			expect(r.inside, r.layer).toBe(r.n);
			expect(r.synthetic, r.layer).toBe(r.n);
		}
		expect(rows.rows.map((r) => r.layer)).toEqual(['housing_area', 'housing_area_permit', 'nightlife_area']);
		// Every town gets at least one area.
		const towns = await sql<{ code: number }>`
			SELECT DISTINCT (properties->>'municipality')::int AS code FROM reference_features ORDER BY 1`.execute(db);
		expect(towns.rows.map((r) => r.code)).toEqual([101, 461, 751, 851]);
	});
});
