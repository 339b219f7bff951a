// Changes to the camera register. Each change is one transaction: the camera row (locked when it
// exists), its audit record with before and after, and its recomputed view commit together. The
// municipality always comes from the position, never from the caller.
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { CameraStatus, Database } from '../db/schema';
import type { Action } from '../auth/policy';
import { recordAudit, type AuditActor } from '../audit/service';
import { recomputeCameraViews } from './views';
import { danishToday } from '../../dates';
import { prepareCameraEvaluation, recordCameraEvaluation } from '../rules/records';
import { isCameraId, municipalityAt, pointSql, type CameraResource, type Place } from './queries';
import { CameraInputError, type CameraFields, type CameraPosition, type NewCamera } from './validation';
import type { MessageKey } from '../../i18n';
import { isoDate } from '../db/expressions';

export { getCamera, listCameras, cameraResource, cameraViewSummary } from './queries';

/**
 * Asks the policy whether the change may happen to the camera as it is stored (read under the
 * row lock, so nothing can change it in between); false stops the change with CameraForbiddenError.
 */
export type Authorize = (action: Action, resource: CameraResource) => boolean;

export interface ChangeOptions {
	authorize?: Authorize;
}

/** Refused by the policy. `field` and `key` say what to show when the refusal is about an input. */
export class CameraForbiddenError extends Error {
	constructor(
		readonly action: Action,
		readonly field: string | null = null,
		readonly key: MessageKey | null = null,
		readonly vars: Record<string, string | number> = {}
	) {
		super(`${action} is not allowed here`);
		this.name = 'CameraForbiddenError';
	}
}

export interface StatusTransition {
	name: 'approve' | 'sendBack' | 'activate' | 'decommission';
	from: readonly CameraStatus[];
	to: CameraStatus;
	action: Action;
}

/** The status life cycle: proposed → approved (police) → active → decommissioned. */
export const STATUS_TRANSITIONS: readonly StatusTransition[] = [
	{ name: 'approve', from: ['proposed'], to: 'approved', action: 'camera.review' },
	{ name: 'sendBack', from: ['approved'], to: 'proposed', action: 'camera.review' },
	{ name: 'activate', from: ['approved'], to: 'active', action: 'camera.activate' },
	{
		name: 'decommission',
		from: ['proposed', 'approved', 'active'],
		to: 'decommissioned',
		action: 'camera.decommission'
	}
];

export function findTransition(from: CameraStatus, to: CameraStatus): StatusTransition | null {
	return STATUS_TRANSITIONS.find((t) => t.to === to && t.from.includes(from)) ?? null;
}

/** Today in Denmark, which is what a date stamp means to the people reading it. */
const TODAY = sql<Date>`(now() AT TIME ZONE 'Europe/Copenhagen')::date`;

const asDate = (value: string | null) => (value === null ? null : sql<Date>`${value}::date`);

function maskSql(geojson: string | null) {
	return geojson === null
		? null
		: sql<never>`ST_Multi(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326), 25832))`;
}

/**
 * Adds geometry to a row's values: the schema types keep geometry columns out of inserts and
 * updates so that they are only ever written through SQL functions such as these.
 */
function withGeometry<T extends object>(
	values: T,
	geometry: { geom?: RawBuilder<never>; privacy_masks?: RawBuilder<never> | null }
): T {
	return { ...values, ...geometry };
}

/** Refuses privacy masks PostGIS cannot read or finds invalid (self-intersections, open rings). */
async function checkMasks(db: Db, geojson: string | null): Promise<void> {
	if (geojson === null) return;
	let valid = false;
	try {
		const row = await sql<{ valid: boolean }>`
			SELECT ST_IsValid(ST_GeomFromGeoJSON(${geojson})) AND NOT ST_IsEmpty(ST_GeomFromGeoJSON(${geojson})) AS valid
		`.execute(db);
		valid = row.rows[0]?.valid === true;
	} catch {
		valid = false;
	}
	if (!valid) throw new CameraInputError('privacyMasks', 'cameras.error.masksInvalid');
}

