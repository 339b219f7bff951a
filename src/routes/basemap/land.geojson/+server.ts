import { basemapGeoJson } from '$lib/server/basemap/natural-earth';

export async function GET() {
	return new Response(await basemapGeoJson(), {
		headers: { 'content-type': 'application/geo+json', 'cache-control': 'public, max-age=86400' }
	});
}
