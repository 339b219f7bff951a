import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { can } from '$lib/server/auth/policy';
import { auditActor } from '$lib/server/audit/actor';
import { auditHistory } from '$lib/server/audit/service';
import {
	STATUS_TRANSITIONS,
	cameraResource,
	cameraViewSummary,
	decommissionCamera,
	findTransition,
	getCamera,
	moveCamera,
	setStatus,
	updateCamera
} from '$lib/server/cameras/service';
import {
	CAMERA_FIELDS,
	POSITION_FIELDS,
	cameraErrors,
	cameraFieldsSchema,
	positionSchema,
	statusChangeSchema
} from '$lib/server/cameras/validation';
import { checkStoredCamera } from '$lib/server/rules/check';
import { listCameraEvaluations } from '$lib/server/rules/records';
import { authorizer, changeFailure, formValues } from '../forms.server';

const cursorSchema = z.coerce.number().int().positive().nullable().catch(null);

/** The camera as stored, or 404; then the reader's right to see it, before anything else. */
async function readable(event: RequestEvent<{ id: string }>) {
	const resource = await cameraResource(getDb(), event.params.id);
	if (!resource) error(404, translate(event.locals.lang, 'error.notFound'));
	guard(event, 'camera.view', resource);
	return resource;
}

export async function load(event) {
	const resource = await readable(event);
	const db = getDb();
	const id = event.params.id;
	const user = event.locals.user;
	const showHistory = can(user, 'camera.history', resource);
	const showRules = can(user, 'camera.check', resource);
	const before = cursorSchema.parse(event.url.searchParams.get('before'));
	const evaluationsBefore = cursorSchema.parse(event.url.searchParams.get('evaluationsBefore'));
	const [camera, view, history, rules, evaluations] = await Promise.all([
		getCamera(db, id),
		cameraViewSummary(db, id),
		showHistory ? auditHistory(db, { objectType: 'camera', objectId: id }, before) : null,
		showRules ? checkStoredCamera(db, user, { id, ...resource }, event.locals.lang) : null,
		showRules ? listCameraEvaluations(db, id, evaluationsBefore) : null
	]);
	if (!camera) error(404, translate(event.locals.lang, 'error.notFound'));
	const open = resource.status !== 'decommissioned';
	return {
		camera,
		view,
		history,
		rules,
		evaluations,
		may: {
			update: open && can(user, 'camera.update', resource),
			move: open && can(user, 'camera.move', resource),
			decommission: open && can(user, 'camera.decommission', resource),
			transitions: STATUS_TRANSITIONS.filter(
				(t) => t.name !== 'decommission' && t.from.includes(resource.status) && can(user, t.action, resource)
			).map((t) => ({ name: t.name, to: t.to }))
		}
	};
}

export const actions = {
	update: async (event) => {
		const resource = await readable(event);
		guard(event, 'camera.update', resource);
		const values = formValues(await event.request.formData(), CAMERA_FIELDS);
		const fields = cameraFieldsSchema.safeParse(values);
		if (!fields.success)
			return fail(400, {
				action: 'update' as const,
				errors: cameraErrors(fields.error, event.locals.lang),
				values
			});
		try {
			await updateCamera(getDb(), auditActor(event), event.params.id, fields.data, {
				authorize: authorizer(event)
			});
		} catch (err) {
			return changeFailure(err, event, { action: 'update' as const, values });
		}
		return { action: 'update' as const, done: translate(event.locals.lang, 'cameras.done.updated') };
	},

	move: async (event) => {
		const resource = await readable(event);
		guard(event, 'camera.move', resource);
		const values = formValues(await event.request.formData(), POSITION_FIELDS);
		const position = positionSchema.safeParse(values);
		if (!position.success)
			return fail(400, {
				action: 'move' as const,
				errors: cameraErrors(position.error, event.locals.lang),
				values
			});
		try {
			const place = await moveCamera(getDb(), auditActor(event), event.params.id, position.data, {
				authorize: authorizer(event)
			});
			return {
				action: 'move' as const,
				done: translate(event.locals.lang, 'cameras.done.moved', { name: place.name })
			};
		} catch (err) {
			return changeFailure(err, event, { action: 'move' as const, values });
		}
	},

	status: async (event) => {
		const resource = await readable(event);
		const values = formValues(await event.request.formData(), ['status', 'date'] as const);
		const change = statusChangeSchema.safeParse(values);
		if (!change.success)
			return fail(400, {
				action: 'status' as const,
				errors: cameraErrors(change.error, event.locals.lang),
				values
			});
		const transition = findTransition(resource.status, change.data.status);
		if (!transition)
			return fail(409, {
				action: 'status' as const,
				errors: { status: translate(event.locals.lang, 'cameras.error.transition') },
				values
			});
		guard(event, transition.action, resource);
		return changeStatus(event, change.data.status, change.data.date, values);
	},

	decommission: async (event) => {
		const resource = await readable(event);
		guard(event, 'camera.decommission', resource);
		const values = formValues(await event.request.formData(), ['date'] as const);
		const change = statusChangeSchema.safeParse({ ...values, status: 'decommissioned' });
		if (!change.success)
			return fail(400, {
				action: 'decommission' as const,
				errors: cameraErrors(change.error, event.locals.lang),
				values
			});
		try {
			await decommissionCamera(getDb(), auditActor(event), event.params.id, {
				date: change.data.date,
				authorize: authorizer(event)
			});
		} catch (err) {
			return changeFailure(err, event, { action: 'decommission' as const, values });
		}
		return statusDone(event, 'decommissioned');
	}
};

async function changeStatus(
	event: RequestEvent<{ id: string }>,
	status: Parameters<typeof setStatus>[3],
	date: string | null,
	values: Record<string, string>
) {
	try {
		await setStatus(getDb(), auditActor(event), event.params.id, status, {
			date,
			authorize: authorizer(event)
		});
	} catch (err) {
		return changeFailure(err, event, { action: 'status' as const, values });
	}
	return statusDone(event, status);
}

function statusDone(event: RequestEvent, status: Parameters<typeof setStatus>[3]) {
	const lang = event.locals.lang;
	return {
		action: 'status' as const,
		done: translate(lang, 'cameras.done.status', { status: translate(lang, `cameras.status.${status}`) })
	};
}