function describedColumns(f: CameraFields) {
	return {
		name: f.name,
		kind: f.kind,
		mount_height_m: f.mountHeightM,
		azimuth_deg: f.azimuthDeg,
		tilt_deg: f.tiltDeg,
		hfov_deg: f.hfovDeg,
		focal_length_mm: f.focalLengthMm,
		sensor_width_mm: f.sensorWidthMm,
		resolution_px: f.resolutionPx,
		max_range_m: f.maxRangeM,
		pan_min_deg: f.panMinDeg,
		pan_max_deg: f.panMaxDeg,
		owner_type: f.ownerType,
		operator_name: f.operatorName,
		contact_email: f.contactEmail,
		contact_phone: f.contactPhone,
		purpose: f.purpose,
		legal_basis: f.legalBasis,
		signage: f.signage,
		retention_days: f.retentionDays,
		police_registered_on: asDate(f.policeRegisteredOn),
		permit_valid_from: asDate(f.permitValidFrom),
		permit_valid_to: asDate(f.permitValidTo)
	};
}

type Trx = Transaction<Database>;

/** What the audit trail keeps of a camera: every field, the position in metres, masks as a summary. */
async function snapshot(trx: Trx, id: string, lock = false) {
	let query = trx
		.selectFrom('cameras as c')
		.innerJoin('municipalities as m', 'm.code', 'c.municipality_code')
		.select([
			'c.name',
			'c.municipality_code as municipalityCode',
			'm.police_district as policeDistrict',
			sql<number>`round(ST_X(c.geom)::numeric, 2)`.as('easting'),
			sql<number>`round(ST_Y(c.geom)::numeric, 2)`.as('northing'),
			'c.kind',
			'c.mount_height_m as mountHeightM',
			'c.azimuth_deg as azimuthDeg',
			'c.tilt_deg as tiltDeg',
			'c.hfov_deg as hfovDeg',
			'c.focal_length_mm as focalLengthMm',
			'c.sensor_width_mm as sensorWidthMm',
			'c.resolution_px as resolutionPx',
			'c.max_range_m as maxRangeM',
			'c.pan_min_deg as panMinDeg',
			'c.pan_max_deg as panMaxDeg',
			'c.owner_type as ownerType',
			'c.operator_name as operatorName',
			'c.contact_email as contactEmail',
			'c.contact_phone as contactPhone',
			'c.purpose',
			'c.legal_basis as legalBasis',
			'c.signage',
			'c.retention_days as retentionDays',
			sql<number>`coalesce(ST_NumGeometries(c.privacy_masks), 0)`.as('privacyMaskCount'),
			sql<number>`round(coalesce(ST_Area(c.privacy_masks), 0)::numeric, 1)`.as('privacyMaskAreaM2'),
			'c.status',
			isoDate('c.proposed_on').as('proposedOn'),
			isoDate('c.approved_on').as('approvedOn'),
			isoDate('c.active_from').as('activeFrom'),
			isoDate('c.decommissioned_on').as('decommissionedOn'),
			isoDate('c.police_registered_on').as('policeRegisteredOn'),
			sql<string | null>`to_char(c.permit_valid_from, 'YYYY-MM-DD')`.as('permitValidFrom'),
			sql<string | null>`to_char(c.permit_valid_to, 'YYYY-MM-DD')`.as('permitValidTo')
		])
		.where('c.id', '=', id);
	if (lock) query = query.forUpdate('c');
	const row = await query.executeTakeFirst();
	if (!row) return null;
	const { policeDistrict, ...kept } = row;
	const resource: CameraResource = {
		type: 'camera',
		municipalityCode: row.municipalityCode,
		policeDistrict,
		status: row.status,
		ownerType: row.ownerType
	};
	return { audit: kept, resource };
}

