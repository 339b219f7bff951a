import { error } from '@sveltejs/kit';
import { env } from '$env/dynamic/public';
import { translate, type Lang, type MessageKey } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { recordAudit } from '$lib/server/audit/service';
import { auditActor } from '$lib/server/audit/actor';
import { guard } from '$lib/server/auth/guard';
import { can } from '$lib/server/auth/policy';
import {
	FootageInputError,
	danishNow,
	footageIssue,
	footageQuerySchema,
	locateSpot,
	searchFootage
} from '$lib/server/cameras/footage';
import { boundariesAreDemo, getPoliceDistrict } from '$lib/server/municipalities/queries';
import { DEFAULT_LEVEL_TABLE, levelTables } from '$lib/camera/density-levels';

const FIELDS = ['where', 'lon', 'lat', 'area', 'when', 'at', 'from', 'to', 'levels'] as const;

/** 400 with the field's label in front of the message. */
function fieldError(lang: Lang, field: string, message: string): never {
	const label = (FIELDS as readonly string[]).includes(field)
		? translate(lang, `footage.field.${field}` as MessageKey)
		: field;
	error(400, translate(lang, 'footage.error.field', { field: label, message }));
}

export async function load(event) {
	const { locals, url } = event;
	// Opening the finder is a search in one's own district; the spot is checked again below.
	guard(event, 'footage.search', { type: 'policeDistrict', number: locals.user?.policeDistrict ?? null });
	const lang = locals.lang;
	const db = getDb();
	const [district, demoBoundaries] = await Promise.all([
		getPoliceDistrict(db, locals.user!.policeDistrict!),
		boundariesAreDemo(db)
	]);
	const values = Object.fromEntries(FIELDS.map((f) => [f, url.searchParams.get(f) ?? ''])) as Record<
		(typeof FIELDS)[number],
		string
	>;
	const common = {
		district,
		values,
		now: danishNow(),
		levelTables: levelTables.map((t) => ({ id: t.id, name: t.name[lang] })),
		defaultLevelTable: DEFAULT_LEVEL_TABLE,
		demoBoundaries,
		basemapStyleUrl: env.PUBLIC_BASEMAP_STYLE_URL || null
	};
	// Without `sog` the form is only filled in (from a link that corrects a search), not run.
	if (!url.searchParams.has('sog')) return { ...common, place: null, result: null };

	const parsed = footageQuerySchema(common.now).safeParse(Object.fromEntries(url.searchParams));
	if (!parsed.success) {
		const { field, message } = footageIssue(parsed.error, lang);
		fieldError(lang, field, message);
	}
	const query = parsed.data;
	let place;
	try {
		place = await locateSpot(db, query.spot);
	} catch (e) {
		if (e instanceof FootageInputError) fieldError(lang, e.field, translate(lang, e.key, e.vars));
		throw e;
	}
	const outside = place.municipalities.find(
		(m) =>
			!can(locals.user, 'footage.search', {
				type: 'municipality',
				code: m.code,
				policeDistrict: m.policeDistrict
			})
	);
	if (outside) {
		error(
			403,
			translate(lang, 'footage.error.otherDistrict', {
				municipality: outside.name,
				district: outside.policeDistrictName ?? '?',
				own: district?.name ?? String(locals.user!.policeDistrict)
			})
		);
	}
	const districts = [...new Set(place.municipalities.map((m) => m.policeDistrict!))];
	const result = await searchFootage(db, query, { districts });
	// Who looked for footage of which place and time is itself sensitive: keep a record.
	await recordAudit(db, auditActor(event), {
		action: 'footage.search',
		objectType: 'footage_search',
		objectId: place.municipalities.map((m) => m.code).join(','),
		municipalityCode: place.municipalities[0]?.code ?? null,
		after: { spot: query.spot, from: query.from, to: query.to, hits: result.hits.length }
	});
	const table = levelTables.find((t) => t.id === query.levelTable)!;
	return {
		...common,
		place,
		result: {
			...result,
			period: query.from !== query.to,
			hits: result.hits.map((hit) => ({
				...hit,
				levelName: table.levels.find((l) => l.id === hit.levelId)?.name[lang] ?? null
			}))
		}
	};
}
