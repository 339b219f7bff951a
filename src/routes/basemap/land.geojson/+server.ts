import { basemapGeoJson } from '$lib/server/basemap/natural-earth';

export function GET() {
	return new Response(basemapGeoJson(), {
		headers: { 'content-type': 'application/geo+json', 'cache-control': 'public, max-age=86400' }
	});
}
