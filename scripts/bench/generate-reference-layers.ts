// Deterministic synthetic reference layers for the rule benchmarks: housing areas (a third of them
// with police-permitted CCTV) and nightlife areas, placed beside generated cameras ("Bench <i>",
// see generate-cameras.ts; i is the camera's number) so that the distances the rules measure
// spread over their thresholds (§ 2 a: 500 m, and 750 m in the ministry's what-if; § 2 c: 50 m).
// Each area is a rotated rectangle whose near edge lies a derived distance from its anchor camera
// (negative: the camera stands inside), in a derived direction. Areas whose centre falls outside
// every municipality (in the sea) are dropped. One INSERT … SELECT per layer.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../src/lib/server/db/connect';

export interface GeneratedReferenceLayers {
	housing_area: number;
	housing_area_permit: number;
	nightlife_area: number;
}

export const BENCH_REFERENCE_SOURCE = 'bench';

interface Placement {
	layer: keyof GeneratedReferenceLayers;
	/** Anchor cameras: a condition on their number i, owner_type and legal_basis. */
	anchors: RawBuilder<boolean>;
	/** Distance (m) from the camera to the area's near edge. */
	edge: RawBuilder<number>;
	width: RawBuilder<number>;
	height: RawBuilder<number>;
}

// Anchors are chosen by the cameras' attributes (after varyRuleAttributes in rule-evaluation.ts
// made legal bases fit owners) and by hashes of their number (hashint8 with a salt, so that the
// choice does not move in step with the generator's owner-type cycle): half of the municipal
// § 2 a and § 2 c cameras get an area of their own; other anchors add areas that some other
// cameras happen to stand near.
const h = (salt: number, mod: number) => sql.raw(`(abs(hashint8(i * 8 + ${salt})::bigint) % ${mod})`);
const housingAnchor = sql<boolean>`((owner_type = 'municipality' AND legal_basis = '§ 2 a' AND ${h(1, 2)} = 0) OR ${h(2, 50)} = 1)`;
const housingShape = {
	// Edge −100 … 1000 m: around both 500 m and 750 m.
	edge: sql<number>`${h(3, 1100)} - 100`,
	width: sql<number>`150 + ${h(4, 350)}`,
	height: sql<number>`120 + ${h(5, 280)}`
};
const PLACEMENTS: Placement[] = [
	{ layer: 'housing_area', anchors: housingAnchor, ...housingShape },
	{
		// A third of those housing areas (the same polygons) also had police-permitted CCTV.
		layer: 'housing_area_permit',
		anchors: sql<boolean>`${housingAnchor} AND ${h(6, 3)} = 0`,
		...housingShape
	},
	{
		// Edge −20 … 100 m: around § 2 c's 50 m.
		layer: 'nightlife_area',
		anchors: sql<boolean>`((owner_type = 'municipality' AND legal_basis = '§ 2 c' AND ${h(7, 2)} = 0) OR ${h(8, 100)} = 13)`,
		edge: sql<number>`${h(9, 120)} - 20`,
		width: sql<number>`60 + ${h(10, 140)}`,
		height: sql<number>`40 + ${h(11, 100)}`
	}
];

/** Stores the synthetic areas (replacing earlier bench ones) and returns the counts per layer. */
export async function generateReferenceLayers(db: Db): Promise<GeneratedReferenceLayers> {
	return db.transaction().execute(async (trx) => {
		await sql`DELETE FROM reference_features WHERE source = ${BENCH_REFERENCE_SOURCE}`.execute(trx);
		const counts = {} as GeneratedReferenceLayers;
		for (const p of PLACEMENTS) {
			const { rows } = await sql<{ n: number }>`
				WITH anchors AS (
					SELECT substr(name, 7)::bigint AS i, owner_type, legal_basis, geom FROM cameras
					WHERE name ~ '^Bench [0-9]+$'
				), placed AS (
					SELECT i, (${p.width})::float8 AS w, (${p.height})::float8 AS h,
						radians(${h(12, 360)}) AS theta, (${p.edge})::float8 AS edge, geom
					FROM anchors WHERE ${p.anchors}
				), shaped AS (
					-- The centre lies edge + half the depth towards theta, so the near edge is about
					-- edge metres from the camera (exactly so for an unrotated, axis-facing box).
					SELECT i, ST_Rotate(
						ST_MakeEnvelope(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, 25832),
						theta, ST_SetSRID(ST_MakePoint(cx, cy), 25832)) AS geom,
						ST_SetSRID(ST_MakePoint(cx, cy), 25832) AS centre
					FROM placed,
						LATERAL (SELECT ST_X(geom) + (edge + h / 2) * sin(theta) AS cx,
							ST_Y(geom) + (edge + h / 2) * cos(theta) AS cy) c
				), stored AS (
					INSERT INTO reference_features (layer, name, source, source_ref, geom, is_synthetic)
					SELECT ${p.layer}, ${p.layer === 'nightlife_area' ? 'Bench-natteliv ' : 'Bench-boligområde '} || i,
						${BENCH_REFERENCE_SOURCE}, 'bench-' || i, ST_Multi(s.geom), true
					FROM shaped s
					WHERE EXISTS (SELECT 1 FROM municipalities m WHERE ST_Intersects(m.geom, s.centre))
					RETURNING 1
				)
				SELECT count(*)::integer AS n FROM stored
			`.execute(trx);
			counts[p.layer] = rows[0].n;
		}
		return counts;
	});
}
