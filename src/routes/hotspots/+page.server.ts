import { error } from '@sveltejs/kit';
import { env } from '$env/dynamic/public';
import { translate, type Lang } from '$lib/i18n';
import { DEFAULT_CELL_SIZE, studyAreaSchema } from '$lib/hotspots';
import { danishToday } from '$lib/dates';
import { defaultPeriod, parseHotspotState, type HotspotPageState } from '$lib/map/hotspot-state';
import { getDb } from '$lib/server/db';
import type { Db } from '$lib/server/db/connect';
import { guard } from '$lib/server/auth/guard';
import type { SessionUser } from '$lib/server/auth/session';
import { resolveStudyArea, studyAreaBounds } from '$lib/server/hotspots/areas';
import { listIncidentCategories } from '$lib/server/incidents/categories';
import { boundariesAreDemo } from '$lib/server/municipalities/queries';

export interface AreaOption {
	value: string;
	label: string;
	group: 'country' | 'district' | 'municipality';
}

/** Where an analysis opens: the planner's municipality, the police reviewer's district, else the country. */
function defaultArea(user: SessionUser | null): string {
	if (user?.role === 'planner' && user.municipalityCode !== null)
		return `municipality:${user.municipalityCode}`;
	if (user?.role === 'police' && user.policeDistrict !== null) return `district:${user.policeDistrict}`;
	return 'country';
}

/** The study areas the user may choose, as the policy's hotspotViewer allows them. */
async function areaOptions(db: Db, user: SessionUser, lang: Lang): Promise<AreaOption[]> {
	const municipalities = db.selectFrom('municipalities').select(['code', 'name']).orderBy('name');
	if (user.role === 'planner') {
		const rows = await municipalities.where('code', '=', user.municipalityCode!).execute();
		return rows.map((m) => ({ value: `municipality:${m.code}`, label: m.name, group: 'municipality' }));
	}
	const districts = db.selectFrom('police_districts').select(['number', 'name']).orderBy('number');
	if (user.role === 'police') {
		const [district, members] = await Promise.all([
			districts.where('number', '=', user.policeDistrict!).execute(),
			municipalities.where('police_district', '=', user.policeDistrict!).execute()
		]);
		return [
			...district.map((d) => ({
				value: `district:${d.number}`,
				label: translate(lang, 'hotspot.area.wholeDistrict', { name: d.name }),
				group: 'district' as const
			})),
			...members.map((m) => ({
				value: `municipality:${m.code}`,
				label: m.name,
				group: 'municipality' as const
			}))
		];
	}
	const [allDistricts, allMunicipalities] = await Promise.all([
		districts.execute(),
		municipalities.execute()
	]);
	return [
		{ value: 'country', label: translate(lang, 'hotspot.area.country'), group: 'country' },
		...allDistricts.map((d) => ({
			value: `district:${d.number}`,
			label: d.name,
			group: 'district' as const
		})),
		...allMunicipalities.map((m) => ({
			value: `municipality:${m.code}`,
			label: m.name,
			group: 'municipality' as const
		}))
	];
}

export async function load(event) {
	const { locals, url } = event;
	const lang = locals.lang;
	const db = getDb();
	const today = danishToday();
	const defaults: HotspotPageState = {
		area: defaultArea(locals.user),
		cell: DEFAULT_CELL_SIZE,
		...defaultPeriod(today),
		categories: [],
		view: 'gistar',
		survey: false
	};
	// Whether the user may see hotspots at all (public → sign in, admin → 403), before reading the URL.
	const home = await resolveStudyArea(db, studyAreaSchema.parse(defaults.area), lang);
	guard(event, 'hotspots.view', home?.resource ?? { type: 'public' });

	const parsed = parseHotspotState(url.searchParams, defaults);
	if (!parsed.ok) error(400, translate(lang, 'hotspot.error.param', { message: parsed.message }));
	const state = parsed.state;
	const area = await resolveStudyArea(db, studyAreaSchema.parse(state.area), lang);
	if (!area) error(404, translate(lang, 'hotspot.error.area', { area: state.area }));
	guard(event, 'hotspots.view', area.resource);

	const [categories, areas, bounds, demoBoundaries] = await Promise.all([
		listIncidentCategories(db, lang),
		areaOptions(db, locals.user!, lang),
		studyAreaBounds(db, studyAreaSchema.parse(state.area)),
		boundariesAreDemo(db)
	]);
	const unknown = state.categories.filter((c) => !categories.some((k) => k.code === c));
	if (unknown.length)
		error(400, translate(lang, 'hotspot.error.categories', { categories: unknown.join(', ') }));
	return {
		state,
		defaults,
		today,
		areas,
		categories,
		bounds,
		demoBoundaries,
		basemapStyleUrl: env.PUBLIC_BASEMAP_STYLE_URL || null
	};
}
