import type { BoundaryDataset } from './store';

export type BoundaryKind = 'municipalities' | 'police-districts' | 'regions';

export interface BoundaryKindSpec {
	kind: BoundaryKind;
	dataset: BoundaryDataset;
	/** Singular noun for messages. */
	unit: string;
	table: 'municipalities' | 'police_districts' | 'regions';
	codeColumn: 'code' | 'number';
	/** The range the table's CHECK constraint allows. */
	codeRange: readonly [number, number];
	/** Property names that carry the code / the name, in order of preference; matched case-insensitively. */
	codeProperties: readonly string[];
	nameProperties: readonly string[];
	/** Reference list under geodata/ (code and name in its first two columns). */
	referenceFile: string;
	/** Units DAGI ships that are not units of this kind, skipped on purpose with the reason given. */
	notUnits: readonly { code: number; name: string; reason: string }[];
}

// DAGI's older export (KOMKODE …), Dataforsyningen's current one (kode/navn) and the long forms
// some WFS and GML conversions use.
export const boundaryKinds: Record<BoundaryKind, BoundaryKindSpec> = {
	municipalities: {
		kind: 'municipalities',
		dataset: 'municipalities',
		unit: 'municipality',
		table: 'municipalities',
		codeColumn: 'code',
		codeRange: [100, 999],
		codeProperties: ['KOMKODE', 'kommunekode', 'kode'],
		nameProperties: ['KOMNAVN', 'kommunenavn', 'navn'],
		referenceFile: 'municipalities.csv',
		notUnits: [
			{
				code: 411,
				name: 'Christiansø',
				reason:
					'Christiansø (411) lies outside the municipal division (the state administers it), so it is not one of the 98 municipalities'
			}
		]
	},
	'police-districts': {
		kind: 'police-districts',
		dataset: 'police_districts',
		unit: 'police district',
		table: 'police_districts',
		codeColumn: 'number',
		codeRange: [1, 99],
		codeProperties: ['POLKR_NR', 'politikredsnummer', 'politikredskode', 'kode'],
		nameProperties: ['POLKR_NAVN', 'politikredsnavn', 'navn'],
		referenceFile: 'police-districts.csv',
		notUnits: []
	},
	regions: {
		kind: 'regions',
		dataset: 'regions',
		unit: 'region',
		table: 'regions',
		codeColumn: 'code',
		codeRange: [1000, 9999],
		codeProperties: ['REGIONKODE', 'regionskode', 'kode'],
		nameProperties: ['REGIONNAVN', 'regionsnavn', 'navn'],
		referenceFile: 'regions.csv',
		notUnits: []
	}
};

export function isBoundaryKind(value: string): value is BoundaryKind {
	return Object.hasOwn(boundaryKinds, value);
}
