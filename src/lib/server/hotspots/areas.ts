import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect';
import type { Resource } from '../auth/policy';
import type { Lang } from '../../i18n';
import type { StudyArea } from '../../hotspots';

export interface ResolvedArea {
	area: StudyArea;
	name: string;
	/** What the policy is asked about. */
	resource: Resource;
}

/** The study area with its name and policy resource, or null when no such municipality or district exists. */
export async function resolveStudyArea(db: Db, area: StudyArea, lang: Lang): Promise<ResolvedArea | null> {
	switch (area.kind) {
		case 'country':
			return {
				area,
				name: lang === 'da' ? 'Hele landet' : 'The whole country',
				resource: { type: 'country' }
			};
		case 'district': {
			const row = await db
				.selectFrom('police_districts')
				.select('name')
				.where('number', '=', area.number)
				.executeTakeFirst();
			return row ? { area, name: row.name, resource: { type: 'policeDistrict', number: area.number } } : null;
		}
		case 'municipality': {
			const row = await db
				.selectFrom('municipalities')
				.select(['name', 'police_district'])
				.where('code', '=', area.code)
				.executeTakeFirst();
			return row
				? {
						area,
						name: row.name,
						resource: { type: 'municipality', code: area.code, policeDistrict: row.police_district }
					}
				: null;
		}
	}
}

/** A condition on municipalities `m` selecting the study area's municipalities. */
export function areaMunicipalities(area: StudyArea): RawBuilder<boolean> {
	switch (area.kind) {
		case 'country':
			return sql<boolean>`true`;
		case 'district':
			return sql<boolean>`m.police_district = ${area.number}`;
		case 'municipality':
			return sql<boolean>`m.code = ${area.code}`;
	}
}

/** The study area's extent in WGS84 degrees, or null when it has no municipalities. */
export async function studyAreaBounds(
	db: Db,
	area: StudyArea
): Promise<[number, number, number, number] | null> {
	const { rows } = await sql<{ w: number | null; s: number; e: number; n: number }>`
		SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
		FROM (SELECT ST_Transform(ST_SetSRID(ST_Extent(m.geom)::geometry, 25832), 4326) AS b
			FROM municipalities m WHERE ${areaMunicipalities(area)}) x
	`.execute(db);
	const b = rows[0];
	return b && b.w !== null ? [b.w, b.s, b.e, b.n] : null;
}
