// Shared helpers for end-to-end tests: users in known scopes, created once in the e2e database
// (the app has already seeded the demo boundaries before Playwright starts the tests).
import { request as playwrightRequest, type APIRequestContext, type Page } from '@playwright/test';
import { sql } from 'kysely';
import { createDb } from '../../src/lib/server/db/connect';
import { createUser } from '../../src/lib/server/users/service';
import type { Role } from '../../src/lib/server/db/schema';

export const PASSWORD = 'e2e-password-0123456789';

/** København (101) lies in Københavns Politi (11); Aalborg (851) in Nordjyllands Politi (1). */
export const OWN_MUNICIPALITY = 101;
export const OTHER_MUNICIPALITY = 851;

export interface TestUser {
	key: 'planner' | 'police' | 'ministry' | 'admin';
	email: string;
	name: string;
	role: Role;
	municipalityCode: number | null;
	policeDistrict: number | null;
}

export const USERS: Record<TestUser['key'], TestUser> = {
	planner: {
		key: 'planner',
		email: 'planner.101@e2e.test',
		name: 'E2E Planner 101',
		role: 'planner',
		municipalityCode: 101,
		policeDistrict: null
	},
	police: {
		key: 'police',
		email: 'police.11@e2e.test',
		name: 'E2E Police 11',
		role: 'police',
		municipalityCode: null,
		policeDistrict: 11
	},
	ministry: {
		key: 'ministry',
		email: 'ministry@e2e.test',
		name: 'E2E Ministry',
		role: 'ministry',
		municipalityCode: null,
		policeDistrict: null
	},
	admin: {
		key: 'admin',
		email: 'admin@e2e.test',
		name: 'E2E Admin',
		role: 'admin',
		municipalityCode: null,
		policeDistrict: null
	}
};

/** Creates the test users that do not exist yet; returns their ids by key. */
export async function ensureTestUsers(): Promise<Record<TestUser['key'], string>> {
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	try {
		const ids = {} as Record<TestUser['key'], string>;
		for (const u of Object.values(USERS)) {
			const existing = await db
				.selectFrom('users')
				.select('id')
				.where('email', '=', u.email)
				.executeTakeFirst();
			ids[u.key] =
				existing?.id ??
				(await createUser(db, { userId: null, label: 'e2e-setup', clientAddress: null }, u, PASSWORD));
		}
		return ids;
	} finally {
		await db.destroy();
	}
}

