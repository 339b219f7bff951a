// Synthetic demo reference areas (housing areas, nightlife areas) in the town centres of
// København, Aarhus, Odense and Aalborg, so that rules about "near a housing area" and "by
// restaurants" have something to measure against before real layers are imported. Seeded when the
// reference layers are empty, like the other demo seeders; every feature is marked synthetic.
//
// Placed for the demo cameras: the Rådhuspladsen and Aalborg torvet cameras (§ 2 c) stand in or by
// a nightlife area; the Aalborg § 2 a proposal stands about 600 m from the nearest housing area
// (not allowed at 500 m, allowed at 750 m) and far from one with police-permitted CCTV. The
// generated demo boundaries put central København in the sea, so there only the Amager areas are
// stored; with official DAGI boundaries every area is.
import { sql } from 'kysely';
import type { Db } from '../db/connect';

interface DemoArea {
	name: string;
	/** Every layer the area belongs to: a housing area with a permit is also a housing area. */
	layers: ('housing_area' | 'housing_area_permit' | 'nightlife_area')[];
	municipality: number;
	/** Centre and size of the rectangle, EPSG:25832 metres. */
	x: number;
	y: number;
	width: number;
	height: number;
}

export const DEMO_AREAS: readonly DemoArea[] = [
	{
		name: 'Demo-natteliv Rådhuspladsen og Strøget',
		layers: ['nightlife_area'],
		municipality: 101,
		x: 724425,
		y: 6175850,
		width: 550,
		height: 220
	},
	{
		name: 'Demo-natteliv Amagerbrogade',
		layers: ['nightlife_area'],
		municipality: 101,
		x: 726631,
		y: 6174628,
		width: 300,
		height: 120
	},
	{
		name: 'Demo-boligområde Amager Øst (tv-tilladelse)',
		layers: ['housing_area', 'housing_area_permit'],
		municipality: 101,
		x: 726832,
		y: 6173803,
		width: 300,
		height: 250
	},
	{
		name: 'Demo-boligområde Nørrebro',
		layers: ['housing_area'],
		municipality: 101,
		x: 722706,
		y: 6178050,
		width: 300,
		height: 200
	},
	{
		name: 'Demo-boligområde Sydhavn (tv-tilladelse)',
		layers: ['housing_area', 'housing_area_permit'],
		municipality: 101,
		x: 722396,
		y: 6173016,
		width: 300,
		height: 250
	},
	{
		name: 'Demo-boligområde Vesterbro',
		layers: ['housing_area'],
		municipality: 101,
		x: 723650,
		y: 6175350,
		width: 200,
		height: 150
	},
	{
		name: 'Demo-natteliv Jomfru Ane Gade',
		layers: ['nightlife_area'],
		municipality: 851,
		x: 555735,
		y: 6323215,
		width: 170,
		height: 170
	},
	{
		name: 'Demo-boligområde Aalborg midtby øst',
		layers: ['housing_area'],
		municipality: 851,
		x: 556350,
		y: 6322800,
		width: 200,
		height: 200
	},
	{
		name: 'Demo-boligområde Aalborg Øst (tv-tilladelse)',
		layers: ['housing_area', 'housing_area_permit'],
		municipality: 851,
		x: 558254,
		y: 6322248,
		width: 400,
		height: 300
	},
	{
		name: 'Demo-natteliv Åboulevarden',
		layers: ['nightlife_area'],
		municipality: 751,
		x: 574965,
		y: 6224176,
		width: 300,
		height: 120
	},
	{
		name: 'Demo-boligområde Aarhus Vest (tv-tilladelse)',
		layers: ['housing_area', 'housing_area_permit'],
		municipality: 751,
		x: 570502,
		y: 6223911,
		width: 500,
		height: 400
	},
	{
		name: 'Demo-boligområde Aarhus Nord',
		layers: ['housing_area'],
		municipality: 751,
		x: 574700,
		y: 6225400,
		width: 250,
		height: 200
	},
	{
		name: 'Demo-natteliv Vestergade',
		layers: ['nightlife_area'],
		municipality: 461,
		x: 587453,
		y: 6139705,
		width: 250,
		height: 100
	},
	{
		name: 'Demo-boligområde Odense Øst (tv-tilladelse)',
		layers: ['housing_area', 'housing_area_permit'],
		municipality: 461,
		x: 590537,
		y: 6141348,
		width: 500,
		height: 400
	},
	{
		name: 'Demo-boligområde Odense Syd',
		layers: ['housing_area'],
		municipality: 461,
		x: 587600,
		y: 6138700,
		width: 250,
		height: 200
	}
];

/**
 * Stores the demo areas when no reference feature exists yet; returns how many features were
 * stored. The demo municipality boundaries are generated and coarse, so an area is only stored
 * where it lies wholly inside its municipality as stored (checked in SQL).
 */
export async function seedDemoReferenceLayersIfEmpty(db: Db): Promise<number> {
	return db.transaction().execute(async (trx) => {
		await sql`SELECT pg_advisory_xact_lock(hashtext('tryghedskort.reference_layers'))`.execute(trx);
		const existing = await trx.selectFrom('reference_features').select('id').limit(1).executeTakeFirst();
		if (existing) return 0;
		const rows = DEMO_AREAS.flatMap((a, i) =>
			a.layers.map((layer) => ({ ...a, layer, ref: `demo-${i + 1}` }))
		);
		const inserted = await sql<{ n: number }>`
			WITH stored AS (
				INSERT INTO reference_features (layer, name, source, source_ref, geom, properties, is_synthetic)
				SELECT a.layer, a.name, 'demo', a.ref, ST_Multi(box.geom),
					jsonb_build_object('municipality', a.municipality), true
				FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS a(
					layer text, name text, ref text, municipality smallint, x float8, y float8, width float8, height float8
				)
				CROSS JOIN LATERAL (
					SELECT ST_MakeEnvelope(a.x - a.width / 2, a.y - a.height / 2, a.x + a.width / 2, a.y + a.height / 2, 25832)
						AS geom
				) box
				JOIN municipalities m ON m.code = a.municipality AND ST_Within(box.geom, m.geom)
				JOIN reference_layers l ON l.kind = a.layer
				RETURNING 1
			)
			SELECT count(*)::integer AS n FROM stored
		`.execute(trx);
		return inserted.rows[0].n;
	});
}
