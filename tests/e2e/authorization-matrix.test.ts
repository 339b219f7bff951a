// The authorization matrix: every role (and the public) × own / other scope × every action in
// the policy, each expected allow or deny, exercised through the real pages, endpoints and form
// actions of the built app on the real database. The expectations are written out here, not
// derived from the policy, so a wrong policy makes this test fail; and an action added to the
// policy without rows here fails the completeness test.
import {
	expect,
	request as playwrightRequest,
	test,
	type APIRequestContext,
	type APIResponse
} from '@playwright/test';
import { ACTIONS, type Action } from '../../src/lib/server/auth/policy';
import { toUtm32 } from '../../src/lib/geo/projection';
import {
	KØBENHAVN_SPOT,
	OTHER_MUNICIPALITY,
	OWN_MUNICIPALITY,
	USERS,
	cameraForm,
	cameraImportCsv,
	createTestCamera,
	ensureTestUsers,
	formHeaders,
	pointIn,
	publishedRuleSetVersion,
	shippedImpactAnalysis,
	signInRequest,
	type TestUser
} from './support';

type Who = 'public' | TestUser['key'];
type Scope = 'own' | 'other';
type Outcome = 'allow' | 'deny';

interface ProbeContext {
	api: APIRequestContext;
	baseURL: string;
	/** The municipality the probe targets: the user's own scope or another one. */
	municipality: number;
	ids: Record<TestUser['key'], string>;
}

/** What actually happened: allowed, sent to sign in, or refused with 403. */
type Observed = 'allow' | 'login' | 'forbidden' | `unexpected ${number}`;

function observe(status: number, location: string | undefined, allowedWhen: () => boolean): Observed {
	if (status === 403) return 'forbidden';
	if ((status === 303 || status === 302) && location?.startsWith('/login?next=')) return 'login';
	if (allowedWhen()) return 'allow';
	return `unexpected ${status}`;
}

interface MatrixRow {
	action: Action;
	/** Scopes that mean something for this action; national and self-only actions have one. */
	scopes: Scope[];
	probe(ctx: ProbeContext): Promise<Observed>;
	expect: Record<Who, Partial<Record<Scope, Outcome>>>;
}

const everyone = (o: Outcome): Record<Who, Partial<Record<Scope, Outcome>>> => ({
	public: { own: o, other: o },
	planner: { own: o, other: o },
	police: { own: o, other: o },
	ministry: { own: o, other: o },
	admin: { own: o, other: o }
});

/** An HTML answer: allowed when it is a 200 page with the marker in it (any 200 page without one). */
async function observePage(response: APIResponse, allowMarker?: string): Promise<Observed> {
	const body = response.status() === 200 ? await response.text() : '';
	return observe(
		response.status(),
		response.headers()['location'],
		() => response.status() === 200 && (!allowMarker || body.includes(allowMarker))
	);
}

const getPage = (path: (ctx: ProbeContext) => string, allowMarker?: string) => async (ctx: ProbeContext) =>
	observePage(await ctx.api.get(path(ctx), { maxRedirects: 0 }), allowMarker);

/** A file form posted as a browser would (multipart, Origin, Accept: text/html), without following redirects. */
const postFile =
	(
		path: string,
		multipart: (ctx: ProbeContext) => Promise<Record<string, string | UploadFile>>,
		allowMarker: string
	) =>
	async (ctx: ProbeContext) => {
		const response = await ctx.api.post(path, {
			headers: { origin: ctx.baseURL, accept: 'text/html' },
			multipart: await multipart(ctx),
			maxRedirects: 0
		});
		return observePage(response, allowMarker);
	};

interface UploadFile {
	name: string;
	mimeType: string;
	buffer: Buffer;
}

/** A form action posted as a browser would (Origin, Accept: text/html), without following redirects. */
const postForm =
	(path: (ctx: ProbeContext) => string, form: () => Record<string, string>, allowMarker: string) =>
	async (ctx: ProbeContext) => {
		const response = await ctx.api.post(path(ctx), {
			headers: formHeaders(ctx.baseURL),
			form: form(),
			maxRedirects: 0
		});
		return observePage(response, allowMarker);
	};