/** Form posts need the app's Origin header, as a browser would send it (SvelteKit's CSRF check). */
export function formHeaders(baseURL: string) {
	return { origin: baseURL, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' };
}

/** Signs in through the real login form action; the request context keeps the session cookie. */
export async function signInRequest(
	request: APIRequestContext,
	baseURL: string,
	user: TestUser,
	password = PASSWORD
) {
	return request.post('/login', {
		headers: formHeaders(baseURL),
		form: { email: user.email, password },
		maxRedirects: 0
	});
}

/** Opens a page and waits for hydration, after which typing into its forms sticks. */
export async function gotoHydrated(page: Page, url: string) {
	const response = await page.goto(url);
	await page.locator('body[data-hydrated="true"]').waitFor();
	return response;
}

export async function signInPage(page: Page, user: TestUser, password = PASSWORD) {
	await gotoHydrated(page, '/login');
	await page.getByLabel(/E-mail/).fill(user.email);
	await page.getByLabel(/Adgangskode|Password/).fill(password);
	await page.getByRole('button', { name: /Log ind|Sign in/ }).click();
}

/** Interior points from geodata/municipalities.csv (lon, lat): København (101) and Aalborg (851). */
export const KØBENHAVN_SPOT: [number, number] = [12.602, 55.657];
export const AALBORG_SPOT: [number, number] = [10.039, 57.109];

export interface PublicMapCameras {
	/** Active, owned by the municipality, 5 m east of KØBENHAVN_SPOT: public, and found there by the footage finder. */
	active: { id: string; name: string };
	/** Active but a private person's, in Frederiksberg: never public. */
	private: { id: string; name: string };
	/** A proposal in Frederiksberg: never public. */
	proposed: { id: string; name: string };
}

/**
 * The public map's and the footage finder's cameras, inserted once (by name) with explicit
 * views: a 60 m disc around the camera with EN 62676-4 rings (identification to 10 m,
 * recognition to 20, observation to 40, detection to 60). In service for 60 days, 30 days'
 * retention.
 */
export async function ensurePublicMapCameras(): Promise<PublicMapCameras> {
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	const fixtures = [
		['active', 'E2E Rådhuspladsen', 101, 5, 'active', 'municipality'],
		['private', 'E2E Privat indkørsel', 147, 0, 'active', 'private'],
		['proposed', 'E2E Forslag Frederiksberg', 147, 40, 'proposed', 'municipality']
	] as const;
	try {
		const cameras = {} as PublicMapCameras;
		for (const [key, name, municipality, east, status, ownerType] of fixtures) {
			const existing = await db
				.selectFrom('cameras')
				.select('id')
				.where('name', '=', name)
				.executeTakeFirst();
			if (existing) {
				cameras[key] = { id: existing.id, name };
				continue;
			}
			const [lon, lat] = municipality === 101 ? KØBENHAVN_SPOT : [12.526, 55.682];
			await db.transaction().execute(async (trx) => {
				const { rows } = await sql<{ id: string }>`
					INSERT INTO cameras (municipality_code, name, geom, mount_height_m, azimuth_deg, tilt_deg, hfov_deg,
						resolution_px, max_range_m, kind, owner_type, operator_name, contact_email, contact_phone, purpose,
						legal_basis, retention_days, status, proposed_on, active_from)
					VALUES (${municipality}, ${name},
						ST_Translate(ST_Transform(ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326), 25832), ${east}::float8, 0),
						5, 0, 15, 360, 1920, 60, 'dome', ${ownerType}, ${`Drift af ${name}`}, 'tryghed@kk.example',
						'+45 33 66 33 66', 'Tryghed på pladsen', '§ 2 a', 30, ${status}, current_date - 90,
						CASE WHEN ${status}::text = 'active' THEN current_date - 60 END)
					RETURNING id
				`.execute(trx);
				const id = rows[0].id;
				const ring = (inner: number, outer: number) => sql`ST_Multi(
					CASE WHEN ${inner}::float8 > 0
						THEN ST_Difference(ST_Buffer(c.geom, ${outer}::float8), ST_Buffer(c.geom, ${inner}::float8))
						ELSE ST_Buffer(c.geom, ${outer}::float8) END)`;
				await sql`INSERT INTO camera_views (camera_id, view) SELECT id, ${ring(0, 60)} FROM cameras c WHERE id = ${id}`.execute(
					trx
				);
				for (const [levelId, ppm, inner, outer] of [
					['identification', 250, 0, 10],
					['recognition', 125, 10, 20],
					['observation', 62.5, 20, 40],
					['detection', 25, 40, 60]
				] as const) {
					await sql`
						INSERT INTO camera_view_bands (camera_id, level_table, level_id, min_ppm, geom)
						SELECT id, 'en62676-4-2015', ${levelId}, ${ppm}, ${ring(inner, outer)} FROM cameras c WHERE id = ${id}
					`.execute(trx);
				}
				cameras[key] = { id, name };
			});
		}
		return cameras;
	} finally {
		await db.destroy();
	}
}

/** A point inside a municipality (WGS84), for camera forms that must land there. */
export async function pointIn(municipality: number): Promise<{ lon: number; lat: number }> {
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	try {
		const result = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(p) AS lon, ST_Y(p) AS lat
			FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) AS p FROM municipalities WHERE code = ${municipality}) q
		`.execute(db);
		return result.rows[0];
	} finally {
		await db.destroy();
	}
}

export type TestCameraStatus = 'proposed' | 'approved' | 'active' | 'decommissioned';

/**
 * A camera fixture inserted straight into the e2e database (no computed view), in a given
 * municipality and status, with the dates that status implies. A fresh one per call, so probes
 * that change a camera's status never meet each other's leftovers.
 */
export async function createTestCamera(
	municipality: number,
	status: TestCameraStatus = 'proposed',
	name = `E2E ${status} ${municipality} ${crypto.randomUUID().slice(0, 8)}`
): Promise<{ id: string; name: string; lon: number; lat: number }> {
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	try {
		const result = await sql<{ id: string; lon: number; lat: number }>`
			INSERT INTO cameras (municipality_code, name, geom, mount_height_m, azimuth_deg, tilt_deg, hfov_deg,
				resolution_px, max_range_m, kind, owner_type, operator_name, purpose, legal_basis, retention_days,
				status, proposed_on, approved_on, active_from, decommissioned_on)
			SELECT code, ${name}, ST_PointOnSurface(geom), 5, 90, 15, 80, 1920, 40, 'fixed', 'municipality',
				'E2E Kommune', 'E2E fixture', '§ 2 a', 30, ${status}::text, current_date - 30,
				CASE WHEN ${status}::text <> 'proposed' THEN current_date - 20 END,
				CASE WHEN ${status}::text IN ('active', 'decommissioned') THEN current_date - 10 END,
				CASE WHEN ${status}::text = 'decommissioned' THEN current_date - 1 END
			FROM municipalities WHERE code = ${municipality}
			RETURNING id, ST_X(ST_Transform(geom, 4326)) AS lon, ST_Y(ST_Transform(geom, 4326)) AS lat
		`.execute(db);
		return { ...result.rows[0], name };
	} finally {
		await db.destroy();
	}
}

/** A complete, valid camera description as the create and edit forms send it. */
export function cameraForm(overrides: Record<string, string> = {}): Record<string, string> {
	return {
		name: 'E2E camera',
		kind: 'fixed',
		mountHeightM: '5',
		azimuthDeg: '90',
		tiltDeg: '15',
		hfovDeg: '80',
		resolutionPx: '1920',
		maxRangeM: '40',
		ownerType: 'municipality',
		operatorName: 'E2E Kommune',
		purpose: 'E2E fixture',
		legalBasis: '§ 2 a',
		retentionDays: '30',
		...overrides
	};
}

/** A camera import file (CSV with a header row) of rows such as cameraForm() gives. */
export function cameraImportCsv(rows: Record<string, string>[]): string {
	const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
	const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
	const lines = rows.map((r) => columns.map((c) => quote(r[c] ?? '')).join(','));
	return [columns.join(','), ...lines].join('\r\n') + '\r\n';
}

/**
 * A rule set's latest published version number, after deleting any draft it has (a draft left by
 * an earlier test), so that a test can create a draft from it.
 */
export async function publishedRuleSetVersion(slug: string): Promise<number> {
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	try {
		await sql`
			DELETE FROM rule_set_versions
			WHERE status = 'draft' AND rule_set_id = (SELECT id FROM rule_sets WHERE slug = ${slug})
		`.execute(db);
		const result = await sql<{ version: number }>`
			SELECT max(v.version)::int AS version FROM rule_set_versions v JOIN rule_sets s ON s.id = v.rule_set_id
			WHERE s.slug = ${slug} AND v.status = 'published'
		`.execute(db);
		return result.rows[0].version;
	} finally {
		await db.destroy();
	}
}

let shippedImpact: Promise<{ a: number; b: number; analysis: number }> | null = null;

/**
 * An impact analysis of the shipped rule sets (2020-07 → 2025-07, version 1 of each), run once per
 * test file through the form as the ministry reviewer; returns the two version ids and the
 * analysis id. (The rules code itself cannot be loaded here: it imports JSON modules.)
 */
export function shippedImpactAnalysis(baseURL: string): Promise<{ a: number; b: number; analysis: number }> {
	shippedImpact ??= (async () => {
		const db = createDb(process.env.E2E_DATABASE_URL!, 1);
		let ids: Record<string, number>;
		try {
			const { rows } = await sql<{ slug: string; id: number }>`
				SELECT s.slug, v.id::integer AS id FROM rule_set_versions v JOIN rule_sets s ON s.id = v.rule_set_id
				WHERE v.version = 1 AND s.slug IN ('tv-overvaagning-2020-07', 'tv-overvaagning-2025-07')
			`.execute(db);
			ids = Object.fromEntries(rows.map((r) => [r.slug, r.id]));
		} finally {
			await db.destroy();
		}
		const a = ids['tv-overvaagning-2020-07'];
		const b = ids['tv-overvaagning-2025-07'];
		const api = await playwrightRequest.newContext({ baseURL });
		try {
			await signInRequest(api, baseURL, USERS.ministry);
			const response = await api.post('/regler/konsekvens', {
				headers: formHeaders(baseURL),
				form: { a: String(a), b: String(b) },
				maxRedirects: 0,
				timeout: 180_000
			});
			const match = /^\/regler\/konsekvens\/(\d+)$/.exec(response.headers()['location'] ?? '');
			if (!match) throw new Error(`running the impact analysis answered ${response.status()}`);
			return { a, b, analysis: Number(match[1]) };
		} finally {
			await api.dispose();
		}
	})();
	return shippedImpact;
}
