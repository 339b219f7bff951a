import { z } from 'zod';
import { env } from '$env/dynamic/public';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { getPublicCamera, listPublicCameras, publicCameraMunicipalities } from '$lib/server/cameras/public';
import { boundariesAreDemo } from '$lib/server/municipalities/queries';

const danish = new Intl.Collator('da');

// Everything comes from shareable URLs: a value that does not parse is ignored, not an error.
const querySchema = z.object({
	kamera: z.string().max(64).optional().catch(undefined),
	kommune: z.coerce.number().int().min(100).max(999).optional().catch(undefined),
	side: z.coerce.number().int().min(1).max(1_000_000).catch(1)
});

export async function load(event) {
	guard(event, 'cameras.public', { type: 'public' });
	const params = event.url.searchParams;
	const query = querySchema.parse({
		kamera: params.get('kamera') || undefined,
		kommune: params.get('kommune') || undefined,
		side: params.get('side') ?? 1
	});
	const db = getDb();
	const [camera, list, municipalities, demoBoundaries] = await Promise.all([
		query.kamera ? getPublicCamera(db, query.kamera) : null,
		listPublicCameras(db, { page: query.side, municipalityCode: query.kommune }),
		publicCameraMunicipalities(db),
		boundariesAreDemo(db)
	]);
	municipalities.sort((a, b) => danish.compare(a.name, b.name));
	return {
		filter: query,
		camera,
		cameraNotFound: query.kamera !== undefined && camera === null,
		...list,
		municipalities,
		demoBoundaries,
		basemapStyleUrl: env.PUBLIC_BASEMAP_STYLE_URL || null
	};
}
