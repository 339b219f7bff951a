// Pure logic that decides which unit each feature of a boundary file belongs to: reading DAGI's
// property names in their several spellings, zero-padded codes, name matching for features
// without a usable code, and units that are skipped on purpose.
import { BoundaryImportError } from './errors';
import { boundaryKinds, type BoundaryKind, type BoundaryKindSpec } from './kinds';

export type FeatureProperties = Record<string, unknown> | null;

/** A unit of the project's reference lists (geodata/*.csv). */
export interface ReferenceUnit {
	code: number;
	name: string;
}

export interface FeatureInput {
	/** Position in the file's `features` array (0-based). */
	index: number;
	properties: FeatureProperties;
	/** Why the feature cannot be imported whatever its properties (no polygon, bad coordinates). */
	problem: string | null;
}

export interface SkippedFeature {
	feature: number;
	code: number | null;
	name: string | null;
	reason: string;
}

export interface NameMatch {
	feature: number;
	name: string;
	code: number;
	/** Where the name was found: another feature of the file, or the reference list. */
	matchedIn: 'file' | 'reference';
	/** What was wrong with the feature's own code. */
	codeProblem: string;
}

export interface PlannedUnit {
	code: number;
	name: string;
	/** Indexes of the features that make up the unit. */
	features: number[];
}

export interface UnitPlan {
	units: PlannedUnit[];
	skipped: SkippedFeature[];
	matchedByName: NameMatch[];
	warnings: string[];
}

/** The value of the first candidate property present, compared case-insensitively. */
export function findProperty(
	properties: FeatureProperties,
	candidates: readonly string[]
): { key: string; value: unknown } | null {
	if (!properties) return null;
	const byLowerKey = new Map<string, string>();
	for (const key of Object.keys(properties)) {
		if (!byLowerKey.has(key.toLowerCase())) byLowerKey.set(key.toLowerCase(), key);
	}
	for (const candidate of candidates) {
		const key = byLowerKey.get(candidate.toLowerCase());
		if (key !== undefined) return { key, value: properties[key] };
	}
	return null;
}

export type ParsedCode = { code: number } | { problem: string };

/** A unit code as DAGI writes it: a number or a digit string, often zero-padded ("0101" → 101). */
export function parseCode(value: unknown, [min, max]: readonly [number, number]): ParsedCode {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		return { problem: 'no code' };
	}
	let code: number;
	if (typeof value === 'number') code = value;
	else if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) code = Number(value.trim());
	else return { problem: `code ${JSON.stringify(value)} is not a number` };
	if (!Number.isInteger(code)) return { problem: `code ${JSON.stringify(value)} is not a whole number` };
	if (code < min || code > max) return { problem: `code ${JSON.stringify(value)} is outside ${min}..${max}` };
	return { code };
}

export function readName(value: unknown): string | null {
	if (typeof value !== 'string' && typeof value !== 'number') return null;
	const name = String(value).normalize('NFC').replace(/\s+/g, ' ').trim();
	return name === '' ? null : name;
}

