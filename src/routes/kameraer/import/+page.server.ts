import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { auditActor } from '$lib/server/audit/actor';
import { translate } from '$lib/i18n';
import { importCameras, type CameraImportFormat } from '$lib/server/cameras/import';
import { refusedImportView } from '$lib/server/import/report';
import { can } from '$lib/server/auth/policy';
import { creationResource } from '../forms.server';

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const FORMATS = ['csv', 'geojson'] as const;
const SRS = ['EPSG:4326', 'EPSG:25832', 'EPSG:25833'] as const;
/** Errors sent to the page; the rest are counted. */
const SHOWN_ERRORS = 200;

/**
 * The largest file accepted: 20 MB, or less when adapter-node's BODY_SIZE_LIMIT (the whole
 * request body, 512K unless set) is smaller, minus room for the form's other parts.
 */
function fileLimit(): number {
	const value = (process.env.BODY_SIZE_LIMIT ?? '512K').trim();
	const unit = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[value.slice(-1).toUpperCase()];
	const body = unit ? Number(value.slice(0, -1)) * unit : Number(value);
	return Number.isFinite(body) && body > 0 ? Math.min(MAX_FILE_BYTES, body - 16 * 1024) : MAX_FILE_BYTES;
}

function formatSize(bytes: number, lang: 'da' | 'en'): string {
	const mb = bytes / 1024 ** 2;
	const n = mb >= 1 ? mb : bytes / 1024;
	const text = new Intl.NumberFormat(lang === 'da' ? 'da-DK' : 'en-GB', { maximumFractionDigits: 1 }).format(
		n
	);
	return `${text} ${mb >= 1 ? 'MB' : 'KB'}`;
}

export async function load(event) {
	const db = getDb();
	guard(event, 'cameras.import', await creationResource(db, event.locals.user));
	const municipality = await db
		.selectFrom('municipalities')
		.select(['code', 'name'])
		.where('code', '=', event.locals.user!.municipalityCode!)
		.executeTakeFirstOrThrow();
	const limit = fileLimit();
	return { municipality, limitBytes: limit, limit: formatSize(limit, event.locals.lang) };
}

export const actions = {
	default: async (event) => {
		const db = getDb();
		guard(event, 'cameras.import', await creationResource(db, event.locals.user));
		const lang = event.locals.lang;
		const form = await event.request.formData();
		const file = form.get('file');
		const format = String(form.get('format') ?? '');
		const srs = String(form.get('srs') ?? '');
		if (!(file instanceof File) || file.size === 0)
			return fail(400, { error: translate(lang, 'import.error.noFile') });
		if (file.size > fileLimit())
			return fail(413, {
				error: translate(lang, 'import.error.tooLarge', { size: formatSize(fileLimit(), lang) })
			});

		const result = await importCameras(db, file.stream(), {
			name: file.name,
			format: (FORMATS as readonly string[]).includes(format) ? (format as CameraImportFormat) : undefined,
			srs: (SRS as readonly string[]).includes(srs) ? srs : undefined,
			actor: auditActor(event),
			authorize: (action, resource) => can(event.locals.user, action, resource),
			maxErrors: SHOWN_ERRORS
		});
		if (!result.ok) {
			// Rows the policy refuses (another municipality, a status only the police may set) make it a 403.
			return fail(result.forbidden ? 403 : 400, {
				report: refusedImportView(file.name, result, lang)
			});
		}
		return {
			imported: {
				file: file.name,
				count: result.imported,
				municipalities: result.municipalities
			}
		};
	}
};
