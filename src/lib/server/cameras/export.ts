// The camera register as CSV or GeoJSON for whoever may read it: the rows the register list
// shows (cameraReadScope: planners their municipality in every status plus active cameras
// elsewhere, police their district likewise, ministry everything), with the list's filters.
// Read in keyset batches by id, so no request holds more than one batch. The columns are the
// ones the import reads, so an export can be imported again (see import.ts).
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/connect';
import type { CameraStatus, OwnerType } from '../db/schema';
import type { CameraReadScope } from '../auth/policy';
import { CAMERA_STATUSES, OWNER_TYPES } from '../../camera/register';
import { csvField } from './public';
import { textStream } from '../http/text-stream';
import { isoDate } from '../db/expressions';
import { CAMERA_ATTRIBUTE_COLUMNS, scopeCameras } from './queries';

export const EXPORT_BATCH_SIZE = 1000;

export interface CameraExportFilter {
	scope: CameraReadScope;
	municipalityCode?: number;
	status?: CameraStatus;
	ownerType?: OwnerType;
}

// The register list's URL parameters; a value that does not parse is ignored, as on the list.
const querySchema = z.object({
	kommune: z.coerce.number().int().min(100).max(999).optional().catch(undefined),
	status: z.enum(CAMERA_STATUSES).optional().catch(undefined),
	ejer: z.enum(OWNER_TYPES).optional().catch(undefined)
});

/** The list's filters (`kommune`, `status`, `ejer`) from a URL's query. */
export function exportFilterFromQuery(params: URLSearchParams): Omit<CameraExportFilter, 'scope'> {
	const q = querySchema.parse({
		kommune: params.get('kommune') || undefined,
		status: params.get('status') || undefined,
		ejer: params.get('ejer') || undefined
	});
	return { municipalityCode: q.kommune, status: q.status, ownerType: q.ejer };
}

export interface ExportedCamera {
	id: string;
	name: string;
	status: CameraStatus;
	lon: number;
	lat: number;
	kind: string;
	mountHeightM: number;
	azimuthDeg: number;
	tiltDeg: number;
	hfovDeg: number;
	focalLengthMm: number | null;
	sensorWidthMm: number | null;
	resolutionPx: number;
	maxRangeM: number;
	panMinDeg: number | null;
	panMaxDeg: number | null;
	ownerType: string;
	operatorName: string;
	contactEmail: string | null;
	contactPhone: string | null;
	purpose: string;
	legalBasis: string;
	signage: boolean;
	retentionDays: number;
	/** GeoJSON (WGS84) text. */
	privacyMasks: string | null;
	proposedOn: string | null;
	approvedOn: string | null;
	activeFrom: string | null;
	decommissionedOn: string | null;
	policeRegisteredOn: string | null;
	permitValidFrom: string | null;
	permitValidTo: string | null;
	municipalityCode: number;
	municipalityName: string;
}

/**
 * The export's columns in order, named as the import reads them. Positions are lon, lat in
 * WGS84 with 8 decimals (about 1 mm); the GeoJSON carries them as the geometry instead.
 */
export const EXPORT_COLUMNS = [
	'id',
	'name',
	'status',
	'lon',
	'lat',
	'kind',
	'mountHeightM',
	'azimuthDeg',
	'tiltDeg',
	'hfovDeg',
	'focalLengthMm',
	'sensorWidthMm',
	'resolutionPx',
	'maxRangeM',
	'panMinDeg',
	'panMaxDeg',
	'ownerType',
	'operatorName',
	'contactEmail',
	'contactPhone',
	'purpose',
	'legalBasis',
	'signage',
	'retentionDays',
	'privacyMasks',
	'proposedOn',
	'approvedOn',
	'activeFrom',
	'decommissionedOn',
	'policeRegisteredOn',
	'permitValidFrom',
	'permitValidTo',
	'municipalityCode',
	'municipalityName'
] as const satisfies readonly (keyof ExportedCamera)[];

