// Request body sizes. adapter-node has one limit for every route (BODY_SIZE_LIMIT, which
// scripts/cli/start.ts raises for the incident upload); this hook holds every other route to
// BODY_LIMIT before anything reads the body, so that a form action never buffers a huge request.
import type { Handle } from '@sveltejs/kit';
import { translate } from '../../i18n';

/** Every request body except the streamed uploads: the camera import's 20 MB file and its form. */
export const BODY_LIMIT = 21 * 1024 ** 2;

/** The incident upload streams its body into the import; it checks its own limit (INCIDENT_UPLOAD_LIMIT). */
export const INCIDENT_UPLOAD_PATH = '/haendelser/import/upload';

/** The largest incident file: a million rows are 60–100 MB. */
export const INCIDENT_UPLOAD_LIMIT = 200 * 1024 ** 2;

const STREAMED = new Set([INCIDENT_UPLOAD_PATH]);

/** adapter-node's BODY_SIZE_LIMIT in bytes (512K when unset, as adapter-node reads it). */
export function adapterBodyLimit(value = process.env.BODY_SIZE_LIMIT): number {
	const text = (value ?? '512K').trim();
	if (/^infinity$/i.test(text)) return Number.POSITIVE_INFINITY;
	const unit = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[text.slice(-1).toUpperCase()];
	const bytes = unit ? Number(text.slice(0, -1)) * unit : Number(text);
	return Number.isFinite(bytes) && bytes > 0 ? bytes : 512 * 1024;
}

/** The largest incident file: INCIDENT_UPLOAD_LIMIT, or less when BODY_SIZE_LIMIT is smaller. */
export function incidentUploadLimit(): number {
	return Math.min(INCIDENT_UPLOAD_LIMIT, adapterBodyLimit());
}

/** A size as people read it: 20 MB, 512 KB. */
export function formatBytes(bytes: number, lang: 'da' | 'en'): string {
	const mb = bytes / 1024 ** 2;
	const n = mb >= 1 ? mb : bytes / 1024;
	const text = new Intl.NumberFormat(lang === 'da' ? 'da-DK' : 'en-GB', { maximumFractionDigits: 1 }).format(
		n
	);
	return `${text} ${mb >= 1 ? 'MB' : 'KB'}`;
}

export const bodyLimit: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	if (request.method === 'GET' || request.method === 'HEAD' || STREAMED.has(url.pathname))
		return resolve(event);
	const length = request.headers.get('content-length');
	const lang = event.locals.lang ?? 'da';
	if (length === null && request.headers.has('transfer-encoding'))
		return new Response(translate(lang, 'error.lengthRequired'), { status: 411 });
	if (length !== null && Number(length) > BODY_LIMIT)
		return new Response(translate(lang, 'error.bodyTooLarge', { size: formatBytes(BODY_LIMIT, lang) }), {
			status: 413
		});
	return resolve(event);
};
