// Reading stored impact analyses (see impact.ts): the list of analyses, one analysis with its two
// versions, the table per municipality, the changed cameras page by page, their CSV (streamed in
// keyset batches) and the changes as vector tiles. Every list is paged or tiled.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect';
import type { RuleSetVersionStatus } from '../db/schema';
import type { TileCoord } from '../../tiles';
import type { LocalizedText } from '../../rules/schema';
import { csvField } from '../cameras/public';
import { textStream } from '../http/text-stream';

export const ANALYSES_PAGE_SIZE = 20;
export const CHANGES_PAGE_SIZE = 25;
export const CSV_BATCH_SIZE = 2000;
/** How many changed cameras the printable report lists; the CSV has them all. */
export const REPORT_CHANGES = 200;
export const IMPACT_TILE_LAYER = 'impact-changes';

/** How a camera's verdict moved from version A to version B. */
export const DIRECTIONS = ['newlyAllowed', 'newlyRefused', 'other'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const MUNICIPALITY_SORTS = ['refused', 'allowed', 'cameras', 'name'] as const;
export type MunicipalitySort = (typeof MUNICIPALITY_SORTS)[number];

export interface Page<T> {
	items: T[];
	total: number;
	page: number;
	pageSize: number;
}

export interface VersionLabel {
	id: number;
	slug: string;
	title: LocalizedText;
	version: number;
	status: RuleSetVersionStatus;
	/** When a draft was last saved: after the analysis, the analysis no longer shows the draft as it is. */
	updatedAt: Date;
}

export interface AnalysisSummary {
	id: number;
	a: VersionLabel;
	b: VersionLabel;
	asOf: string;
	cameras: number;
	allowedBefore: number;
	allowedAfter: number;
	newlyAllowed: number;
	newlyRefused: number;
	computeMs: number;
	createdAt: Date;
	createdBy: string | null;
}

interface AnalysisRow {
	id: number;
	as_of: string;
	cameras: number;
	allowed_before: number;
	allowed_after: number;
	newly_allowed: number;
	newly_refused: number;
	compute_ms: number;
	created_at: Date;
	created_by: string | null;
	a_id: number;
	a_slug: string;
	a_title: LocalizedText;
	a_version: number;
	a_status: RuleSetVersionStatus;
	a_updated_at: Date;
	b_id: number;
	b_slug: string;
	b_title: LocalizedText;
	b_version: number;
	b_status: RuleSetVersionStatus;
	b_updated_at: Date;
}

const analysisSelect = sql`
	SELECT i.id, to_char(i.as_of, 'YYYY-MM-DD') AS as_of, i.cameras, i.allowed_before, i.allowed_after,
		i.newly_allowed, i.newly_refused, i.compute_ms, i.created_at, u.name AS created_by,
		va.id AS a_id, sa.slug AS a_slug, va.document->'title' AS a_title, va.version AS a_version,
		va.status AS a_status, va.updated_at AS a_updated_at,
		vb.id AS b_id, sb.slug AS b_slug, vb.document->'title' AS b_title, vb.version AS b_version,
		vb.status AS b_status, vb.updated_at AS b_updated_at
	FROM impact_analyses i
	JOIN rule_set_versions va ON va.id = i.version_a_id JOIN rule_sets sa ON sa.id = va.rule_set_id
	JOIN rule_set_versions vb ON vb.id = i.version_b_id JOIN rule_sets sb ON sb.id = vb.rule_set_id
	LEFT JOIN users u ON u.id = i.created_by`;

function toSummary(r: AnalysisRow): AnalysisSummary {
	const label = (p: 'a' | 'b'): VersionLabel => ({
		id: r[`${p}_id`],
		slug: r[`${p}_slug`],
		title: r[`${p}_title`],
		version: r[`${p}_version`],
		status: r[`${p}_status`],
		updatedAt: r[`${p}_updated_at`]
	});
	return {
		id: r.id,
		a: label('a'),
		b: label('b'),
		asOf: r.as_of,
		cameras: r.cameras,
		allowedBefore: r.allowed_before,
		allowedAfter: r.allowed_after,
		newlyAllowed: r.newly_allowed,
		newlyRefused: r.newly_refused,
		computeMs: r.compute_ms,
		createdAt: r.created_at,
		createdBy: r.created_by
	};
}

/** Analyses, newest first. */
export async function listImpactAnalyses(db: Db, page = 1): Promise<Page<AnalysisSummary>> {
	const [rows, total] = await Promise.all([
		sql<AnalysisRow>`${analysisSelect} ORDER BY i.created_at DESC, i.id DESC
			LIMIT ${ANALYSES_PAGE_SIZE} OFFSET ${(page - 1) * ANALYSES_PAGE_SIZE}`.execute(db),
		db
			.selectFrom('impact_analyses')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow()
	]);
	return { items: rows.rows.map(toSummary), total: Number(total.n), page, pageSize: ANALYSES_PAGE_SIZE };
}

export async function getImpactAnalysis(db: Db, id: number): Promise<AnalysisSummary | null> {
	if (!Number.isSafeInteger(id) || id < 1) return null;
	const { rows } = await sql<AnalysisRow>`${analysisSelect} WHERE i.id = ${id}`.execute(db);
	return rows[0] ? toSummary(rows[0]) : null;
}

export interface MunicipalityImpact {
	code: number;
	name: string;
	cameras: number;
	allowedBefore: number;
	allowedAfter: number;
	newlyAllowed: number;
	newlyRefused: number;
}

const MUNICIPALITY_ORDER: Record<MunicipalitySort, RawBuilder<unknown>> = {
	refused: sql`t.newly_refused DESC, t.newly_allowed DESC, m.name`,
	allowed: sql`t.newly_allowed DESC, t.newly_refused DESC, m.name`,
	cameras: sql`t.cameras DESC, m.name`,
	name: sql`m.name, t.municipality_code`
};

/** The table per municipality: only municipalities with cameras have a row (at most 98). */
export async function impactMunicipalities(
	db: Db,
	id: number,
	sort: MunicipalitySort = 'refused'
): Promise<MunicipalityImpact[]> {
	const { rows } = await sql<MunicipalityImpact>`
		SELECT t.municipality_code AS code, coalesce(m.name, t.municipality_code::text) AS name, t.cameras,
			t.allowed_before AS "allowedBefore", t.allowed_after AS "allowedAfter",
			t.newly_allowed AS "newlyAllowed", t.newly_refused AS "newlyRefused"
		FROM impact_municipalities t LEFT JOIN municipalities m ON m.code = t.municipality_code
		WHERE t.analysis_id = ${id}
		ORDER BY ${MUNICIPALITY_ORDER[sort]}
	`.execute(db);
	return rows;
}

export interface ChangeFilter {
	municipalityCode?: number;
	direction?: Direction;
}

const directionOf = sql<Direction>`CASE WHEN i.allowed_after AND NOT i.allowed_before THEN 'newlyAllowed'
	WHEN i.allowed_before AND NOT i.allowed_after THEN 'newlyRefused' ELSE 'other' END`;

function changeWhere(id: number, f: ChangeFilter): RawBuilder<boolean> {
	const parts: RawBuilder<boolean>[] = [sql<boolean>`i.analysis_id = ${id}`];
	if (f.municipalityCode !== undefined) parts.push(sql<boolean>`i.municipality_code = ${f.municipalityCode}`);
	if (f.direction === 'newlyAllowed') parts.push(sql<boolean>`i.allowed_after AND NOT i.allowed_before`);
	if (f.direction === 'newlyRefused') parts.push(sql<boolean>`i.allowed_before AND NOT i.allowed_after`);
	if (f.direction === 'other') parts.push(sql<boolean>`i.allowed_before = i.allowed_after`);
	return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

/** Changed cameras per direction (for the filter's counts), within the municipality filter. */
export async function changeCounts(
	db: Db,
	id: number,
	municipalityCode?: number
): Promise<Record<Direction | 'all', number>> {
	const { rows } = await sql<Record<Direction | 'all', number>>`
		SELECT count(*)::integer AS "all",
			count(*) FILTER (WHERE i.allowed_after AND NOT i.allowed_before)::integer AS "newlyAllowed",
			count(*) FILTER (WHERE i.allowed_before AND NOT i.allowed_after)::integer AS "newlyRefused",
			count(*) FILTER (WHERE i.allowed_before = i.allowed_after)::integer AS "other"
		FROM impact_changes i WHERE ${changeWhere(id, { municipalityCode })}
	`.execute(db);
	return rows[0];
}

export interface ChangedCamera {
	cameraId: string;
	name: string;
	municipalityCode: number;
	municipalityName: string;
	status: string;
	ownerType: string;
	legalBasis: string;
	allowedBefore: boolean;
	allowedAfter: boolean;
	direction: Direction;
	/** Rule ids of version A (before) and B (after) that refused the camera. */
	failedBefore: string[];
	failedAfter: string[];
}

const changedCameraColumns = sql`
	i.camera_id AS "cameraId", c.name, i.municipality_code AS "municipalityCode",
	coalesce(m.name, i.municipality_code::text) AS "municipalityName", c.status, c.owner_type AS "ownerType",
	c.legal_basis AS "legalBasis", i.allowed_before AS "allowedBefore", i.allowed_after AS "allowedAfter",
	${directionOf} AS direction, i.failed_before AS "failedBefore", i.failed_after AS "failedAfter"`;

/** One page of changed cameras: newly refused first, then newly allowed, then other changes; by name. */
export async function listChanges(
	db: Db,
	id: number,
	filter: ChangeFilter,
	page = 1,
	pageSize = CHANGES_PAGE_SIZE
): Promise<Page<ChangedCamera>> {
	const where = changeWhere(id, filter);
	const [rows, total] = await Promise.all([
		sql<ChangedCamera>`
			SELECT ${changedCameraColumns}
			FROM impact_changes i JOIN cameras c ON c.id = i.camera_id
			LEFT JOIN municipalities m ON m.code = i.municipality_code
			WHERE ${where}
			ORDER BY CASE ${directionOf} WHEN 'newlyRefused' THEN 0 WHEN 'newlyAllowed' THEN 1 ELSE 2 END,
				c.name, i.camera_id
			LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
		`.execute(db),
		sql<{ n: number }>`SELECT count(*)::integer AS n FROM impact_changes i WHERE ${where}`.execute(db)
	]);
	return { items: rows.rows, total: total.rows[0].n, page, pageSize };
}

/** The CSV's columns, in order. */
export const CSV_COLUMNS = [
	'cameraId',
	'name',
	'municipalityCode',
	'municipalityName',
	'status',
	'ownerType',
	'legalBasis',
	'allowedBefore',
	'allowedAfter',
	'change',
	'failedRulesBefore',
	'failedRulesAfter',
	'lon',
	'lat'
] as const;

interface CsvRow extends ChangedCamera {
	lon: number;
	lat: number;
}

/** The changed cameras of a filter in batches by camera id: each batch one keyset query on the primary key. */
export async function* changeBatches(
	db: Db,
	id: number,
	filter: ChangeFilter,
	batchSize = CSV_BATCH_SIZE
): AsyncGenerator<CsvRow[]> {
	let after: string | null = null;
	for (;;) {
		const { rows }: { rows: CsvRow[] } = await sql<CsvRow>`
			SELECT ${changedCameraColumns},
				round(ST_X(ST_Transform(c.geom, 4326))::numeric, 7)::float8 AS lon,
				round(ST_Y(ST_Transform(c.geom, 4326))::numeric, 7)::float8 AS lat
			FROM impact_changes i JOIN cameras c ON c.id = i.camera_id
			LEFT JOIN municipalities m ON m.code = i.municipality_code
			WHERE ${changeWhere(id, filter)} ${after === null ? sql`` : sql`AND i.camera_id > ${after}::uuid`}
			ORDER BY i.camera_id
			LIMIT ${batchSize}
		`.execute(db);
		if (rows.length > 0) yield rows;
		if (rows.length < batchSize) return;
		after = rows[rows.length - 1].cameraId;
	}
}

/**
 * The CSV as text parts: a header, then one row per changed camera. Failed rules are rule ids
 * (stable, unlike titles) separated by "; "; the change is newlyAllowed, newlyRefused or other.
 */
export async function* impactCsv(
	db: Db,
	id: number,
	filter: ChangeFilter,
	batchSize = CSV_BATCH_SIZE
): AsyncGenerator<string> {
	// The byte order mark lets spreadsheet programs read æ, ø and å as UTF-8.
	yield '\uFEFF' + CSV_COLUMNS.join(',') + '\r\n';
	for await (const batch of changeBatches(db, id, filter, batchSize)) {
		yield batch
			.map((r) =>
				[
					r.cameraId,
					r.name,
					r.municipalityCode,
					r.municipalityName,
					r.status,
					r.ownerType,
					r.legalBasis,
					r.allowedBefore,
					r.allowedAfter,
					r.direction,
					r.failedBefore.join('; '),
					r.failedAfter.join('; '),
					r.lon,
					r.lat
				]
					.map(csvField)
					.join(',')
			)
			.join('\r\n')
			.concat('\r\n');
	}
}

export function impactCsvStream(db: Db, id: number, filter: ChangeFilter): ReadableStream<Uint8Array> {
	return textStream(impactCsv(db, id, filter));
}

/** The changes' current version of the cameras (they may move after the analysis), for tile ETags. */
export async function camerasVersion(db: Db): Promise<string> {
	const row = await db
		.selectFrom('datasets')
		.select(['version', 'updated_at'])
		.where('name', '=', 'cameras')
		.executeTakeFirst();
	return row ? `${row.version}.${row.updated_at.getTime().toString(36)}` : '0';
}

/** From this zoom on, points carry the camera's id and name (for a click); below, only the direction. */
export const IMPACT_DETAIL_ZOOM = 12;

/**
 * The analysis's changed cameras in a tile, at their current position: `direction` (newlyAllowed,
 * newlyRefused, other) and from IMPACT_DETAIL_ZOOM on `camera_id` and `name`. The usual shape:
 * `&&` on the envelope in EPSG:25832, clipped and quantised in 3857.
 */
export async function impactTile(db: Db, id: number, t: TileCoord): Promise<Buffer | null> {
	const detail = t.z >= IMPACT_DETAIL_ZOOM;
	const { rows } = await sql<{ mvt: Buffer }>`
		WITH bounds AS (
			SELECT ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}) AS env,
				ST_Transform(ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}, margin => 64.0 / 4096), 25832) AS env_25832
		), features AS (
			SELECT ${directionOf} AS direction,
				${detail ? sql`i.camera_id::text AS camera_id, c.name,` : sql``}
				ST_AsMVTGeom(ST_Transform(c.geom, 3857), bounds.env, 4096, 64, true) AS geom
			FROM impact_changes i JOIN cameras c ON c.id = i.camera_id, bounds
			WHERE i.analysis_id = ${id} AND c.geom && bounds.env_25832
		)
		SELECT ST_AsMVT(features.*, ${IMPACT_TILE_LAYER}, 4096, 'geom') AS mvt FROM features WHERE geom IS NOT NULL
	`.execute(db);
	const mvt = rows[0]?.mvt;
	return mvt && mvt.length > 0 ? mvt : null;
}

/** The extent of the changed cameras (WGS84), for the map to open on; null when nothing changed. */
export async function changesExtent(db: Db, id: number): Promise<[number, number, number, number] | null> {
	const { rows } = await sql<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>`
		SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
		FROM (
			SELECT ST_Transform(ST_SetSRID(ST_Extent(c.geom)::geometry, 25832), 4326) AS e
			FROM impact_changes i JOIN cameras c ON c.id = i.camera_id WHERE i.analysis_id = ${id}
		) s
	`.execute(db);
	const b = rows[0];
	return b && b.xmin !== null ? [b.xmin, b.ymin, b.xmax, b.ymax] : null;
}
