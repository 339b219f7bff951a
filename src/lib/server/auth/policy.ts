// The one place where permissions are decided. Every page, form action, endpoint and tile layer
// that exposes non-public data asks `can` (usually through `guard`). Scope always comes from the
// resource as loaded on the server (a municipality's police district, say), never from the client.
import type { CameraStatus, OwnerType } from '../db/schema';
import type { SessionUser } from './session';

export type Resource =
	| { type: 'public' }
	| { type: 'municipality'; code: number; policeDistrict: number | null }
	| { type: 'user'; id: string }
	| { type: 'self' }
	/** A stored camera (or one about to be stored), with its municipality's police district. */
	| {
			type: 'camera';
			municipalityCode: number;
			policeDistrict: number | null;
			status: CameraStatus;
			ownerType: OwnerType;
	  }
	/** A police district as the place a search covers. */
	| { type: 'policeDistrict'; number: number | null }
	/** The whole country as a study area. */
	| { type: 'country' };

type Rule = (user: SessionUser | null, resource: Resource) => boolean;

const anyone: Rule = () => true;
const signedIn: Rule = (user) => user !== null;
const admin: Rule = (user) => user?.role === 'admin';

/** Municipal work: planners of that municipality, police of its district, ministry reviewers. */
const municipalScope: Rule = (user, resource) => {
	if (!user || resource.type !== 'municipality') return false;
	switch (user.role) {
		case 'planner':
			return user.municipalityCode === resource.code;
		case 'police':
			return resource.policeDistrict !== null && user.policeDistrict === resource.policeDistrict;
		case 'ministry':
			return true;
		case 'admin':
			return false;
	}
};

/**
 * Which cameras a user may read, in a form that a list query can apply as a filter: planners
 * their own municipality's cameras and police their district's, in any status, plus every active
 * camera; ministry reviewers everything; administrators nothing.
 */
export type CameraReadScope =
	| { kind: 'none' }
	| { kind: 'all' }
	| { kind: 'municipality'; code: number }
	| { kind: 'policeDistrict'; number: number };

export function cameraReadScope(user: SessionUser | null): CameraReadScope {
	if (user?.role === 'ministry') return { kind: 'all' };
	if (user?.role === 'planner' && user.municipalityCode !== null)
		return { kind: 'municipality', code: user.municipalityCode };
	if (user?.role === 'police' && user.policeDistrict !== null)
		return { kind: 'policeDistrict', number: user.policeDistrict };
	return { kind: 'none' };
}

const cameraReader: Rule = (user) => ['planner', 'police', 'ministry'].includes(user?.role ?? '');

const cameraRead: Rule = (user, resource) => {
	if (resource.type !== 'camera') return false;
	const scope = cameraReadScope(user);
	switch (scope.kind) {
		case 'none':
			return false;
		case 'all':
			return true;
		case 'municipality':
			return resource.status === 'active' || resource.municipalityCode === scope.code;
		case 'policeDistrict':
			return resource.status === 'active' || resource.policeDistrict === scope.number;
	}
};

/** The camera's municipal scope: its own planners, its district's police, ministry reviewers. */
const cameraMunicipalScope: Rule = (user, resource) =>
	resource.type === 'camera' &&
	municipalScope(user, {
		type: 'municipality',
		code: resource.municipalityCode,
		policeDistrict: resource.policeDistrict
	});

/** Planners of the camera's municipality (for creation: of the municipality it would lie in). */
const cameraPlanner: Rule = (user, resource) => {
	if (user?.role !== 'planner' || user.municipalityCode === null) return false;
	if (resource.type === 'camera') return resource.municipalityCode === user.municipalityCode;
	if (resource.type === 'municipality') return resource.code === user.municipalityCode;
	return false;
};

/**
 * Checking a camera against the rules: whoever works on the municipality it lies in (a placement:
 * where it would lie; a stored camera: where it is), as for the municipality's workspace.
 */
const cameraChecker: Rule = (user, resource) =>
	resource.type === 'camera' ? cameraMunicipalScope(user, resource) : municipalScope(user, resource);

/** Police reviewers of the district the camera's municipality lies in. */
const cameraDistrictPolice: Rule = (user, resource) =>
	user?.role === 'police' &&
	resource.type === 'camera' &&
	resource.policeDistrict !== null &&
	user.policeDistrict === resource.policeDistrict;

/**
 * Importing cameras from a file: planners, into their own municipality (checked for every row
 * where it lies) and only as proposals, which their district's police then review.
 */
const cameraImporter: Rule = (user, resource) =>
	cameraPlanner(user, resource) && (resource.type !== 'camera' || resource.status === 'proposed');

/** Camera tiles: whoever may read some cameras; the tile SQL keeps to cameraReadScope. */
const cameraTileReader: Rule = (user) => cameraReadScope(user).kind !== 'none';

/**
 * The footage finder answers an investigative question (who may hold footage of this place and
 * time), so only police reviewers, for places in their own district: every municipality the spot
 * meets, or the district itself. Ministry reviewers assess rules nationally and have no use for
 * incident footage, so they are not let in either.
 */
const footageSearcher: Rule = (user, resource) => {
	if (user?.role !== 'police' || user.policeDistrict === null) return false;
	if (resource.type === 'policeDistrict') return resource.number === user.policeDistrict;
	if (resource.type === 'municipality') return resource.policeDistrict === user.policeDistrict;
	return false;
};

