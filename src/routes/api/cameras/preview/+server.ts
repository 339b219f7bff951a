// The planning map's server check: the view of an unsaved placement cut by the stored buildings,
// and the municipality the position lies in (with whether the planner may propose a camera there).
import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { CAMERA_KINDS, LIMITS } from '$lib/camera/register';
import { isLevelTableId } from '$lib/camera/density-levels';
import { getDb } from '$lib/server/db';
import { can } from '$lib/server/auth/policy';
import { previewCameraView } from '$lib/server/cameras/views';
import { municipalityAt } from '$lib/server/cameras/queries';
import { creationResource } from '../../../kameraer/forms.server';

const finite = z.number().finite();
const degrees = finite.min(LIMITS.panDeg.min).max(LIMITS.panDeg.max);

// Ranges as in server/cameras/validation.ts; the position must lie in or near Denmark (EPSG:25832).
const previewSchema = z
	.object({
		x: finite.min(400_000).max(950_000),
		y: finite.min(6_000_000).max(6_450_000),
		kind: z.enum(CAMERA_KINDS),
		mountHeightM: finite.gt(LIMITS.mountHeightM.min).max(LIMITS.mountHeightM.max),
		azimuthDeg: finite.min(0).lt(360),
		tiltDeg: finite.min(LIMITS.tiltDeg.min).max(LIMITS.tiltDeg.max),
		hfovDeg: finite.gt(LIMITS.hfovDeg.min).max(LIMITS.hfovDeg.max),
		resolutionPx: z.number().int().min(LIMITS.resolutionPx.min).max(LIMITS.resolutionPx.max),
		maxRangeM: finite.gt(LIMITS.maxRangeM.min).max(LIMITS.maxRangeM.max),
		panMinDeg: degrees.nullish(),
		panMaxDeg: degrees.nullish(),
		levelTable: z.string().refine(isLevelTableId)
	})
	.refine((c) => c.kind !== 'ptz' || (c.panMinDeg != null && c.panMaxDeg != null), {
		path: ['panMinDeg'],
		message: 'A PTZ camera needs its pan range'
	});

export async function POST(event) {
	const { locals } = event;
	const db = getDb();
	if (!locals.user) error(401, translate(locals.lang, 'error.forbidden'));
	if (!can(locals.user, 'camera.create', await creationResource(db, locals.user)))
		error(403, translate(locals.lang, 'error.forbidden'));

	let body: unknown;
	try {
		body = await event.request.json();
	} catch {
		return json({ message: translate(locals.lang, 'planning.preview.invalid'), errors: {} }, { status: 400 });
	}
	const parsed = previewSchema.safeParse(body);
	if (!parsed.success) {
		const errors: Record<string, string> = {};
		for (const issue of parsed.error.issues) errors[issue.path.join('.') || 'form'] ??= issue.message;
		return json({ message: translate(locals.lang, 'planning.preview.invalid'), errors }, { status: 400 });
	}
	const { levelTable, ...camera } = parsed.data;
	const ptz = camera.kind === 'ptz';
	const [preview, place] = await Promise.all([
		previewCameraView(
			db,
			{ ...camera, panMinDeg: ptz ? camera.panMinDeg : null, panMaxDeg: ptz ? camera.panMaxDeg : null },
			levelTable
		),
		municipalityAt(db, { crs: 'EPSG:25832', x: camera.x, y: camera.y })
	]);
	const municipality = place && {
		code: place.code,
		name: place.name,
		allowed: can(locals.user, 'camera.create', {
			type: 'municipality',
			code: place.code,
			policeDistrict: place.policeDistrict
		})
	};
	return json({ ...preview, municipality });
}
