import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { CAMERA_KINDS, CAMERA_STATUSES, LEGAL_BASIS_VALUES, OWNER_TYPES } from '../../camera/register';
import type { Db } from '../db/connect';
import { recomputeCameraViews } from './views';

const demoCamerasSchema = z.object({
	cameras: z.array(
		z.object({
			name: z.string(),
			x: z.number(),
			y: z.number(),
			mountHeightM: z.number(),
			azimuthDeg: z.number(),
			tiltDeg: z.number(),
			hfovDeg: z.number(),
			resolutionPx: z.number().int(),
			maxRangeM: z.number(),
			kind: z.enum(CAMERA_KINDS),
			panMinDeg: z.number().optional(),
			panMaxDeg: z.number().optional(),
			ownerType: z.enum(OWNER_TYPES),
			operatorName: z.string(),
			contactEmail: z.string(),
			purpose: z.string(),
			legalBasis: z.enum(LEGAL_BASIS_VALUES),
			signage: z.boolean(),
			retentionDays: z.number().int(),
			status: z.enum(CAMERA_STATUSES),
			activeFrom: z.string().optional(),
			policeRegisteredOn: z.string().optional()
		})
	)
});

/**
 * Synthetic demo cameras (geodata/demo-cameras.json) beside the demo buildings, with their views,
 * when the register is empty. One INSERT … SELECT derives each municipality from the position.
 * The generated demo boundaries follow Natural Earth's coarse 1:10 m coast, which puts central
 * København's harbour front in the sea, so a demo camera takes the nearest municipality within
 * 1 km; with official DAGI boundaries every demo camera lies inside its municipality.
 */
export async function seedDemoCamerasIfEmpty(
	db: Db,
	geodataDir = join(process.cwd(), 'geodata')
): Promise<number> {
	const existing = await db.selectFrom('cameras').select('id').limit(1).executeTakeFirst();
	if (existing) return 0;
	const { cameras } = demoCamerasSchema.parse(
		JSON.parse(await readFile(join(geodataDir, 'demo-cameras.json'), 'utf8'))
	);
	return db.transaction().execute(async (trx) => {
		const inserted = await sql<{ id: string }>`
			INSERT INTO cameras (
				municipality_code, name, geom, mount_height_m, azimuth_deg, tilt_deg, hfov_deg, resolution_px,
				max_range_m, kind, pan_min_deg, pan_max_deg, owner_type, operator_name, contact_email, purpose,
				legal_basis, signage, retention_days, status, proposed_on, approved_on, active_from, police_registered_on
			)
			SELECT m.code, c.name, p.geom, c."mountHeightM", c."azimuthDeg", c."tiltDeg", c."hfovDeg", c."resolutionPx",
				c."maxRangeM", c.kind, c."panMinDeg", c."panMaxDeg", c."ownerType", c."operatorName", c."contactEmail",
				c.purpose, c."legalBasis", c.signage, c."retentionDays", c.status, DATE '2023-01-01',
				CASE WHEN c.status IN ('approved', 'active') THEN DATE '2023-02-01' END,
				c."activeFrom"::date, c."policeRegisteredOn"::date
			FROM jsonb_to_recordset(${JSON.stringify(cameras)}::jsonb) AS c(
				name text, x float8, y float8, "mountHeightM" real, "azimuthDeg" real, "tiltDeg" real, "hfovDeg" real,
				"resolutionPx" int, "maxRangeM" real, kind text, "panMinDeg" real, "panMaxDeg" real, "ownerType" text,
				"operatorName" text, "contactEmail" text, purpose text, "legalBasis" text, signage boolean,
				"retentionDays" int, status text, "activeFrom" text, "policeRegisteredOn" text
			)
			CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(c.x, c.y), 25832) AS geom) p
			CROSS JOIN LATERAL (
				SELECT code FROM municipalities
				WHERE ST_DWithin(geom, p.geom, 1000)
				ORDER BY ST_Distance(geom, p.geom), code
				LIMIT 1
			) m
			RETURNING id
		`.execute(trx);
		const ids = inserted.rows.map((r) => r.id);
		if (ids.length) await recomputeCameraViews(trx, ids);
		return ids.length;
	});
}
