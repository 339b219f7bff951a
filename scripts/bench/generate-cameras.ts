// Deterministic synthetic cameras spread over the country, for benchmarks: ST_GeneratePoints
// with a fixed seed inside each municipality (in proportion to its area), parameters derived
// from the row number. One INSERT ... SELECT, no per-camera round trips.
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db/connect';

export async function generateCameras(db: Db, count: number, seed = 2026): Promise<number> {
	const result = await sql<{ n: number }>`
		WITH shares AS (
			SELECT code, geom,
				greatest(1, ceil(${count}::numeric * ST_Area(geom) / sum(ST_Area(geom)) OVER ()))::int AS n
			FROM municipalities
		), points AS (
			SELECT s.code, (ST_Dump(ST_GeneratePoints(s.geom, s.n, ${seed}))).geom AS geom
			FROM shares s
		), numbered AS (
			SELECT code, geom, row_number() OVER (ORDER BY code, ST_X(geom), ST_Y(geom)) AS i FROM points
		), inserted AS (
			INSERT INTO cameras (
				municipality_code, name, geom, mount_height_m, azimuth_deg, tilt_deg, hfov_deg, resolution_px,
				max_range_m, kind, pan_min_deg, pan_max_deg, owner_type, operator_name, contact_email, purpose,
				legal_basis, signage, retention_days, status, proposed_on, active_from
			)
			SELECT code, 'Bench ' || i, geom,
				3 + (i % 7),
				(i * 37) % 360,
				5 + (i % 30),
				CASE WHEN i % 10 = 0 THEN 360 ELSE 30 + (i % 7) * 12 END,
				(ARRAY[1280, 1920, 2688, 3840])[1 + (i % 4)::int],
				40 + (i % 9) * 15,
				CASE WHEN i % 10 = 0 THEN 'dome' WHEN i % 10 = 5 THEN 'ptz' ELSE 'fixed' END,
				CASE WHEN i % 10 = 5 THEN ((i * 37) % 360 + 315) % 360 END,
				CASE WHEN i % 10 = 5 THEN ((i * 37) % 360 + 45) % 360 END,
				(ARRAY['municipality', 'police', 'public_authority', 'housing_organisation', 'business', 'private'])[1 + (i % 6)::int],
				'Operatør ' || (i % 500),
				'kontakt' || (i % 500) || '@example.dk',
				'Tryghed',
				(ARRAY['§ 2 a', '§ 2 c', '§ 2 d', '§ 2 stk. 2', '§ 2 stk. 1 nr. 3'])[1 + (i % 5)::int],
				i % 3 <> 0,
				(ARRAY[7, 14, 30, 30, 30])[1 + (i % 5)::int],
				(ARRAY['proposed', 'approved', 'active', 'active', 'active', 'decommissioned'])[1 + (i % 6)::int],
				DATE '2024-01-01' + (i % 600)::int,
				DATE '2024-06-01' + (i % 500)::int
			FROM numbered
			WHERE i <= ${count}
			RETURNING 1
		)
		SELECT count(*)::int AS n FROM inserted
	`.execute(db);
	return result.rows[0].n;
}