async function lockCamera(trx: Trx, id: string) {
	const found = isCameraId(id) ? await snapshot(trx, id, true) : null;
	if (!found) throw new CameraInputError('id', 'cameras.error.notFound', {}, 404);
	return found;
}

function authorize(options: ChangeOptions, action: Action, resource: CameraResource): void {
	if (options.authorize && !options.authorize(action, resource)) throw new CameraForbiddenError(action);
}

/** Where a position lies, or a refusal naming the position; and whether the user may place a camera there. */
async function placeFor(
	trx: Trx,
	position: CameraPosition,
	options: ChangeOptions,
	action: Action,
	resource: Omit<CameraResource, 'municipalityCode' | 'policeDistrict'>
): Promise<Place> {
	const place = await municipalityAt(trx, position);
	if (!place) throw new CameraInputError('position', 'cameras.error.outside');
	const there = { ...resource, municipalityCode: place.code, policeDistrict: place.policeDistrict };
	if (options.authorize && !options.authorize(action, there)) {
		throw new CameraForbiddenError(action, 'position', 'cameras.error.notOwnMunicipality', {
			name: place.name
		});
	}
	return place;
}

function refuseDecommissioned(resource: CameraResource) {
	if (resource.status === 'decommissioned')
		throw new CameraInputError('form', 'cameras.error.decommissioned', {}, 409);
}

/** Proposes a camera (status proposed); returns its id. */
export async function createCamera(
	db: Db,
	actor: AuditActor,
	input: NewCamera,
	options: ChangeOptions = {}
): Promise<string> {
	await checkMasks(db, input.privacyMasks);
	return db.transaction().execute(async (trx) => {
		const place = await placeFor(trx, input.position, options, 'camera.create', {
			type: 'camera',
			status: 'proposed',
			ownerType: input.ownerType
		});
		const { id } = await trx
			.insertInto('cameras')
			.values(
				withGeometry(
					{
						...describedColumns(input),
						municipality_code: place.code,
						status: 'proposed' as const,
						proposed_on: input.proposedOn === null ? TODAY : asDate(input.proposedOn),
						created_by: actor.userId
					},
					{ geom: pointSql(input.position), privacy_masks: maskSql(input.privacyMasks) }
				)
			)
			.returning('id')
			.executeTakeFirstOrThrow();
		await recomputeCameraViews(trx, [id]);
		const after = (await snapshot(trx, id))!;
		await recordAudit(trx, actor, {
			action: 'camera.create',
			objectType: 'camera',
			objectId: id,
			municipalityCode: place.code,
			after: after.audit
		});
		return id;
	});
}

/** Changes a camera's description (not its position or status). */
export async function updateCamera(
	db: Db,
	actor: AuditActor,
	id: string,
	fields: CameraFields,
	options: ChangeOptions = {}
): Promise<void> {
	await checkMasks(db, fields.privacyMasks);
	await db.transaction().execute(async (trx) => {
		const before = await lockCamera(trx, id);
		authorize(options, 'camera.update', before.resource);
		refuseDecommissioned(before.resource);
		await trx
			.updateTable('cameras')
			.set(
				withGeometry(
					{
						...describedColumns(fields),
						proposed_on: fields.proposedOn === null ? sql<Date>`proposed_on` : asDate(fields.proposedOn),
						updated_at: sql<Date>`now()`
					},
					{ privacy_masks: maskSql(fields.privacyMasks) }
				)
			)
			.where('id', '=', id)
			.execute();
		await recomputeCameraViews(trx, [id]);
		await audit(trx, actor, 'camera.update', id, before.audit);
	});
}

/** Moves a camera; its municipality follows the new position. Returns where it now lies. */
export async function moveCamera(
	db: Db,
	actor: AuditActor,
	id: string,
	position: CameraPosition,
	options: ChangeOptions = {}
): Promise<Place> {
	return db.transaction().execute(async (trx) => {
		const before = await lockCamera(trx, id);
		authorize(options, 'camera.move', before.resource);
		refuseDecommissioned(before.resource);
		const place = await placeFor(trx, position, options, 'camera.move', before.resource);
		await trx
			.updateTable('cameras')
			.set(
				withGeometry(
					{ municipality_code: place.code, updated_at: sql<Date>`now()` },
					{ geom: pointSql(position) }
				)
			)
			.where('id', '=', id)
			.execute();
		await recomputeCameraViews(trx, [id]);
		await audit(trx, actor, 'camera.move', id, before.audit);
		return place;
	});
}

