// The incident upload: the file is the request body (not a form), streamed into the import as it
// arrives, so a file of a million rows is never held in memory. Options are query parameters.
// The answer is JSON with the import's status (200, 400 bad rows, 403 rows outside the district,
// 411/413/415 for the request); with `Accept: application/x-ndjson` it is a stream of progress
// lines ending in that answer and the status it would have had, which the upload page shows.
import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { translate, type Lang } from '$lib/i18n';
import { NDJSON, type IncidentUploadAnswer, type IncidentUploadLine } from '$lib/incident-import';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { can } from '$lib/server/auth/policy';
import { auditActor } from '$lib/server/audit/actor';
import { formatBytes, incidentUploadLimit } from '$lib/server/http/body-limit';
import { refusedImportView } from '$lib/server/import/report';
import {
	importIncidents,
	type IncidentImportProgress,
	type IncidentImportResult
} from '$lib/server/incidents/import';

/** Errors sent back; the rest are counted. */
const SHOWN_ERRORS = 200;
/** At most one progress line this often. */
const PROGRESS_MS = 400;

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionsSchema = z.object({
	name: z.string().trim().min(1).max(255).default('upload.csv'),
	format: z.preprocess(blankToUndefined, z.enum(['csv', 'geojson']).optional()),
	srs: z.preprocess(blankToUndefined, z.enum(['EPSG:4326', 'EPSG:25832', 'EPSG:25833']).optional()),
	source: z.preprocess(blankToUndefined, z.string().trim().max(200).optional())
});

function failed(status: number, message: string) {
	return json({ ok: false, message } satisfies IncidentUploadAnswer, { status });
}

function answerOf(result: IncidentImportResult, file: string, lang: Lang): [number, IncidentUploadAnswer] {
	if (result.ok)
		return [
			200,
			{
				ok: true,
				file,
				format: result.format,
				rows: result.rows,
				imported: result.imported,
				duplicates: result.duplicates,
				municipalities: result.municipalities,
				durationMs: result.durationMs
			}
		];
	return [
		result.forbidden ? 403 : 400,
		{ ok: false, ...refusedImportView(file, result, lang), forbidden: result.forbidden }
	];
}

/** Reads what the import left of the body, so the client gets the answer instead of a reset connection. */
async function drain(body: ReadableStream<Uint8Array>): Promise<void> {
	try {
		const reader = body.getReader();
		while (!(await reader.read()).done);
	} catch {
		// The client went away or sent more than it announced: nothing left to answer.
	}
}

/** What an import that stopped on the request (not the file) answers. */
function unexpected(e: unknown, lang: Lang): [number, IncidentUploadAnswer] {
	const status = (e as { status?: unknown })?.status;
	if (status === 413)
		return [
			413,
			{
				ok: false,
				message: translate(lang, 'import.error.tooLarge', { size: formatBytes(incidentUploadLimit(), lang) })
			}
		];
	const code = (e as NodeJS.ErrnoException)?.code;
	if (code === 'ECONNRESET' || /aborted/i.test((e as Error)?.message ?? '')) {
		// The upload stopped half-way (the page was closed): the transaction was rolled back.
		console.warn(`POST /haendelser/import/upload: the upload ended early (${(e as Error).message})`);
		return [400, { ok: false, message: translate(lang, 'incimport.error.network') }];
	}
	const id = crypto.randomUUID();
	console.error(`[${id}] POST /haendelser/import/upload:`, e);
	return [500, { ok: false, message: translate(lang, 'error.internal', { id }) }];
}

export async function POST(event) {
	const { request, url, locals } = event;
	const user = locals.user;
	guard(event, 'incidents.import', { type: 'policeDistrict', number: user?.policeDistrict ?? null });
	const lang = locals.lang;
	// Not a form, so SvelteKit's CSRF check does not apply: a browser's cross-site request says so.
	const origin = request.headers.get('origin');
	if (origin !== null && origin !== url.origin) return failed(403, translate(lang, 'error.forbidden'));

	const parsed = optionsSchema.safeParse(Object.fromEntries(url.searchParams));
	if (!parsed.success)
		return failed(
			400,
			translate(lang, 'incimport.error.option', { option: String(parsed.error.issues[0].path[0]) })
		);
	const options = parsed.data;
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	if (type.startsWith('multipart/') || type.startsWith('application/x-www-form-urlencoded'))
		return failed(415, translate(lang, 'incimport.error.contentType'));
	const length = request.headers.get('content-length');
	if (length === null || !/^\d+$/.test(length))
		return failed(411, translate(lang, 'incimport.error.lengthRequired'));
	const limit = incidentUploadLimit();
	if (Number(length) > limit)
		return failed(413, translate(lang, 'import.error.tooLarge', { size: formatBytes(limit, lang) }));
	const body = request.body;
	if (Number(length) === 0 || body === null) return failed(400, translate(lang, 'import.error.noFile'));

	const run = async (
		onProgress?: (p: IncidentImportProgress) => void
	): Promise<[number, IncidentUploadAnswer]> => {
		try {
			const result = await importIncidents(getDb(), body, {
				name: options.name,
				format: options.format,
				srs: options.srs,
				source: options.source,
				actor: auditActor(event),
				authorize: (action, resource) => can(user, action, resource),
				maxErrors: SHOWN_ERRORS,
				onProgress
			});
			return answerOf(result, options.name, lang);
		} catch (e) {
			return unexpected(e, lang);
		} finally {
			await drain(body);
		}
	};

	if (!(request.headers.get('accept') ?? '').includes(NDJSON)) {
		const [status, answer] = await run();
		return json(answer, { status });
	}

	const encoder = new TextEncoder();
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			// Lines are queued, never awaited: a client that reads the answer only after sending the
			// whole file must not hold the import up (a few lines a second, a few kB in all).
			const send = (line: IncidentUploadLine) => {
				try {
					controller.enqueue(encoder.encode(JSON.stringify(line) + '\n'));
				} catch {
					// The client has gone; the import ends when its body does.
				}
			};
			let last = 0;
			void run((p) => {
				const now = Date.now();
				if (now - last < PROGRESS_MS) return;
				last = now;
				send({ type: 'progress', ...p });
			}).then(([status, answer]) => {
				send({ type: 'result', status, answer });
				try {
					controller.close();
				} catch {
					// Cancelled by the client.
				}
			});
		}
	});
	return new Response(stream, {
		headers: { 'content-type': `${NDJSON}; charset=utf-8`, 'cache-control': 'no-store' }
	});
}
