import type { Db } from '../db/connect';

/** A municipality as an authorization resource: its own code and the police district it lies in. */
export async function municipalityResource(db: Db, code: number) {
	const row = await db
		.selectFrom('municipalities')
		.select(['code', 'police_district'])
		.where('code', '=', code)
		.executeTakeFirst();
	return row ? { type: 'municipality' as const, code: row.code, policeDistrict: row.police_district } : null;
}

export async function municipalityMembers(db: Db, code: number) {
	return db
		.selectFrom('users')
		.select(['name', 'email'])
		.where('municipality_code', '=', code)
		.where('disabled_at', 'is', null)
		.orderBy('name')
		.limit(200)
		.execute();
}
