// Coordinate reference systems a boundary file may use, and a plausibility check of its
// coordinates against Denmark, which is what catches a wrong or missing CRS.
import { BoundaryImportError } from './errors';

export type CrsOrigin = 'option' | 'file' | 'assumed';

export interface SourceCrs {
	srid: number;
	label: string;
	origin: CrsOrigin;
}

/** [minX, minY, maxX, maxY] */
export type Bbox = [number, number, number, number];

interface CrsSpec {
	label: string;
	geographic: boolean;
	/** Denmark, Bornholm and Christiansø with a wide margin, in this CRS. */
	denmark: Bbox;
}

const geographicDenmark: Bbox = [3, 53, 18, 59];

export const supportedCrs: Record<number, CrsSpec> = {
	4326: { label: 'CRS84', geographic: true, denmark: geographicDenmark },
	4258: { label: 'EPSG:4258', geographic: true, denmark: geographicDenmark },
	25832: { label: 'EPSG:25832', geographic: false, denmark: [150_000, 5_850_000, 1_050_000, 6_550_000] },
	25833: { label: 'EPSG:25833', geographic: false, denmark: [-250_000, 5_850_000, 650_000, 6_550_000] }
};

const supportedList = 'CRS84 (EPSG:4326), EPSG:4258, EPSG:25832, EPSG:25833';

/**
 * The SRID for a CRS name as GeoJSON files and users write it: `urn:ogc:def:crs:OGC:1.3:CRS84`,
 * `EPSG:4326`, `urn:ogc:def:crs:EPSG::25832`, `http://www.opengis.net/def/crs/EPSG/0/25832`, `25832`.
 * GeoJSON positions are longitude first whatever the name says, so EPSG:4326 means lon/lat here.
 */
export function parseCrsName(name: string): number {
	const text = name.trim();
	let srid: number | null = null;
	if (/(^|[:/])CRS:?84$/i.test(text)) srid = 4326;
	else {
		const match =
			/^(?:urn:ogc:def:crs:)?EPSG:(?:[\d.]*:)?(\d+)$/i.exec(text) ??
			/^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/(\d+)$/i.exec(text) ??
			/^(\d+)$/.exec(text);
		if (match) srid = Number(match[1]);
	}
	if (srid === null) throw new BoundaryImportError(`Unknown CRS "${text}". Supported: ${supportedList}.`);
	if (!supportedCrs[srid])
		throw new BoundaryImportError(`Unsupported CRS "${text}". Supported: ${supportedList}.`);
	return srid;
}

/** The SRID a GeoJSON `crs` member names, or null when there is none. */
export function sridFromCrsMember(crs: unknown): number | null {
	if (crs === undefined || crs === null) return null;
	if (
		typeof crs === 'object' &&
		'properties' in crs &&
		crs.properties &&
		typeof crs.properties === 'object'
	) {
		const type = 'type' in crs ? crs.type : undefined;
		const props = crs.properties as Record<string, unknown>;
		if (type === 'name' && typeof props.name === 'string') return parseCrsName(props.name);
		// The 2008 GeoJSON draft's form: {"type": "EPSG", "properties": {"code": 25832}}
		if (type === 'EPSG' && (typeof props.code === 'number' || typeof props.code === 'string')) {
			return parseCrsName(String(props.code));
		}
	}
	throw new BoundaryImportError(
		`The file's "crs" member ${JSON.stringify(crs).slice(0, 200)} is not a named CRS; pass --srs (${supportedList}).`
	);
}

/** Which CRS to read the file in: the command line's over the file's over CRS84. */
export function resolveSourceCrs(optionSrs: string | undefined, crsMember: unknown): SourceCrs {
	const fromOption = optionSrs?.trim() ? parseCrsName(optionSrs) : null;
	const fromFile = sridFromCrsMember(crsMember);
	const srid = fromOption ?? fromFile ?? 4326;
	return {
		srid,
		label: supportedCrs[srid].label,
		origin: fromOption !== null ? 'option' : fromFile !== null ? 'file' : 'assumed'
	};
}

function formatBbox([minX, minY, maxX, maxY]: Bbox): string {
	const f = (v: number) =>
		Math.abs(v) >= 1000 ? String(Math.round(v)) : String(Math.round(v * 1000) / 1000);
	return `x ${f(minX)}..${f(maxX)}, y ${f(minY)}..${f(maxY)}`;
}

function inside([minX, minY, maxX, maxY]: Bbox, [aX, aY, bX, bY]: Bbox): boolean {
	return minX >= aX && minY >= aY && maxX <= bX && maxY <= bY;
}

/** Rejects coordinates that cannot be Danish boundaries in the given CRS. */
export function assertCoordinatesPlausible(bbox: Bbox, crs: SourceCrs): void {
	const spec = supportedCrs[crs.srid];
	const [minX, minY, maxX, maxY] = bbox;
	const looksLikeDegrees = minX >= -180 && maxX <= 180 && minY >= -90 && maxY <= 90;
	const stated =
		crs.origin === 'assumed'
			? 'The file has no "crs" member, so CRS84 (longitude/latitude) was assumed'
			: crs.origin === 'file'
				? `The file declares ${crs.label}`
				: `--srs says ${crs.label}`;
	if (spec.geographic && !looksLikeDegrees) {
		throw new BoundaryImportError(
			`${stated}, but the coordinates look like metres (${formatBbox(bbox)}); pass --srs EPSG:25832 (or EPSG:25833).`
		);
	}
	if (!spec.geographic && looksLikeDegrees) {
		throw new BoundaryImportError(
			`${stated}, but the coordinates look like degrees (${formatBbox(bbox)}); pass --srs CRS84.`
		);
	}
	if (inside(bbox, spec.denmark)) return;
	if (spec.geographic && inside([minY, minX, maxY, maxX], spec.denmark)) {
		throw new BoundaryImportError(
			`The coordinates look like latitude/longitude (${formatBbox(bbox)}); GeoJSON needs longitude first.`
		);
	}
	throw new BoundaryImportError(
		`${stated}, but the data lies outside Denmark in that CRS (${formatBbox(bbox)}); check the CRS or pass --srs.`
	);
}