/** The form names are compared in: Unicode NFC, lower case, single spaces. */
export function nameKey(name: string): string {
	return name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Fails unless some feature carries one of the kind's code or name properties. */
export function assertKnownProperties(spec: BoundaryKindSpec, features: readonly FeatureInput[]): void {
	const known = [...spec.codeProperties, ...spec.nameProperties];
	if (features.some((f) => findProperty(f.properties, known) !== null)) return;
	const seen = [...new Set(features.flatMap((f) => Object.keys(f.properties ?? {})))].slice(0, 12);
	throw new BoundaryImportError(
		`No feature has a ${spec.unit} code or name: looked for ${known.join(', ')} (any case); ` +
			`the features have ${seen.length ? seen.join(', ') : 'no properties'}. Is this a ${spec.kind} file?`
	);
}

function mostFrequent(values: readonly string[]): string {
	const counts = new Map<string, number>();
	for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
	let best = values[0];
	for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
	return best;
}

/**
 * Assigns every feature to a unit code, or skips it with a reason. A feature without a usable
 * code is matched by its name: first against the features of the file that do have a code, then
 * against the reference list.
 */
export function planUnits(
	kind: BoundaryKind,
	features: readonly FeatureInput[],
	reference: readonly ReferenceUnit[] | null
): UnitPlan {
	const spec = boundaryKinds[kind];
	const referenceLabel = `geodata/${spec.referenceFile}`;
	const plural = kind.replace('-', ' ');
	const skipped: SkippedFeature[] = [];
	const matchedByName: NameMatch[] = [];
	const warnings: string[] = [];

	const read = features.map((f) => {
		const codeProperty = findProperty(f.properties, spec.codeProperties);
		const nameProperty = findProperty(f.properties, spec.nameProperties);
		return {
			feature: f,
			parsed: parseCode(codeProperty?.value, spec.codeRange),
			name: readName(nameProperty?.value)
		};
	});

	const codesByName = new Map<string, Set<number>>();
	for (const { parsed, name } of read) {
		if (!('code' in parsed) || !name) continue;
		const key = nameKey(name);
		codesByName.set(key, (codesByName.get(key) ?? new Set()).add(parsed.code));
	}
	const referenceByName = new Map((reference ?? []).map((u) => [nameKey(u.name), u.code]));
	const referenceByCode = new Map((reference ?? []).map((u) => [u.code, u.name]));
	const notUnitByCode = new Map(spec.notUnits.map((u) => [u.code, u]));
	const notUnitByName = new Map(spec.notUnits.map((u) => [nameKey(u.name), u]));

	const featuresByCode = new Map<number, { indexes: number[]; names: string[] }>();
	let referenceMissingNeeded = false;

	for (const { feature, parsed, name } of read) {
		const code = 'code' in parsed ? parsed.code : null;
		if (feature.problem) {
			skipped.push({ feature: feature.index, code, name, reason: feature.problem });
			continue;
		}
		const notUnit =
			(code !== null ? notUnitByCode.get(code) : undefined) ??
			(name ? notUnitByName.get(nameKey(name)) : undefined);
		if (notUnit) {
			skipped.push({ feature: feature.index, code: code ?? notUnit.code, name, reason: notUnit.reason });
			continue;
		}

		let unitCode = code;
		if (unitCode === null) {
			const codeProblem = 'problem' in parsed ? parsed.problem : '';
			if (!name) {
				skipped.push({
					feature: feature.index,
					code: null,
					name: null,
					reason: `${codeProblem} and no name`
				});
				continue;
			}
			const inFile = codesByName.get(nameKey(name));
			if (inFile && inFile.size > 1) {
				skipped.push({
					feature: feature.index,
					code: null,
					name,
					reason: `${codeProblem}, and the name "${name}" belongs to several codes in the file (${[...inFile].join(', ')})`
				});
				continue;
			}
			if (inFile) {
				unitCode = [...inFile][0];
				matchedByName.push({ feature: feature.index, name, code: unitCode, matchedIn: 'file', codeProblem });
			} else if (referenceByName.has(nameKey(name))) {
				unitCode = referenceByName.get(nameKey(name))!;
				matchedByName.push({
					feature: feature.index,
					name,
					code: unitCode,
					matchedIn: 'reference',
					codeProblem
				});
			} else {
				if (!reference) referenceMissingNeeded = true;
				skipped.push({
					feature: feature.index,
					code: null,
					name,
					reason: `${codeProblem}, and the name "${name}" matches no ${spec.unit} in the file or in ${referenceLabel}`
				});
				continue;
			}
		}

		const entry = featuresByCode.get(unitCode) ?? { indexes: [], names: [] };
		entry.indexes.push(feature.index);
		if (name) entry.names.push(name);
		featuresByCode.set(unitCode, entry);
	}

	const units: PlannedUnit[] = [];
	for (const [code, { indexes, names }] of [...featuresByCode].sort(([a], [b]) => a - b)) {
		let name: string;
		if (names.length > 0) {
			name = mostFrequent(names);
			const distinct = [...new Set(names)];
			if (distinct.length > 1) {
				warnings.push(
					`${spec.unit} ${code} has several names in the file (${distinct.join(' / ')}); used "${name}"`
				);
			}
		} else {
			name = referenceByCode.get(code) ?? `${spec.unit} ${code}`;
			warnings.push(`${spec.unit} ${code} has no name in the file; used "${name}"`);
		}
		if (reference && !referenceByCode.has(code)) {
			warnings.push(`${spec.unit} ${code} (${name}) is not in ${referenceLabel}`);
		}
		units.push({ code, name, features: indexes });
	}

	if (!reference) {
		warnings.push(
			`${referenceLabel} was not found: ${referenceMissingNeeded ? 'features without a code could only be matched against the file, and ' : ''}the file was not checked for missing ${plural}`
		);
	} else {
		const missing = reference.filter((u) => !featuresByCode.has(u.code));
		if (missing.length > 0 && units.length > 0) {
			warnings.push(
				`the file lacks ${missing.length} of the ${reference.length} ${plural} in ${referenceLabel}: ` +
					missing
						.slice(0, 10)
						.map((u) => `${u.code} ${u.name}`)
						.join(', ') +
					(missing.length > 10 ? ` and ${missing.length - 10} more` : '')
			);
		}
	}

	return { units, skipped, matchedByName, warnings };
}
