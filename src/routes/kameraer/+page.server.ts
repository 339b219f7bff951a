import { z } from 'zod';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { can, cameraReadScope } from '$lib/server/auth/policy';
import { listCameras } from '$lib/server/cameras/service';
import { CAMERA_STATUSES, OWNER_TYPES } from '$lib/camera/register';
import { creationResource } from './forms.server';

const danish = new Intl.Collator('da');

// Filters come from shareable URLs: a value that does not parse is ignored rather than an error.
const querySchema = z.object({
	kommune: z.coerce.number().int().min(100).max(999).optional().catch(undefined),
	status: z.enum(CAMERA_STATUSES).optional().catch(undefined),
	ejer: z.enum(OWNER_TYPES).optional().catch(undefined),
	side: z.coerce.number().int().min(1).max(1_000_000).catch(1)
});

export async function load(event) {
	guard(event, 'camera.list', { type: 'public' });
	const params = event.url.searchParams;
	const query = querySchema.parse({
		kommune: params.get('kommune') || undefined,
		status: params.get('status') || undefined,
		ejer: params.get('ejer') || undefined,
		side: params.get('side') ?? 1
	});
	const db = getDb();
	const scope = cameraReadScope(event.locals.user);
	const [result, municipalities, area, createResource] = await Promise.all([
		listCameras(db, {
			scope,
			municipalityCode: query.kommune,
			status: query.status,
			ownerType: query.ejer,
			page: query.side
		}),
		db.selectFrom('municipalities').select(['code', 'name']).execute(),
		scope.kind === 'municipality'
			? db.selectFrom('municipalities').select('name').where('code', '=', scope.code).executeTakeFirst()
			: scope.kind === 'policeDistrict'
				? db
						.selectFrom('police_districts')
						.select('name')
						.where('number', '=', scope.number)
						.executeTakeFirst()
				: undefined,
		creationResource(db, event.locals.user)
	]);
	municipalities.sort((a, b) => danish.compare(a.name, b.name));
	return {
		filter: query,
		...result,
		municipalities,
		scope: { national: scope.kind === 'all', area: area?.name ?? null },
		canCreate: can(event.locals.user, 'camera.create', createResource)
	};
}
