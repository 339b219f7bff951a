import { describe, expect, it } from 'vitest';
import {
	assertKnownProperties,
	findProperty,
	nameKey,
	parseCode,
	planUnits,
	type FeatureInput
} from '../../src/lib/server/boundaries/boundary-properties';
import { BoundaryImportError } from '../../src/lib/server/boundaries/errors';
import { boundaryKinds } from '../../src/lib/server/boundaries/kinds';

const features = (...properties: Record<string, unknown>[]): FeatureInput[] =>
	properties.map((p, index) => ({ index, properties: p, problem: null }));

const municipalityReference = [
	{ code: 101, name: 'København' },
	{ code: 147, name: 'Frederiksberg' },
	{ code: 155, name: 'Dragør' }
];
const districtReference = [
	{ code: 10, name: 'Københavns Vestegns Politi' },
	{ code: 11, name: 'Københavns Politi' }
];

describe('findProperty', () => {
	it('finds the first candidate present, ignoring case', () => {
		expect(findProperty({ komkode: '0101', KomNavn: 'København' }, ['KOMKODE', 'kode'])).toEqual({
			key: 'komkode',
			value: '0101'
		});
		expect(findProperty({ Kode: '0101', KOMKODE: '0147' }, ['KOMKODE', 'kode'])?.value).toBe('0147');
		expect(findProperty({ navn: 'x' }, ['KOMKODE', 'kode'])).toBeNull();
		expect(findProperty(null, ['kode'])).toBeNull();
	});
});

describe('parseCode', () => {
	const range = [100, 999] as const;
	it('reads zero-padded strings and numbers', () => {
		expect(parseCode('0101', range)).toEqual({ code: 101 });
		expect(parseCode(' 851 ', range)).toEqual({ code: 851 });
		expect(parseCode(147, range)).toEqual({ code: 147 });
		expect(parseCode('1084', [1000, 9999])).toEqual({ code: 1084 });
	});

	it('says what is wrong with a code it cannot use', () => {
		expect(parseCode(null, range)).toEqual({ problem: 'no code' });
		expect(parseCode(undefined, range)).toEqual({ problem: 'no code' });
		expect(parseCode('  ', range)).toEqual({ problem: 'no code' });
		expect(parseCode('K101', range)).toEqual({ problem: 'code "K101" is not a number' });
		expect(parseCode(101.5, range)).toEqual({ problem: 'code 101.5 is not a whole number' });
		expect(parseCode('1461', [1, 99])).toEqual({ problem: 'code "1461" is outside 1..99' });
	});
});

describe('nameKey', () => {
	it('compares names regardless of case, spacing and Unicode form', () => {
		expect(nameKey('  Københavns  Vestegns Politi ')).toBe(nameKey('københavns vestegns politi'));
		expect(nameKey('Tårnby')).toBe(nameKey('Ta\u030Arnby'));
	});
});

describe('assertKnownProperties', () => {
	it('accepts the older DAGI names, the current ones and any case', () => {
		const spec = boundaryKinds.municipalities;
		expect(() =>
			assertKnownProperties(spec, features({ KOMKODE: '0101', KOMNAVN: 'København' }))
		).not.toThrow();
		expect(() => assertKnownProperties(spec, features({ kode: '0101', navn: 'København' }))).not.toThrow();
		expect(() => assertKnownProperties(spec, features({ KomKode: '0101' }))).not.toThrow();
		const districts = boundaryKinds['police-districts'];
		expect(() =>
			assertKnownProperties(districts, features({ POLKR_NR: '1', POLKR_NAVN: 'Nordjyllands Politi' }))
		).not.toThrow();
		expect(() =>
			assertKnownProperties(boundaryKinds.regions, features({ REGIONKODE: '1084' }))
		).not.toThrow();
	});

	it('rejects a file without any of them and lists what it has', () => {
		const run = () =>
			assertKnownProperties(boundaryKinds.regions, features({ POLKR_NR: '1', POLKR_NAVN: 'x' }));
		expect(run).toThrow(BoundaryImportError);
		expect(run).toThrow(
			/looked for REGIONKODE, regionskode, kode, REGIONNAVN, regionsnavn, navn .*have POLKR_NR, POLKR_NAVN\. Is this a regions file\?/
		);
	});
});

