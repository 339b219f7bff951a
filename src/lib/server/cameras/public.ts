// What the public may see of the camera register: active cameras of every owner type except
// private persons, with operator, purpose, retention and the operator's contact. Never proposals,
// never decommissioned cameras, never police-only fields (privacy masks, registration dates,
// optics). Downloads read the rows in keyset batches, so no request holds the whole table.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect';
import type { CameraKind, OwnerType } from '../db/schema';
import { textStream } from '../http/text-stream';
import { isoDate } from '../db/expressions';

export const PUBLIC_PAGE_SIZE = 25;
export const PUBLIC_BATCH_SIZE = 500;

/**
 * The one definition of a public camera, as a condition on the cameras table under `alias`.
 * The tile layers use it too; its wording matches the partial index cameras_public_geom_idx.
 */
export function publicCameraFilter(alias: string): RawBuilder<boolean> {
	return sql<boolean>`(${sql.ref(`${alias}.status`)} = 'active' AND ${sql.ref(`${alias}.owner_type`)} <> 'private')`;
}

export interface PublicCamera {
	id: string;
	name: string;
	municipalityCode: number;
	municipalityName: string;
	lon: number;
	lat: number;
	kind: CameraKind;
	ownerType: Exclude<OwnerType, 'private'>;
	operatorName: string;
	contactEmail: string | null;
	contactPhone: string | null;
	purpose: string;
	legalBasis: string;
	retentionDays: number;
	signage: boolean;
	activeFrom: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function publicCameras(db: Db) {
	return db
		.selectFrom('cameras as c')
		.innerJoin('municipalities as m', 'm.code', 'c.municipality_code')
		.where(publicCameraFilter('c'))
		.select([
			'c.id',
			'c.name',
			'c.municipality_code as municipalityCode',
			'm.name as municipalityName',
			sql<number>`round(ST_X(ST_Transform(c.geom, 4326))::numeric, 7)`.as('lon'),
			sql<number>`round(ST_Y(ST_Transform(c.geom, 4326))::numeric, 7)`.as('lat'),
			'c.kind',
			sql<PublicCamera['ownerType']>`c.owner_type`.as('ownerType'),
			'c.operator_name as operatorName',
			'c.contact_email as contactEmail',
			'c.contact_phone as contactPhone',
			'c.purpose',
			'c.legal_basis as legalBasis',
			'c.retention_days as retentionDays',
			'c.signage',
			isoDate('c.active_from').as('activeFrom')
		]);
}

export interface PublicCameraDetail extends PublicCamera {
	/** The stored view in EPSG:4326 as GeoJSON, and [west, south, east, north] of camera and view. */
	view: string | null;
	bounds: [number, number, number, number];
}

/** One public camera, or null when it does not exist or is not public. */
export async function getPublicCamera(db: Db, id: string): Promise<PublicCameraDetail | null> {
	if (!UUID.test(id)) return null;
	const row = await publicCameras(db)
		.leftJoin('camera_views as v', 'v.camera_id', 'c.id')
		.select([
			sql<string | null>`ST_AsGeoJSON(ST_Transform(v.view, 4326), 7)`.as('view'),
			sql<[number, number, number, number]>`(
				SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)]
				FROM (SELECT ST_Transform(ST_Envelope(ST_Collect(c.geom, coalesce(v.view, c.geom))), 4326) AS e) b
			)`.as('bounds')
		])
		.where('c.id', '=', id)
		.executeTakeFirst();
	return row ?? null;
}

export interface PublicCameraPage {
	cameras: PublicCamera[];
	page: number;
	pageSize: number;
	total: number;
}

/** A page of public cameras, by municipality code and name, optionally of one municipality. */
export async function listPublicCameras(
	db: Db,
	options: { page?: number; pageSize?: number; municipalityCode?: number | null } = {}
): Promise<PublicCameraPage> {
	const pageSize = options.pageSize ?? PUBLIC_PAGE_SIZE;
	const page = Math.max(1, Math.floor(options.page ?? 1));
	let query = publicCameras(db);
	if (options.municipalityCode != null)
		query = query.where('c.municipality_code', '=', options.municipalityCode);
	const rows = await query
		.select(sql<number>`count(*) OVER ()`.as('total'))
		.orderBy('c.municipality_code')
		.orderBy('c.name')
		.orderBy('c.id')
		.limit(pageSize)
		.offset((page - 1) * pageSize)
		.execute();
	const total = rows[0]?.total ?? (page > 1 ? await countPublicCameras(db, options.municipalityCode) : 0);
	return { cameras: rows.map(({ total: _, ...camera }) => camera), page, pageSize, total };
}

async function countPublicCameras(db: Db, municipalityCode?: number | null): Promise<number> {
	let query = db.selectFrom('cameras as c').where(publicCameraFilter('c'));
	if (municipalityCode != null) query = query.where('c.municipality_code', '=', municipalityCode);
	const row = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	return row.n;
}

/** Municipalities that have public cameras, with their number, for the filter. */
export async function publicCameraMunicipalities(db: Db) {
	return db
		.selectFrom('cameras as c')
		.innerJoin('municipalities as m', 'm.code', 'c.municipality_code')
		.where(publicCameraFilter('c'))
		.select(['m.code', 'm.name', (eb) => eb.fn.countAll<number>().as('cameras')])
		.groupBy(['m.code', 'm.name'])
		.orderBy('m.code')
		.execute();
}

/**
 * Every public camera in batches, ordered by id: each batch is one indexed keyset query (id after
 * the previous batch's last), so a camera is never sent twice and memory stays one batch.
 */
export async function* publicCameraBatches(
	db: Db,
	batchSize = PUBLIC_BATCH_SIZE
): AsyncGenerator<(PublicCamera & { geometry: string })[]> {
	let after: string | null = null;
	for (;;) {
		let query = publicCameras(db).select(
			sql<string>`ST_AsGeoJSON(ST_Transform(c.geom, 4326), 7)`.as('geometry')
		);
		if (after !== null) query = query.where('c.id', '>', after);
		const rows = await query.orderBy('c.id').limit(batchSize).execute();
		if (rows.length > 0) yield rows;
		if (rows.length < batchSize) return;
		after = rows[rows.length - 1].id;
	}
}

/** The download columns, in order; the same in the GeoJSON properties and the CSV. */
export const PUBLIC_COLUMNS = [
	['id', (c: PublicCamera) => c.id],
	['name', (c: PublicCamera) => c.name],
	['municipality_code', (c: PublicCamera) => c.municipalityCode],
	['municipality', (c: PublicCamera) => c.municipalityName],
	['kind', (c: PublicCamera) => c.kind],
	['owner_type', (c: PublicCamera) => c.ownerType],
	['operator_name', (c: PublicCamera) => c.operatorName],
	['contact_email', (c: PublicCamera) => c.contactEmail],
	['contact_phone', (c: PublicCamera) => c.contactPhone],
	['purpose', (c: PublicCamera) => c.purpose],
	['legal_basis', (c: PublicCamera) => c.legalBasis],
	['retention_days', (c: PublicCamera) => c.retentionDays],
	['signage', (c: PublicCamera) => c.signage],
	['active_from', (c: PublicCamera) => c.activeFrom]
] as const;

function properties(camera: PublicCamera): Record<string, unknown> {
	return Object.fromEntries(PUBLIC_COLUMNS.map(([name, value]) => [name, value(camera)]));
}

async function* geoJsonParts(db: Db, batchSize: number): AsyncGenerator<string> {
	yield '{"type":"FeatureCollection","features":[\n';
	let separator = '';
	for await (const batch of publicCameraBatches(db, batchSize)) {
		let chunk = '';
		for (const { geometry, ...camera } of batch) {
			chunk += `${separator}{"type":"Feature","id":${JSON.stringify(camera.id)},"geometry":${geometry},"properties":${JSON.stringify(properties(camera))}}`;
			separator = ',\n';
		}
		yield chunk;
	}
	yield '\n]}\n';
}

/** Public cameras as a GeoJSON FeatureCollection of points (RFC 7946: longitude, latitude in WGS84). */
export function publicCamerasGeoJson(db: Db, batchSize = PUBLIC_BATCH_SIZE): ReadableStream<Uint8Array> {
	return textStream(geoJsonParts(db, batchSize));
}

/**
 * A CSV field (RFC 4180). Text that a spreadsheet would run as a formula gets a leading
 * apostrophe; phone numbers such as "+45 33 66 33 66" are left alone.
 */
export function csvField(value: unknown): string {
	if (value === null || value === undefined) return '';
	let text = String(value);
	if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-][\d\s().-]*$/.test(text))) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function* csvParts(db: Db, batchSize: number): AsyncGenerator<string> {
	// The byte order mark lets spreadsheet programs read æ, ø and å as UTF-8.
	yield '\uFEFF' + [...PUBLIC_COLUMNS.map(([name]) => name), 'lon', 'lat'].join(',') + '\r\n';
	for await (const batch of publicCameraBatches(db, batchSize)) {
		yield (
			batch
				.map((camera) =>
					[...PUBLIC_COLUMNS.map(([, value]) => value(camera)), camera.lon, camera.lat]
						.map(csvField)
						.join(',')
				)
				.join('\r\n') + '\r\n'
		);
	}
}

/** Public cameras as CSV with a header row; positions as lon, lat in WGS84. */
export function publicCamerasCsv(db: Db, batchSize = PUBLIC_BATCH_SIZE): ReadableStream<Uint8Array> {
	return textStream(csvParts(db, batchSize));
}
