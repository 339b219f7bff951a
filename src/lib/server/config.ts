import { env } from '$env/dynamic/private';
import { env as publicEnv } from '$env/dynamic/public';

/**
 * Demo mode: demo users may sign in. `npm start` turns it on for the embedded database and
 * leaves it off when DATABASE_URL points elsewhere, unless DEMO_MODE says otherwise.
 */
export function demoMode(): boolean {
	return env.DEMO_MODE === 'true';
}

/** Origins the browser may load map resources from besides the app: the basemap style's, plus BASEMAP_ORIGINS. */
export function basemapOrigins(): string[] {
	const origins = new Set<string>();
	if (publicEnv.PUBLIC_BASEMAP_STYLE_URL) {
		try {
			origins.add(new URL(publicEnv.PUBLIC_BASEMAP_STYLE_URL).origin);
		} catch {
			// An invalid URL simply adds nothing; the map reports the failure to load it.
		}
	}
	for (const origin of (env.BASEMAP_ORIGINS ?? '').split(',')) if (origin.trim()) origins.add(origin.trim());
	return [...origins];
}