describe('planUnits', () => {
	it('groups features by code and takes the name the file uses', () => {
		const plan = planUnits(
			'municipalities',
			features(
				{ KOMKODE: '0101', KOMNAVN: 'København' },
				{ KOMKODE: '0147', KOMNAVN: 'Frederiksberg' },
				{ KOMKODE: '0101', KOMNAVN: 'København' }
			),
			municipalityReference
		);
		expect(plan.units).toEqual([
			{ code: 101, name: 'København', features: [0, 2] },
			{ code: 147, name: 'Frederiksberg', features: [1] }
		]);
		expect(plan.skipped).toEqual([]);
		expect(plan.warnings).toEqual([
			'the file lacks 1 of the 3 municipalities in geodata/municipalities.csv: 155 Dragør'
		]);
	});

	it('matches a feature without a code by name: in the file first, then in the reference list', () => {
		const plan = planUnits(
			'municipalities',
			features(
				{ KOMKODE: '0101', KOMNAVN: 'København' },
				{ KOMKODE: null, KOMNAVN: 'københavn' },
				{ KOMKODE: '', KOMNAVN: 'Dragør' },
				{ KOMKODE: null, KOMNAVN: 'Atlantis' },
				{ KOMKODE: null }
			),
			municipalityReference
		);
		expect(plan.matchedByName).toEqual([
			{ feature: 1, name: 'københavn', code: 101, matchedIn: 'file', codeProblem: 'no code' },
			{ feature: 2, name: 'Dragør', code: 155, matchedIn: 'reference', codeProblem: 'no code' }
		]);
		expect(plan.units.map((u) => [u.code, u.features])).toEqual([
			[101, [0, 1]],
			[155, [2]]
		]);
		expect(plan.skipped).toEqual([
			{
				feature: 3,
				code: null,
				name: 'Atlantis',
				reason:
					'no code, and the name "Atlantis" matches no municipality in the file or in geodata/municipalities.csv'
			},
			{ feature: 4, code: null, name: null, reason: 'no code and no name' }
		]);
	});

	it('makes Københavns Vestegns Politi, whose POLKR_NR is null in DAGI, district 10', () => {
		const plan = planUnits(
			'police-districts',
			features(
				{ POLKR_NR: '11', POLKR_NAVN: 'Københavns Politi' },
				{ POLKR_NR: null, POLKR_NAVN: 'Københavns Vestegns Politi' }
			),
			districtReference
		);
		expect(plan.units).toEqual([
			{ code: 10, name: 'Københavns Vestegns Politi', features: [1] },
			{ code: 11, name: 'Københavns Politi', features: [0] }
		]);
	});

	it('falls back to the name when a code is out of range for the kind', () => {
		const plan = planUnits(
			'police-districts',
			features({ kode: '1470', navn: 'Københavns Politi' }),
			districtReference
		);
		expect(plan.units).toEqual([{ code: 11, name: 'Københavns Politi', features: [0] }]);
		expect(plan.matchedByName[0].codeProblem).toBe('code "1470" is outside 1..99');
	});

	it('skips Christiansø on purpose, by code or by name', () => {
		const plan = planUnits(
			'municipalities',
			features(
				{ KOMKODE: '0411', KOMNAVN: 'Christiansø' },
				{ kode: null, navn: 'Christiansø' },
				{ KOMKODE: '0101', KOMNAVN: 'København' }
			),
			municipalityReference
		);
		expect(plan.units.map((u) => u.code)).toEqual([101]);
		expect(plan.skipped.map((s) => [s.feature, s.code])).toEqual([
			[0, 411],
			[1, 411]
		]);
		for (const s of plan.skipped)
			expect(s.reason).toMatch(/^Christiansø \(411\) lies outside the municipal division/);
	});

	it('only skips Christiansø for municipalities', () => {
		const plan = planUnits(
			'regions',
			features({ REGIONKODE: '1084', REGIONNAVN: 'Region Hovedstaden' }),
			null
		);
		expect(plan.units).toHaveLength(1);
	});

	it('passes on features with a geometry problem as skipped, with their unit', () => {
		const input: FeatureInput[] = [
			{
				index: 0,
				properties: { KOMKODE: '0101', KOMNAVN: 'København' },
				problem: 'the geometry is a Point, not a polygon'
			},
			{ index: 1, properties: { KOMKODE: '0147', KOMNAVN: 'Frederiksberg' }, problem: null }
		];
		const plan = planUnits('municipalities', input, municipalityReference);
		expect(plan.skipped).toEqual([
			{ feature: 0, code: 101, name: 'København', reason: 'the geometry is a Point, not a polygon' }
		]);
		expect(plan.units.map((u) => u.code)).toEqual([147]);
	});

	it('warns about conflicting names, unnamed units and codes the reference list lacks', () => {
		const plan = planUnits(
			'municipalities',
			features(
				{ KOMKODE: '0101', KOMNAVN: 'København' },
				{ KOMKODE: '0101', KOMNAVN: 'Københavns Kommune' },
				{ KOMKODE: '0101', KOMNAVN: 'København' },
				{ KOMKODE: '0147' },
				{ KOMKODE: '0999', KOMNAVN: 'Nyby' }
			),
			municipalityReference
		);
		expect(plan.units.map((u) => [u.code, u.name])).toEqual([
			[101, 'København'],
			[147, 'Frederiksberg'],
			[999, 'Nyby']
		]);
		expect(plan.warnings).toEqual([
			'municipality 101 has several names in the file (København / Københavns Kommune); used "København"',
			'municipality 147 has no name in the file; used "Frederiksberg"',
			'municipality 999 (Nyby) is not in geodata/municipalities.csv',
			'the file lacks 1 of the 3 municipalities in geodata/municipalities.csv: 155 Dragør'
		]);
	});

	it('works without a reference list, and says so', () => {
		const plan = planUnits(
			'municipalities',
			features({ KOMKODE: null, KOMNAVN: 'Dragør' }, { KOMKODE: '0101', KOMNAVN: 'København' }),
			null
		);
		expect(plan.units.map((u) => u.code)).toEqual([101]);
		expect(plan.skipped[0].feature).toBe(0);
		expect(plan.warnings[0]).toMatch(
			/^geodata\/municipalities\.csv was not found: features without a code could only be matched against the file/
		);
	});
});