/**
 * Incident data is police data: police reviewers import it for their own district (checked for
 * every row's municipality) and nobody else does; operators import with the CLI.
 */
const incidentImporter: Rule = (user, resource) => {
	if (user?.role !== 'police' || user.policeDistrict === null) return false;
	if (resource.type === 'policeDistrict') return resource.number === user.policeDistrict;
	if (resource.type === 'municipality') return resource.policeDistrict === user.policeDistrict;
	return false;
};

/**
 * Hotspot analyses (aggregated counts and Gi* on a grid, never single incidents) over a study
 * area: planners for their municipality, police for their district and its municipalities,
 * ministry reviewers anywhere including the whole country.
 */
const hotspotViewer: Rule = (user, resource) => {
	switch (user?.role) {
		case 'ministry':
			return ['country', 'policeDistrict', 'municipality'].includes(resource.type);
		case 'planner':
			return resource.type === 'municipality' && resource.code === user.municipalityCode;
		case 'police':
			return incidentImporter(user, resource);
		default:
			return false;
	}
};

/** Safety-survey results are published statistics: every signed-in reviewer reads them. */
const surveyReader: Rule = (user) => ['planner', 'police', 'ministry'].includes(user?.role ?? '');

/** The national safety survey is the Ministry of Justice's: its reviewers import it. */
const surveyImporter: Rule = (user) => user?.role === 'ministry';

/** Rule sets are national law as data: every reviewer reads them (to see why a check fails). */
const ruleSetReader: Rule = (user) => ['planner', 'police', 'ministry'].includes(user?.role ?? '');

/** Drafting and publishing rule sets, and the reference layers they measure against: the ministry. */
const ministryOnly: Rule = (user) => user?.role === 'ministry';

export const policy = {
	/** The public map and public boundary tiles. */
	'map.view': anyone,
	/** A municipality's workspace page: its details, members and tools. */
	'municipality.workspace': municipalScope,
	/** The audit history of a municipality and the objects in it. */
	'municipality.history': municipalScope,
	/** Own account page. */
	'account.view': signedIn,
	/** Invalidate all of one's own sessions. */
	'account.signOutEverywhere': signedIn,
	/** User management (pages and CLI): admins only. */
	'users.list': admin,
	'users.create': admin,
	'users.update': admin,
	'users.history': admin,
	/** The camera register list (its rows are filtered by cameraReadScope). */
	'camera.list': cameraReader,
	/** One camera's details and view; active cameras are visible to every camera reader. */
	'camera.view': cameraRead,
	/** One camera's audit history. */
	'camera.history': cameraMunicipalScope,
	/** Propose a new camera; the resource is where it would lie (a municipality or camera). */
	'camera.create': cameraPlanner,
	/** Edit a camera's description. */
	'camera.update': cameraPlanner,
	/** Move a camera; checked for both the old and the new position. */
	'camera.move': cameraPlanner,
	/** Put an approved camera into service (approved → active). */
	'camera.activate': cameraPlanner,
	/** Take a camera out of service for good. */
	'camera.decommission': cameraPlanner,
	/** Check a placement or a stored camera against the rules in force (and its recorded evaluations). */
	'camera.check': cameraChecker,
	/** The police review: approve a proposal (proposed → approved) or send it back. */
	'camera.review': cameraDistrictPolice,
	/** Import cameras from CSV or GeoJSON: the page (own municipality) and every row (where it lies, its status). */
	'cameras.import': cameraImporter,
	/** Download the register as CSV or GeoJSON; its rows are filtered by cameraReadScope. */
	'cameras.export': cameraReader,
	/** Scoped camera tiles (`cameras`, `camera-views`): rows filtered by cameraReadScope in the tile SQL. */
	'cameras.tiles': cameraTileReader,
	/** The public camera map, its tiles and downloads: active cameras of non-private owners. */
	'cameras.public': anyone,
	/** Find cameras that may hold footage of a place and time. */
	'footage.search': footageSearcher,
	/** Import point incidents (CSV, GeoJSON): the page (own district) and every row (its municipality). */
	'incidents.import': incidentImporter,
	/** Hotspot analysis (hex counts, Gi*) of a study area: a municipality, police district or the country. */
	'hotspots.view': hotspotViewer,
	/** Safety-survey shares and unsafe places: the map layers and lists. */
	'surveys.view': surveyReader,
	/** Import safety-survey results and unsafe places. */
	'surveys.import': surveyImporter,
	/** Rule sets, their versions, diffs and the reference layers' list. */
	'rulesets.view': ruleSetReader,
	/** Create, edit, publish and delete drafts of rule sets. */
	'rulesets.edit': ministryOnly,
	/** Import the polygons of a reference layer (housing areas, nightlife areas, …). */
	'referenceLayers.import': ministryOnly,
	/** Rule-change impact analyses (two versions over every camera in the country): run, read, export. */
	'rules.impact': ministryOnly
} satisfies Record<string, Rule>;

export type Action = keyof typeof policy;
export const ACTIONS = Object.keys(policy) as Action[];

export function can(user: SessionUser | null, action: Action, resource: Resource): boolean {
	return policy[action](user, resource);
}