/** National user management: admins only, whatever the scope. */
const adminOnly: Record<Who, Partial<Record<Scope, Outcome>>> = {
	public: { own: 'deny' },
	planner: { own: 'deny' },
	police: { own: 'deny' },
	ministry: { own: 'deny' },
	admin: { own: 'allow' }
};

const matrix: MatrixRow[] = [
	{
		action: 'map.view',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const page = await getPage((c) => `/?kommune=${c.municipality}`)(ctx);
			const tile = await ctx.api.get('/tiles/municipalities/6/33/20.mvt');
			return page === 'allow' && tile.status() === 200 ? 'allow' : page;
		},
		expect: everyone('allow')
	},
	{
		action: 'municipality.workspace',
		scopes: ['own', 'other'],
		probe: getPage((c) => `/kommune/${c.municipality}`, 'data-testid="workspace"'),
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'allow', other: 'deny' },
			ministry: { own: 'allow', other: 'allow' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		action: 'municipality.history',
		scopes: ['own', 'other'],
		probe: getPage((c) => `/kommune/${c.municipality}`, 'data-testid="history"'),
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'allow', other: 'deny' },
			ministry: { own: 'allow', other: 'allow' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		action: 'account.view',
		scopes: ['own'],
		probe: getPage(() => '/account', 'signOutEverywhere'),
		expect: {
			public: { own: 'deny' },
			planner: { own: 'allow' },
			police: { own: 'allow' },
			ministry: { own: 'allow' },
			admin: { own: 'allow' }
		}
	},
	{
		action: 'account.signOutEverywhere',
		scopes: ['own'],
		probe: async (ctx) => {
			const response = await ctx.api.post('/account?/signOutEverywhere', {
				headers: formHeaders(ctx.baseURL),
				form: {},
				maxRedirects: 0
			});
			const after = await ctx.api.get('/account', { maxRedirects: 0 });
			return observe(
				response.status(),
				response.headers()['location'],
				() => response.headers()['location'] === '/login' && after.status() === 303
			);
		},
		expect: {
			public: { own: 'deny' },
			planner: { own: 'allow' },
			police: { own: 'allow' },
			ministry: { own: 'allow' },
			admin: { own: 'allow' }
		}
	},
	{
		action: 'users.list',
		scopes: ['own'],
		probe: getPage(() => '/admin/users', 'data-testid="admin-users"'),
		expect: adminOnly
	},
	{
		action: 'users.create',
		scopes: ['own'],
		probe: postForm(
			() => '/admin/users/new',
			() => ({ email: `matrix-${crypto.randomUUID()}@e2e.test`, name: 'Matrix', role: 'ministry' }),
			'data-testid="user-created"'
		),
		expect: adminOnly
	},
	{
		action: 'users.update',
		scopes: ['own'],
		probe: postForm(
			(c) => `/admin/users/${c.ids.police}?/enable`,
			() => ({}),
			'data-testid="admin-user"'
		),
		expect: adminOnly
	},
	{
		action: 'users.history',
		scopes: ['own'],
		probe: getPage((c) => `/admin/users/${c.ids.planner}`, 'data-testid="audit-history"'),
		expect: adminOnly
	},
	{
		action: 'camera.list',
		scopes: ['own'],
		probe: getPage(() => '/kameraer', 'data-testid="camera-register"'),
		expect: {
			public: { own: 'deny' },
			planner: { own: 'allow' },
			police: { own: 'allow' },
			ministry: { own: 'allow' },
			admin: { own: 'deny' }
		}
	},
	{
		// A proposal: readable in one's own scope only. Active cameras, readable everywhere, are
		// covered by the read checks in cameras.test.ts.
		action: 'camera.view',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const camera = await createTestCamera(ctx.municipality, 'proposed');
			return getPage(() => `/kameraer/${camera.id}`, 'data-testid="camera-detail"')(ctx);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'allow', other: 'deny' },
			ministry: { own: 'allow', other: 'allow' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		action: 'camera.history',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const camera = await createTestCamera(ctx.municipality, 'proposed');
			return getPage(() => `/kameraer/${camera.id}`, 'data-testid="camera-history"')(ctx);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'allow', other: 'deny' },
			ministry: { own: 'allow', other: 'allow' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		// The municipality comes from the position: a planner placing a camera in another
		// municipality is refused (403, with the reason next to the position).
		action: 'camera.create',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const at = await pointIn(ctx.municipality);
			const response = await ctx.api.post('/kameraer/ny', {
				headers: formHeaders(ctx.baseURL),
				form: cameraForm({ name: 'Matrix camera', lon: String(at.lon), lat: String(at.lat) }),
				maxRedirects: 0
			});
			const location = response.headers()['location'];
			return observe(response.status(), location, () => /^\/kameraer\/[0-9a-f-]{36}$/.test(location ?? ''));
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'deny', other: 'deny' },
			ministry: { own: 'deny', other: 'deny' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		action: 'camera.update',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const camera = await createTestCamera(ctx.municipality, 'proposed');
			return postForm(
				() => `/kameraer/${camera.id}?/update`,
				() => cameraForm({ name: 'Matrix update' }),
				'data-testid="camera-done"'
			)(ctx);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'deny', other: 'deny' },
			ministry: { own: 'deny', other: 'deny' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		action: 'camera.move',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const camera = await createTestCamera(ctx.municipality, 'proposed');
			return postForm(
				() => `/kameraer/${camera.id}?/move`,
				() => ({ positionCrs: 'EPSG:4326', lon: String(camera.lon), lat: String(camera.lat) }),
				'data-testid="camera-done"'
			)(ctx);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'deny', other: 'deny' },
			ministry: { own: 'deny', other: 'deny' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		action: 'camera.review',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const camera = await createTestCamera(ctx.municipality, 'proposed');
			return postForm(
				() => `/kameraer/${camera.id}?/status`,
				() => ({ status: 'approved' }),
				'data-testid="camera-done"'
			)(ctx);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'deny', other: 'deny' },
			police: { own: 'allow', other: 'deny' },
			ministry: { own: 'deny', other: 'deny' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		// A placement at a point of the municipality checked against the rules in force (the API
		// answers 401 without a session): whoever works on the municipality, as for its workspace.
		action: 'camera.check',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const at = await pointIn(ctx.municipality);
			const [x, y] = toUtm32([at.lon, at.lat]);
			const response = await ctx.api.post('/api/cameras/check', {
				headers: { origin: ctx.baseURL, accept: 'application/json' },
				data: {
					x,
					y,
					kind: 'fixed',
					mountHeightM: 5,
					azimuthDeg: 90,
					tiltDeg: 15,
					hfovDeg: 80,
					resolutionPx: 1920,
					maxRangeM: 40,
					ownerType: 'municipality',
					legalBasis: '§ 2 a',
					operatorName: 'Matrix Kommune',
					retentionDays: 30,
					signage: true
				},
				maxRedirects: 0,
				// The first check may compute the national hotspot run the rules need.
				timeout: 180_000
			});
			if (response.status() === 401) return 'login';
			const body = response.status() === 200 ? await response.json() : null;
			return observe(
				response.status(),
				undefined,
				() => typeof body?.allowed === 'boolean' && body.results.length > 0 && body.ruleSet !== null
			);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'allow', other: 'deny' },
			ministry: { own: 'allow', other: 'allow' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		action: 'camera.activate',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const camera = await createTestCamera(ctx.municipality, 'approved');
			return postForm(
				() => `/kameraer/${camera.id}?/status`,
				() => ({ status: 'active' }),
				'data-testid="camera-done"'
			)(ctx);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'deny', other: 'deny' },
			ministry: { own: 'deny', other: 'deny' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		// An active camera, which every camera reader may see: only the planners of its own
		// municipality may take it out of service.
		action: 'camera.decommission',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const camera = await createTestCamera(ctx.municipality, 'active');
			return postForm(
				() => `/kameraer/${camera.id}?/decommission`,
				() => ({}),
				'data-testid="camera-done"'
			)(ctx);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'deny', other: 'deny' },
			ministry: { own: 'deny', other: 'deny' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		// Scoped camera tiles: a request without a session is 401 (sign in), not a redirect to a
		// login page. Which rows each reader gets is proven in tests/integration/camera-tiles.test.ts.
		action: 'cameras.tiles',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			// z12 tiles on København's and Aalborg's interior points.
			const tile = ctx.municipality === 101 ? '12/2191/1282' : '12/2162/1252';
			const response = await ctx.api.get(`/tiles/cameras/${tile}.mvt`, { maxRedirects: 0 });
			const status = response.status();
			if (status === 401) return 'login';
			const scoped = response.headers()['cache-control']?.startsWith('private');
			return observe(status, undefined, () => (status === 200 || status === 204) && scoped === true);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'allow' },
			police: { own: 'allow', other: 'allow' },
			ministry: { own: 'allow', other: 'allow' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		action: 'cameras.public',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const page = await getPage(
				(c) => `/offentlig?kommune=${c.municipality}`,
				'data-testid="public-map"'
			)(ctx);
			const download = await ctx.api.get('/offentlig/kameraer.geojson', { maxRedirects: 0 });
			return page === 'allow' && download.status() === 200 ? 'allow' : page;
		},
		expect: everyone('allow')
	},
	{
		// A spot in the municipality: København lies in the police reviewer's district, Aalborg not.
		action: 'footage.search',
		scopes: ['own', 'other'],
		probe: getPage((c) => {
			const [lon, lat] = c.municipality === 101 ? [12.602, 55.657] : [10.039, 57.109];
			const at = new Date(Date.now() - 86_400_000).toISOString().slice(0, 16);
			return `/politi/optagelser?sog=1&where=point&lon=${lon}&lat=${lat}&when=at&at=${at}`;
		}, 'data-testid="footage-results"'),
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'deny', other: 'deny' },
			police: { own: 'allow', other: 'deny' },
			ministry: { own: 'deny', other: 'deny' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		// A one-camera file at a point of the municipality: planners import into their own only
		// (elsewhere a 403 with the row report); nobody else reaches the import at all.
		action: 'cameras.import',
		scopes: ['own', 'other'],
		probe: postFile(
			'/kameraer/import',
			async (ctx) => {
				const at = await pointIn(ctx.municipality);
				const csv = cameraImportCsv([
					cameraForm({ name: 'Matrix import', lon: String(at.lon), lat: String(at.lat) })
				]);
				return { file: { name: 'matrix.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) } };
			},
			'data-testid="import-done"'
		),
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'deny', other: 'deny' },
			ministry: { own: 'deny', other: 'deny' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		// A one-incident file at a point of the municipality, sent as the upload page sends it (the
		// body is the file): police reviewers import in their own district only (elsewhere a 403
		// with the row report); nobody else reaches the import at all.
		action: 'incidents.import',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const at = await pointIn(ctx.municipality);
			const csv = `sourceRef,occurredAt,category,lon,lat\r\nmatrix-${crypto.randomUUID()},2025-05-01T10:00,theft,${at.lon},${at.lat}\r\n`;
			const response = await ctx.api.post('/haendelser/import/upload?name=matrix.csv', {
				headers: { origin: ctx.baseURL, accept: 'application/json', 'content-type': 'text/csv' },
				data: Buffer.from(csv),
				maxRedirects: 0
			});
			const body = response.status() === 200 ? await response.json() : null;
			return observe(
				response.status(),
				response.headers()['location'],
				() => body?.ok === true && body.imported === 1
			);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'deny', other: 'deny' },
			police: { own: 'allow', other: 'deny' },
			ministry: { own: 'deny', other: 'deny' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		// Every camera reader downloads the register, filtered to what they may read (which rows
		// each role gets is proven in tests/integration/camera-export.test.ts).
		action: 'cameras.export',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const csv = await ctx.api.get(`/kameraer/eksport.csv?kommune=${ctx.municipality}`, { maxRedirects: 0 });
			const geojson = await ctx.api.get(`/kameraer/eksport.geojson?kommune=${ctx.municipality}`, {
				maxRedirects: 0
			});
			const header = csv.status() === 200 ? await csv.text() : '';
			return observe(
				csv.status(),
				csv.headers()['location'],
				() =>
					header.includes('mountHeightM') &&
					geojson.status() === 200 &&
					(geojson.headers()['content-type'] ?? '').startsWith('application/geo+json')
			);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'allow' },
			police: { own: 'allow', other: 'allow' },
			ministry: { own: 'allow', other: 'allow' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		// The municipality as the study area, on the page and through the API (which answers 401
		// without a session, counted as sent to sign in): planners analyse their own municipality,
		// police reviewers the municipalities of their district, ministry reviewers any.
		action: 'hotspots.view',
		scopes: ['own', 'other'],
		probe: async (ctx) => {
			const area = `area=municipality:${ctx.municipality}&cell=500&from=2025-01-01&to=2025-12-31`;
			const page = await getPage(() => `/hotspots?${area}`, 'data-testid="hotspots"')(ctx);
			if (page !== 'allow') return page;
			const response = await ctx.api.get(`/api/hotspots?${area}`, { maxRedirects: 0 });
			if (response.status() === 401) return 'login';
			const body = response.status() === 200 ? await response.json() : null;
			return observe(
				response.status(),
				undefined,
				() =>
					typeof body?.run?.id === 'number' && body.tiles === `/hotspots/tiles/${body.run.id}/{z}/{x}/{y}.mvt`
			);
		},
		expect: {
			public: { own: 'deny', other: 'deny' },
			planner: { own: 'allow', other: 'deny' },
			police: { own: 'allow', other: 'deny' },
			ministry: { own: 'allow', other: 'allow' },
			admin: { own: 'deny', other: 'deny' }
		}
	},
	{
		// Survey results are national statistics: every reviewer reads the list and the layers; the
		// scoped tiles answer 401 without a session rather than redirecting.
		action: 'surveys.view',
		scopes: ['own'],
		probe: async (ctx) => {
			const page = await getPage(() => '/tryghed', 'data-testid="survey-list"')(ctx);
			if (page !== 'allow') return page;
			const tile = await ctx.api.get('/tiles/survey-shares/6/33/20.mvt', { maxRedirects: 0 });
			const scoped = tile.headers()['cache-control']?.startsWith('private');
			return (tile.status() === 200 || tile.status() === 204) && scoped === true
				? 'allow'
				: `unexpected ${tile.status()}`;
		},
		expect: {
			public: { own: 'deny' },
			planner: { own: 'allow' },
			police: { own: 'allow' },
			ministry: { own: 'allow' },
			admin: { own: 'deny' }
		}
	},
	{
		// The national survey is the ministry's: only its reviewers upload results.
		action: 'surveys.import',
		scopes: ['own'],
		probe: postFile(
			'/tryghed/import',
			async (ctx) => {
				const csv =
					'survey,periodFrom,periodTo,municipalityCode,unsafeShare,respondents\n' +
					`Matrix-undersøgelse,2025,2025,${ctx.municipality},0.2,100\n`;
				return {
					kind: 'results',
					file: { name: 'matrix.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) }
				};
			},
			'data-testid="import-done"'
		),
		expect: {
			public: { own: 'deny' },
			planner: { own: 'deny' },
			police: { own: 'deny' },
			ministry: { own: 'allow' },
			admin: { own: 'deny' }
		}
	},
	{
		// Rule sets are national: every reviewer reads them, nobody else.
		action: 'rulesets.view',
		scopes: ['own'],
		probe: getPage(() => '/regler', 'data-testid="rule-sets"'),
		expect: {
			public: { own: 'deny' },
			planner: { own: 'allow' },
			police: { own: 'allow' },
			ministry: { own: 'allow' },
			admin: { own: 'deny' }
		}
	},
	{
		// A draft of the 2020 rule set, made from its latest published version and deleted again.
		action: 'rulesets.edit',
		scopes: ['own'],
		probe: async (ctx) => {
			const slug = 'tv-overvaagning-2020-07';
			const version = await publishedRuleSetVersion(slug);
			const response = await ctx.api.post(`/regler/${slug}/${version}?/createDraft`, {
				headers: formHeaders(ctx.baseURL),
				form: {},
				maxRedirects: 0
			});
			const location = response.headers()['location'];
			await publishedRuleSetVersion(slug);
			return observe(response.status(), location, () => location === `/regler/${slug}/${version + 1}`);
		},
		expect: {
			public: { own: 'deny' },
			planner: { own: 'deny' },
			police: { own: 'deny' },
			ministry: { own: 'allow' },
			admin: { own: 'deny' }
		}
	},
	{
		// One school polygon in København, added to the layer.
		action: 'referenceLayers.import',
		scopes: ['own'],
		probe: postFile(
			'/regler/lag?/import',
			async () => {
				const [lon, lat] = KØBENHAVN_SPOT;
				const polygon = [
					[lon, lat],
					[lon + 0.001, lat],
					[lon + 0.001, lat + 0.001],
					[lon, lat + 0.001],
					[lon, lat]
				];
				const geojson = JSON.stringify({
					type: 'FeatureCollection',
					features: [
						{
							type: 'Feature',
							properties: { name: 'Matrix skole' },
							geometry: { type: 'Polygon', coordinates: [polygon] }
						}
					]
				});
				return {
					layer: 'school',
					file: { name: 'skoler.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(geojson) }
				};
			},
			'data-testid="reference-import-done"'
		),
		expect: {
			public: { own: 'deny' },
			planner: { own: 'deny' },
			police: { own: 'deny' },
			ministry: { own: 'allow' },
			admin: { own: 'deny' }
		}
	},
	{
		// National: an analysis of the shipped rule sets (made through the service) read as its page,
		// its CSV and a map tile, and a new analysis run through the form. Every request must agree;
		// the tile answers 401 without a session rather than redirecting.
		action: 'rules.impact',
		scopes: ['own'],
		probe: async (ctx) => {
			// The first analysis may compute the national hotspot run the 2025 rules need.
			test.setTimeout(180_000);
			const { a, b, analysis } = await shippedImpactAnalysis(ctx.baseURL);
			const base = `/regler/konsekvens/${analysis}`;
			const page = await getPage(() => base, 'data-testid="impact-result"')(ctx);
			const csv = await ctx.api.get(`${base}/aendringer.csv`, { maxRedirects: 0 });
			const csvBody = csv.status() === 200 ? await csv.text() : '';
			const csvSeen = observe(csv.status(), csv.headers()['location'], () =>
				csvBody.startsWith('\uFEFFcameraId,name,municipalityCode')
			);
			const tile = await ctx.api.get(`${base}/tiles/6/33/20.mvt`, { maxRedirects: 0 });
			const tileSeen: Observed =
				tile.status() === 401
					? 'login'
					: observe(tile.status(), undefined, () => [200, 204].includes(tile.status()));
			const run = await ctx.api.post('/regler/konsekvens', {
				headers: formHeaders(ctx.baseURL),
				form: { a: String(a), b: String(b) },
				maxRedirects: 0
			});
			const runSeen = observe(run.status(), run.headers()['location'], () =>
				/^\/regler\/konsekvens\/\d+$/.test(run.headers()['location'] ?? '')
			);
			const seen = [page, csvSeen, tileSeen, runSeen];
			return seen.every((o) => o === seen[0]) ? seen[0] : (`unexpected ${JSON.stringify(seen)}` as Observed);
		},
		expect: {
			public: { own: 'deny' },
			planner: { own: 'deny' },
			police: { own: 'deny' },
			ministry: { own: 'allow' },
			admin: { own: 'deny' }
		}
	}
];

const whos: Who[] = ['public', 'planner', 'police', 'ministry', 'admin'];

test.describe('authorization matrix', () => {
	let ids: Record<TestUser['key'], string>;

	test.beforeAll(async () => {
		ids = await ensureTestUsers();
	});

	test('covers every action in the policy', () => {
		expect(new Set(matrix.map((r) => r.action))).toEqual(new Set(ACTIONS));
		for (const row of matrix) {
			for (const who of whos) {
				for (const scope of row.scopes)
					expect(row.expect[who][scope], `${row.action} ${who} ${scope}`).toBeDefined();
			}
		}
	});

	for (const row of matrix) {
		for (const who of whos) {
			for (const scope of row.scopes) {
				const expected = row.expect[who][scope]!;
				test(`${row.action}: ${who} in ${scope} scope → ${expected}`, async ({ baseURL }) => {
					const api = await playwrightRequest.newContext({ baseURL });
					try {
						if (who !== 'public') {
							const signIn = await signInRequest(api, baseURL!, USERS[who]);
							expect(signIn.status(), 'sign-in redirects').toBe(303);
						}
						const municipality = scope === 'own' ? OWN_MUNICIPALITY : OTHER_MUNICIPALITY;
						const observed = await row.probe({ api, baseURL: baseURL!, municipality, ids });
						const wanted: Observed =
							expected === 'allow' ? 'allow' : who === 'public' ? 'login' : 'forbidden';
						expect(observed).toBe(wanted);
					} finally {
						await api.dispose();
					}
				});
			}
		}
	}
});
