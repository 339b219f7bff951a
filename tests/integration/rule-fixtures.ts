// Hand-made places for rule tests, in EPSG:25832 around (X0, Y0) in a one-municipality country
// (municipality 901 in police district 99, a 10 km square).
import { sql } from 'kysely';
import { validateRuleSet, type RuleSetDocument } from '../../src/lib/rules/schema';
import { testDb } from './db';

export const X0 = 700_000;
export const Y0 = 6_170_000;
export const AS_OF = '2026-11-27';

type RuleInput = Record<string, unknown> & { kind: string; params: Record<string, unknown> };

/** A valid rule set of the given rules (title, legal reference etc. filled in). */
export function ruleSet(...rules: RuleInput[]): RuleSetDocument {
	return ruleSetWith('test-rules', ...rules);
}

/** The same, with the rule set's id. */
export function ruleSetWith(id: string, ...rules: RuleInput[]): RuleSetDocument {
	const result = validateRuleSet({
		schemaVersion: 1,
		id,
		title: { da: 'Test', en: 'Test' },
		validFrom: '2025-07-01',
		rules: rules.map((r, i) => ({
			id: `rule-${i + 1}`,
			title: { da: `Regel ${i + 1}`, en: `Rule ${i + 1}` },
			legalReference: 'tv-overvågningsloven § 2 a',
			severity: 'error',
			appliesTo: {},
			...r
		}))
	});
	if (!result.ok) throw new Error(JSON.stringify(result.errors));
	return result.value;
}

export async function country() {
	const db = testDb();
	await sql`
		INSERT INTO police_districts (number, name, geom)
		VALUES (99, 'Testkreds', ST_Multi(ST_MakeEnvelope(${X0 - 5000}, ${Y0 - 5000}, ${X0 + 5000}, ${Y0 + 5000}, 25832)))
	`.execute(db);
	await sql`
		INSERT INTO municipalities (code, name, police_district, geom)
		VALUES (901, 'Testkommune', 99, ST_Multi(ST_MakeEnvelope(${X0 - 5000}, ${Y0 - 5000}, ${X0 + 5000}, ${Y0 + 5000}, 25832)))
	`.execute(db);
}

export interface CameraSpec {
	/** Metres east and north of (X0, Y0). */
	at: [number, number];
	/** Radius of a disc-shaped view around the camera; null: no view. */
	view?: number | null;
	/** [level id, min ppm, outer radius] rings of EN 62676-4, densest first. */
	bands?: [string, number, number][];
	ownerType?: string;
	legalBasis?: string;
	status?: string;
	operator?: string;
	retentionDays?: number;
	signage?: boolean;
	activeFrom?: string | null;
	policeRegisteredOn?: string | null;
	permit?: [string, string] | null;
	/** A square privacy mask [minE, minN, maxE, maxN] relative to (X0, Y0). */
	mask?: [number, number, number, number];
}

export async function camera(name: string, c: CameraSpec): Promise<string> {
	const db = testDb();
	const point = sql`ST_SetSRID(ST_MakePoint(${X0 + c.at[0]}::float8, ${Y0 + c.at[1]}::float8), 25832)`;
	const status = c.status ?? 'active';
	const mask = c.mask
		? sql`ST_Multi(ST_MakeEnvelope(${X0 + c.mask[0]}, ${Y0 + c.mask[1]}, ${X0 + c.mask[2]}, ${Y0 + c.mask[3]}, 25832))`
		: sql`NULL`;
	const { rows } = await sql<{ id: string }>`
		INSERT INTO cameras (municipality_code, name, geom, mount_height_m, azimuth_deg, tilt_deg, hfov_deg,
			resolution_px, max_range_m, kind, owner_type, operator_name, purpose, legal_basis, retention_days,
			signage, status, active_from, police_registered_on, permit_valid_from, permit_valid_to, privacy_masks)
		VALUES (901, ${name}, ${point}, 5, 90, 15, 80, 1920, 60, 'dome', ${c.ownerType ?? 'municipality'},
			${c.operator ?? 'Kommunen'}, 'Tryghed', ${c.legalBasis ?? '§ 2 a'}, ${c.retentionDays ?? 30},
			${c.signage ?? true}, ${status},
			${c.activeFrom !== undefined ? c.activeFrom : status === 'active' ? '2026-01-01' : null}::date,
			${c.policeRegisteredOn !== undefined ? c.policeRegisteredOn : status === 'active' ? '2026-01-05' : null}::date,
			${c.permit?.[0] ?? null}::date, ${c.permit?.[1] ?? null}::date, ${mask})
		RETURNING id
	`.execute(db);
	const id = rows[0].id;
	if (c.view !== null) {
		await sql`INSERT INTO camera_views (camera_id, view) VALUES (${id}, ST_Multi(ST_Buffer(${point}, ${c.view ?? 30}::float8, 64)))`.execute(
			db
		);
		let inner = 0;
		for (const [level, ppm, outer] of c.bands ?? []) {
			await sql`
				INSERT INTO camera_view_bands (camera_id, level_table, level_id, min_ppm, geom)
				VALUES (${id}, 'en62676-4-2015', ${level}, ${ppm},
					ST_Multi(${inner > 0 ? sql`ST_Difference(ST_Buffer(${point}, ${outer}::float8, 64), ST_Buffer(${point}, ${inner}::float8, 64))` : sql`ST_Buffer(${point}, ${outer}::float8, 64)`}))
			`.execute(db);
			inner = outer;
		}
	}
	return id;
}

/** A reference feature: the square [minE, minN, maxE, maxN] relative to (X0, Y0). */
export async function feature(layer: string, name: string, box: [number, number, number, number]) {
	await sql`
		INSERT INTO reference_features (layer, name, source, geom)
		VALUES (${layer}, ${name}, 'test',
			ST_Multi(ST_MakeEnvelope(${X0 + box[0]}, ${Y0 + box[1]}, ${X0 + box[2]}, ${Y0 + box[3]}, 25832)))
	`.execute(testDb());
}

export async function building(box: [number, number, number, number], residential = true) {
	await sql`
		INSERT INTO buildings (source, is_residential, geom)
		VALUES ('test', ${residential},
			ST_Multi(ST_MakeEnvelope(${X0 + box[0]}, ${Y0 + box[1]}, ${X0 + box[2]}, ${Y0 + box[3]}, 25832)))
	`.execute(testDb());
}

export async function incidents(
	at: [number, number],
	count: number,
	category = 'violence',
	when = '2026-06-01T23:00:00+02'
) {
	await sql`
		INSERT INTO incidents (source_ref, source, category, occurred_at, geom, municipality_code)
		SELECT 'inc-' || ${at[0]} || '-' || ${at[1]} || '-' || ${category} || '-' || ${when} || '-' || n, 'test', ${category},
			${when}::timestamptz, ST_SetSRID(ST_MakePoint(${X0 + at[0]}::float8, ${Y0 + at[1]}::float8), 25832), 901
		FROM generate_series(1, ${count}::integer) n
	`.execute(testDb());
}
