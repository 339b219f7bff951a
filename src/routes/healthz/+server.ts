import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { checkHealth } from '$lib/server/health';

export async function GET() {
	const health = await checkHealth(getDb());
	return json(health, { status: health.ok ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