/** The cameras a filter selects, in batches by id: each batch one indexed keyset query. */
export async function* exportBatches(
	db: Db,
	filter: CameraExportFilter,
	batchSize = EXPORT_BATCH_SIZE
): AsyncGenerator<ExportedCamera[]> {
	if (filter.scope.kind === 'none') return;
	let after: string | null = null;
	for (;;) {
		let query = scopeCameras(
			db.selectFrom('cameras as c').innerJoin('municipalities as m', 'm.code', 'c.municipality_code'),
			filter.scope
		);
		if (filter.municipalityCode !== undefined)
			query = query.where('c.municipality_code', '=', filter.municipalityCode);
		if (filter.status) query = query.where('c.status', '=', filter.status);
		if (filter.ownerType) query = query.where('c.owner_type', '=', filter.ownerType);
		if (after !== null) query = query.where('c.id', '>', after);
		const rows: ExportedCamera[] = await query
			.select([
				'c.id',
				'c.name',
				'c.status',
				sql<number>`round(ST_X(ST_Transform(c.geom, 4326))::numeric, 8)`.as('lon'),
				sql<number>`round(ST_Y(ST_Transform(c.geom, 4326))::numeric, 8)`.as('lat'),
				...CAMERA_ATTRIBUTE_COLUMNS,
				sql<string | null>`ST_AsGeoJSON(ST_Transform(c.privacy_masks, 4326), 9)`.as('privacyMasks'),
				isoDate('c.proposed_on').as('proposedOn'),
				isoDate('c.approved_on').as('approvedOn'),
				isoDate('c.active_from').as('activeFrom'),
				isoDate('c.decommissioned_on').as('decommissionedOn'),
				isoDate('c.police_registered_on').as('policeRegisteredOn'),
				isoDate('c.permit_valid_from').as('permitValidFrom'),
				isoDate('c.permit_valid_to').as('permitValidTo'),
				'c.municipality_code as municipalityCode',
				'm.name as municipalityName'
			])
			.orderBy('c.id')
			.limit(batchSize)
			.execute();
		if (rows.length > 0) yield rows;
		if (rows.length < batchSize) return;
		after = rows[rows.length - 1].id;
	}
}

async function* csvParts(db: Db, filter: CameraExportFilter, batchSize: number): AsyncGenerator<string> {
	// The byte order mark lets spreadsheet programs read æ, ø and å as UTF-8.
	yield '\uFEFF' + EXPORT_COLUMNS.join(',') + '\r\n';
	for await (const batch of exportBatches(db, filter, batchSize)) {
		yield batch.map((c) => EXPORT_COLUMNS.map((k) => csvField(c[k])).join(',')).join('\r\n') + '\r\n';
	}
}

/** The register as CSV: a header row with the import's column names, one camera per row. */
export function camerasCsv(
	db: Db,
	filter: CameraExportFilter,
	batchSize = EXPORT_BATCH_SIZE
): ReadableStream<Uint8Array> {
	return textStream(csvParts(db, filter, batchSize));
}

async function* geoJsonParts(db: Db, filter: CameraExportFilter, batchSize: number): AsyncGenerator<string> {
	yield '{"type":"FeatureCollection","features":[\n';
	let separator = '';
	for await (const batch of exportBatches(db, filter, batchSize)) {
		let chunk = '';
		for (const camera of batch) {
			const { lon, lat, privacyMasks, ...rest } = camera;
			const properties = { ...rest, privacyMasks: privacyMasks === null ? null : JSON.parse(privacyMasks) };
			const feature = {
				type: 'Feature',
				id: camera.id,
				geometry: { type: 'Point', coordinates: [lon, lat] },
				properties
			};
			chunk += separator + JSON.stringify(feature);
			separator = ',\n';
		}
		yield chunk;
	}
	yield '\n]}\n';
}

/** The register as a GeoJSON FeatureCollection of points (RFC 7946: longitude, latitude in WGS84). */
export function camerasGeoJson(
	db: Db,
	filter: CameraExportFilter,
	batchSize = EXPORT_BATCH_SIZE
): ReadableStream<Uint8Array> {
	return textStream(geoJsonParts(db, filter, batchSize));
}

/** A file name that says what the export holds, e.g. kameraer-101-active.csv. */
export function exportFileName(filter: Omit<CameraExportFilter, 'scope'>, ext: 'csv' | 'geojson'): string {
	const parts = ['kameraer', filter.municipalityCode, filter.status, filter.ownerType].filter(
		(p) => p !== undefined
	);
	return `${parts.join('-')}.${ext}`;
}
