import { fail } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { can } from '$lib/server/auth/policy';
import { auditActor } from '$lib/server/audit/actor';
import { listReferenceLayers } from '$lib/server/rules/service';
import { importReferenceLayer, ReferenceLayerImportError } from '$lib/server/rules/reference-layers';

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const SRS = ['EPSG:4326', 'EPSG:4258', 'EPSG:25832', 'EPSG:25833'] as const;
/** Problems sent to the page; the rest are counted. */
const SHOWN_PROBLEMS = 200;

/** 20 MB, or less when adapter-node's BODY_SIZE_LIMIT (512K unless set) is smaller. */
function fileLimit(): number {
	const value = (process.env.BODY_SIZE_LIMIT ?? '512K').trim();
	const unit = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[value.slice(-1).toUpperCase()];
	const body = unit ? Number(value.slice(0, -1)) * unit : Number(value);
	return Number.isFinite(body) && body > 0 ? Math.min(MAX_FILE_BYTES, body - 16 * 1024) : MAX_FILE_BYTES;
}

export async function load(event) {
	guard(event, 'rulesets.view', { type: 'public' });
	return {
		layers: await listReferenceLayers(getDb()),
		may: { import: can(event.locals.user, 'referenceLayers.import', { type: 'public' }) },
		srsOptions: SRS
	};
}

export const actions = {
	import: async (event) => {
		guard(event, 'referenceLayers.import', { type: 'public' });
		const lang = event.locals.lang;
		const form = await event.request.formData();
		const file = form.get('file');
		const kind = String(form.get('layer') ?? '');
		const srs = String(form.get('srs') ?? '');
		const replace = form.get('replace') === 'yes';
		const values = { layer: kind, srs, replace };
		const layers = await listReferenceLayers(getDb());
		if (!layers.some((l) => l.kind === kind))
			return fail(400, { values, error: translate(lang, 'rules.layers.unknownLayer') });
		if (!(file instanceof File) || file.size === 0)
			return fail(400, { values, error: translate(lang, 'rules.layers.noFile') });
		if (file.size > fileLimit())
			return fail(413, { values, error: translate(lang, 'rules.layers.tooLarge') });
		try {
			const result = await importReferenceLayer(getDb(), {
				kind,
				text: await file.text(),
				source: file.name,
				srs: (SRS as readonly string[]).includes(srs) ? srs : undefined,
				replace,
				actor: auditActor(event),
				lang
			});
			if (!result.ok)
				return fail(400, {
					values,
					error: translate(lang, 'rules.layers.failed'),
					problems: result.problems.slice(0, SHOWN_PROBLEMS),
					problemCount: result.problems.length
				});
			const name = layers.find((l) => l.kind === kind)!.name[lang];
			return {
				done: translate(lang, 'rules.layers.done', {
					count: result.report.imported,
					layer: name,
					deleted: result.report.deleted
				})
			};
		} catch (err) {
			if (err instanceof ReferenceLayerImportError) return fail(400, { values, error: err.message });
			throw err;
		}
	}
};
