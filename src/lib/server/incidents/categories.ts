import type { Db } from '../db/connect';
import type { Lang } from '../../i18n';

export interface IncidentCategory {
	code: string;
	name: string;
}

/** The incident categories (data, not code: the `incident_categories` table), in their order, named in `lang`. */
export async function listIncidentCategories(db: Db, lang: Lang): Promise<IncidentCategory[]> {
	const rows = await db
		.selectFrom('incident_categories')
		.select(['code', 'name_da', 'name_en'])
		.orderBy('sort_order')
		.execute();
	return rows.map((r) => ({ code: r.code, name: lang === 'da' ? r.name_da : r.name_en }));
}