/** The decisions that record the camera's evaluation against the rule set in force on their date. */
const RECORDED_DECISIONS: readonly StatusTransition['name'][] = ['approve', 'activate'];

/**
 * Moves a camera along its life cycle and stamps the date of the step (`date`, default today in
 * Denmark): approved_on, active_from or decommissioned_on. Sending an approval back clears it.
 * A date may not lie in the future nor before the step it follows. An approval or activation
 * also records the camera's evaluation against the rule set in force on that date, in the same
 * transaction.
 */
export async function setStatus(
	db: Db,
	actor: AuditActor,
	id: string,
	status: CameraStatus,
	options: ChangeOptions & { date?: string | null } = {}
): Promise<void> {
	// Built before the transaction: it may compute hotspot runs, each in a transaction of its own.
	const evaluation =
		status === 'approved' || status === 'active'
			? await prepareCameraEvaluation(
					db,
					id,
					options.date && /^\d{4}-\d{2}-\d{2}$/.test(options.date) ? options.date : danishToday()
				)
			: null;
	await db.transaction().execute(async (trx) => {
		const before = await lockCamera(trx, id);
		refuseDecommissioned(before.resource);
		const transition = findTransition(before.resource.status, status);
		if (!transition) throw new CameraInputError('status', 'cameras.error.transition', {}, 409);
		authorize(options, transition.action, before.resource);

		const on = options.date ? asDate(options.date) : TODAY;
		if (transition.name !== 'sendBack') {
			const a = before.audit;
			// The step it follows: approval follows the proposal, activation the approval, and so on.
			const previous = [a.proposedOn, transition.name === 'approve' ? null : a.approvedOn, a.activeFrom]
				.filter((d): d is string => d !== null)
				.sort()
				.at(-1);
			const check = await sql<{ future: boolean; early: boolean }>`
				SELECT ${on} > ${TODAY} AS future, ${on} < ${previous ?? null}::date AS early
			`.execute(trx);
			if (check.rows[0].future) throw new CameraInputError('date', 'cameras.error.dateFuture');
			if (check.rows[0].early)
				throw new CameraInputError('date', 'cameras.error.dateOrder', { date: previous! });
		}
		const stamp =
			transition.name === 'approve'
				? { approved_on: on }
				: transition.name === 'sendBack'
					? { approved_on: null }
					: transition.name === 'activate'
						? { active_from: on }
						: { decommissioned_on: on };
		await trx
			.updateTable('cameras')
			.set({ status: transition.to, ...stamp, updated_at: sql`now()` })
			.where('id', '=', id)
			.execute();
		await recomputeCameraViews(trx, [id]);
		if (evaluation && RECORDED_DECISIONS.includes(transition.name))
			await recordCameraEvaluation(trx, evaluation, transition.name, actor);
		await audit(trx, actor, `camera.${transition.name}`, id, before.audit);
	});
}

/** Takes a camera out of service for good (decommissioned_on = `date`, default today). */
export async function decommissionCamera(
	db: Db,
	actor: AuditActor,
	id: string,
	options: ChangeOptions & { date?: string | null } = {}
): Promise<void> {
	await setStatus(db, actor, id, 'decommissioned', options);
}

async function audit(trx: Trx, actor: AuditActor, action: string, id: string, before: object) {
	const after = (await snapshot(trx, id))!;
	await recordAudit(trx, actor, {
		action,
		objectType: 'camera',
		objectId: id,
		municipalityCode: after.audit.municipalityCode,
		before,
		after: after.audit
	});
}
