// The police permit's period (§ 2 stk. 2-4) in the register's forms: optional dates, in order.
import { describe, expect, it } from 'vitest';
import { cameraErrors, cameraFieldsSchema } from '../../src/lib/server/cameras/validation';

const fields = (overrides: Record<string, string> = {}) => ({
	name: 'Boligforeningens kamera',
	kind: 'dome',
	mountHeightM: '4',
	tiltDeg: '30',
	resolutionPx: '1920',
	maxRangeM: '30',
	ownerType: 'housing_organisation',
	operatorName: 'Boligforeningen',
	purpose: 'Tryghed',
	legalBasis: '§ 2 stk. 2',
	retentionDays: '30',
	...overrides
});

describe('the permit period', () => {
	it('is optional and read as ISO dates', () => {
		expect(cameraFieldsSchema.parse(fields())).toMatchObject({ permitValidFrom: null, permitValidTo: null });
		expect(
			cameraFieldsSchema.parse(fields({ permitValidFrom: '2025-07-01', permitValidTo: '2030-06-30' }))
		).toMatchObject({ permitValidFrom: '2025-07-01', permitValidTo: '2030-06-30' });
	});

	it('names a bad date and an end before the start', () => {
		const bad = cameraFieldsSchema.safeParse(fields({ permitValidFrom: '2025-02-30' }));
		expect(cameraErrors(bad.error!, 'en')).toEqual({
			permitValidFrom: 'Must be a date as YYYY-MM-DD (1990–2100).'
		});
		const reversed = cameraFieldsSchema.safeParse(
			fields({ permitValidFrom: '2026-01-01', permitValidTo: '2025-12-31', name: '' })
		);
		expect(cameraErrors(reversed.error!, 'da')).toEqual({
			name: 'Skal udfyldes.',
			permitValidTo: 'Tilladelsen kan ikke slutte, før den begynder.'
		});
	});
});
