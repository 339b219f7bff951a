import { describe, expect, it } from 'vitest';
import {
	cameraErrors,
	cameraFieldsSchema,
	newCameraSchema,
	positionSchema,
	statusChangeSchema
} from '../../src/lib/server/cameras/validation';
import { LEGAL_BASES, hfovFromLens } from '../../src/lib/camera/register';

/** A complete, valid form submission as the browser sends it: every value a string. */
function form(overrides: Record<string, string> = {}): Record<string, string> {
	return {
		name: 'Nørrebrogade / Stengade',
		positionCrs: 'EPSG:4326',
		lon: '12.5535',
		lat: '55.6880',
		easting: '',
		northing: '',
		kind: 'fixed',
		mountHeightM: '4,5',
		azimuthDeg: '135',
		tiltDeg: '15',
		hfovDeg: '90',
		focalLengthMm: '',
		sensorWidthMm: '',
		resolutionPx: '1920',
		maxRangeM: '60',
		panMinDeg: '',
		panMaxDeg: '',
		ownerType: 'municipality',
		operatorName: 'Københavns Kommune',
		contactEmail: 'TV-Overvaagning@KK.dk',
		contactPhone: '+45 33 66 33 66',
		purpose: 'Fremme trygheden i nattelivet',
		legalBasis: '§ 2 c',
		signage: 'on',
		retentionDays: '30',
		privacyMasks: '',
		proposedOn: '2026-11-01',
		policeRegisteredOn: '',
		...overrides
	};
}

function errorsOf(schema: typeof newCameraSchema | typeof cameraFieldsSchema, input: Record<string, string>) {
	const result = schema.safeParse(input);
	expect(result.success, JSON.stringify(input)).toBe(false);
	return cameraErrors(result.error!, 'en');
}

describe('newCameraSchema', () => {
	it('accepts a complete camera and converts the form values', () => {
		const result = newCameraSchema.safeParse(form());
		expect(result.success).toBe(true);
		expect(result.data).toMatchObject({
			name: 'Nørrebrogade / Stengade',
			position: { crs: 'EPSG:4326', x: 12.5535, y: 55.688 },
			kind: 'fixed',
			mountHeightM: 4.5,
			hfovDeg: 90,
			focalLengthMm: null,
			panMinDeg: null,
			panMaxDeg: null,
			contactEmail: 'tv-overvaagning@kk.dk',
			legalBasis: '§ 2 c',
			signage: true,
			retentionDays: 30,
			privacyMasks: null,
			proposedOn: '2026-11-01',
			policeRegisteredOn: null
		});
	});

	it('names each bad field in one pass', () => {
		const errors = errorsOf(
			newCameraSchema,
			form({
				name: '',
				lon: 'east',
				mountHeightM: '0',
				azimuthDeg: '360',
				tiltDeg: '91',
				resolutionPx: '1920.5',
				maxRangeM: '2001',
				kind: 'bullet',
				ownerType: 'someone',
				operatorName: '',
				contactEmail: 'not-an-address',
				contactPhone: 'call me',
				purpose: '',
				legalBasis: '§ 99',
				retentionDays: '3651',
				proposedOn: '2026-02-30',
				policeRegisteredOn: 'yesterday',
				privacyMasks: '{"type":"Point","coordinates":[12.5,55.6]}'
			})
		);
		expect(Object.keys(errors).sort()).toEqual(
			[
				'name',
				'lon',
				'mountHeightM',
				'azimuthDeg',
				'tiltDeg',
				'resolutionPx',
				'maxRangeM',
				'kind',
				'ownerType',
				'operatorName',
				'contactEmail',
				'contactPhone',
				'purpose',
				'legalBasis',
				'retentionDays',
				'proposedOn',
				'policeRegisteredOn',
				'privacyMasks'
			].sort()
		);
		expect(errors).toMatchObject({
			name: 'Required.',
			lon: 'Must be a number.',
			mountHeightM: 'Must be more than 0 and at most 100.',
			azimuthDeg: 'Must be at least 0 and less than 360.',
			tiltDeg: 'Must be between 0 and 90.',
			resolutionPx: 'Must be a whole number.',
			retentionDays: 'Must be between 0 and 3650.',
			contactEmail: 'Must be a valid e-mail address.',
			legalBasis: 'Choose one of the options.',
			proposedOn: 'Must be a date as YYYY-MM-DD (1990–2100).'
		});
	});

	it('gives the messages in Danish for the forms', () => {
		const result = newCameraSchema.safeParse(form({ retentionDays: '-1', name: ' ' }));
		expect(cameraErrors(result.error!, 'da')).toEqual({
			retentionDays: 'Skal være mellem 0 og 3650.',
			name: 'Skal udfyldes.'
		});
	});

	it('keeps retention within 0–3650 days, whole days', () => {
		expect(newCameraSchema.safeParse(form({ retentionDays: '0' })).success).toBe(true);
		expect(newCameraSchema.safeParse(form({ retentionDays: '3650' })).success).toBe(true);
		expect(errorsOf(newCameraSchema, form({ retentionDays: '3651' }))).toHaveProperty('retentionDays');
		expect(errorsOf(newCameraSchema, form({ retentionDays: '-1' }))).toHaveProperty('retentionDays');
		expect(errorsOf(newCameraSchema, form({ retentionDays: '7.5' }))).toEqual({
			retentionDays: 'Must be a whole number.'
		});
		expect(errorsOf(newCameraSchema, form({ retentionDays: '' }))).toEqual({ retentionDays: 'Required.' });
	});

	it('accepts every legal basis in the shared list and nothing else', () => {
		for (const basis of LEGAL_BASES) {
			expect(newCameraSchema.safeParse(form({ legalBasis: basis.value })).success, basis.value).toBe(true);
		}
		expect(errorsOf(newCameraSchema, form({ legalBasis: '' }))).toEqual({ legalBasis: 'Required.' });
		expect(errorsOf(newCameraSchema, form({ legalBasis: '§ 1' }))).toEqual({
			legalBasis: 'Choose one of the options.'
		});
	});

	it('leaves optional contact details and dates empty as null', () => {
		const result = newCameraSchema.parse(
			form({ contactEmail: '', contactPhone: '', proposedOn: '', signage: '' })
		);
		expect(result).toMatchObject({
			contactEmail: null,
			contactPhone: null,
			proposedOn: null,
			signage: false
		});
	});

	it('checks calendar dates', () => {
		expect(newCameraSchema.parse(form({ policeRegisteredOn: '2024-02-29' })).policeRegisteredOn).toBe(
			'2024-02-29'
		);
		expect(errorsOf(newCameraSchema, form({ policeRegisteredOn: '2023-02-29' }))).toHaveProperty(
			'policeRegisteredOn'
		);
		expect(errorsOf(newCameraSchema, form({ proposedOn: '1899-12-31' }))).toHaveProperty('proposedOn');
		expect(errorsOf(newCameraSchema, form({ proposedOn: '01-11-2026' }))).toHaveProperty('proposedOn');
	});
});

describe('position', () => {
	it('takes longitude/latitude in WGS84 by default', () => {
		const { positionCrs: _crs, ...rest } = form();
		expect(newCameraSchema.parse(rest).position).toEqual({ crs: 'EPSG:4326', x: 12.5535, y: 55.688 });
	});

	it('takes easting/northing in EPSG:25832', () => {
		const position = positionSchema.parse({
			positionCrs: 'EPSG:25832',
			easting: '724500.5',
			northing: '6176200'
		});
		expect(position).toEqual({ crs: 'EPSG:25832', x: 724500.5, y: 6176200 });
	});

	it('names the missing or bad coordinate', () => {
		const errors = (input: Record<string, string>) =>
			cameraErrors(positionSchema.safeParse(input).error!, 'en');
		expect(errors({ positionCrs: 'EPSG:4326', lon: '', lat: '95' })).toEqual({
			lon: 'Required.',
			lat: 'Must be between -90 and 90.'
		});
		expect(errors({ positionCrs: 'EPSG:25832', easting: 'x', northing: '' })).toEqual({
			easting: 'Must be a number.',
			northing: 'Required.'
		});
		expect(errors({ positionCrs: 'EPSG:3857', lon: '12', lat: '55' })).toEqual({
			positionCrs: 'Choose one of the options.'
		});
	});

	it('recognises latitude and longitude given the wrong way round', () => {
		const result = positionSchema.safeParse({ lon: '55.68', lat: '12.55' });
		expect(cameraErrors(result.error!, 'en')).toEqual({ lon: 'Longitude and latitude look swapped.' });
	});
});

describe('field of view', () => {
	it('is computed from the focal length and sensor width when not given', () => {
		const result = newCameraSchema.parse(form({ hfovDeg: '', focalLengthMm: '4', sensorWidthMm: '6.17' }));
		expect(result.hfovDeg).toBeCloseTo(75.3, 1);
		expect(result.hfovDeg).toBeCloseTo(hfovFromLens(4, 6.17), 1);
		expect(result).toMatchObject({ focalLengthMm: 4, sensorWidthMm: 6.17 });
	});

	it('may be given together with a lens that agrees with it', () => {
		expect(
			newCameraSchema.safeParse(form({ hfovDeg: '75', focalLengthMm: '4', sensorWidthMm: '6.17' })).success
		).toBe(true);
		expect(
			errorsOf(newCameraSchema, form({ hfovDeg: '40', focalLengthMm: '4', sensorWidthMm: '6.17' }))
		).toEqual({
			hfovDeg: 'Does not match the lens, which gives 75.3°.'
		});
	});

	it('needs either the angle or both parts of the lens', () => {
		expect(errorsOf(newCameraSchema, form({ hfovDeg: '' }))).toEqual({
			hfovDeg: 'Give the field of view, or the focal length and sensor width.'
		});
		expect(errorsOf(newCameraSchema, form({ hfovDeg: '', focalLengthMm: '4' }))).toEqual({
			sensorWidthMm: 'Give the sensor width too when the focal length is given.'
		});
		expect(errorsOf(newCameraSchema, form({ hfovDeg: '', sensorWidthMm: '6' }))).toEqual({
			focalLengthMm: 'Give the focal length too when the sensor width is given.'
		});
		expect(errorsOf(newCameraSchema, form({ hfovDeg: '', focalLengthMm: '0', sensorWidthMm: '6' }))).toEqual({
			focalLengthMm: 'Must be more than 0 and at most 2000.'
		});
		expect(errorsOf(newCameraSchema, form({ hfovDeg: '0' }))).toEqual({
			hfovDeg: 'Must be more than 0 and at most 360.'
		});
	});

	it('is the full circle for a dome when left out, which needs no direction either', () => {
		const result = newCameraSchema.parse(form({ kind: 'dome', hfovDeg: '', azimuthDeg: '' }));
		expect(result).toMatchObject({ kind: 'dome', hfovDeg: 360, azimuthDeg: 0 });
	});
});

describe('PTZ pan range', () => {
	it('is required for a PTZ camera', () => {
		expect(errorsOf(newCameraSchema, form({ kind: 'ptz' }))).toEqual({
			panMinDeg: 'Required for a PTZ camera.',
			panMaxDeg: 'Required for a PTZ camera.'
		});
		expect(errorsOf(newCameraSchema, form({ kind: 'ptz', panMinDeg: '10' }))).toEqual({
			panMaxDeg: 'Required for a PTZ camera.'
		});
	});

	it('is kept for PTZ, may wrap through north or be the full circle, and must be within 0–360', () => {
		expect(newCameraSchema.parse(form({ kind: 'ptz', panMinDeg: '300', panMaxDeg: '60' }))).toMatchObject({
			panMinDeg: 300,
			panMaxDeg: 60
		});
		expect(newCameraSchema.parse(form({ kind: 'ptz', panMinDeg: '0', panMaxDeg: '360' }))).toMatchObject({
			panMinDeg: 0,
			panMaxDeg: 360
		});
		expect(errorsOf(newCameraSchema, form({ kind: 'ptz', panMinDeg: '-5', panMaxDeg: '400' }))).toEqual({
			panMinDeg: 'Must be between 0 and 360.',
			panMaxDeg: 'Must be between 0 and 360.'
		});
	});

	it('is dropped for other kinds', () => {
		expect(newCameraSchema.parse(form({ kind: 'fixed', panMinDeg: '10', panMaxDeg: '20' }))).toMatchObject({
			panMinDeg: null,
			panMaxDeg: null
		});
	});

	it('is checked even when other fields are bad', () => {
		const errors = errorsOf(newCameraSchema, form({ kind: 'ptz', name: '', resolutionPx: 'many' }));
		expect(Object.keys(errors).sort()).toEqual(['name', 'panMaxDeg', 'panMinDeg', 'resolutionPx']);
	});
});

describe('privacy masks', () => {
	const square = [
		[12.55, 55.68],
		[12.551, 55.68],
		[12.551, 55.681],
		[12.55, 55.681],
		[12.55, 55.68]
	];

	it('accept a GeoJSON Polygon, MultiPolygon or a Feature of one', () => {
		const polygon = { type: 'Polygon', coordinates: [square] };
		for (const value of [
			polygon,
			{ type: 'MultiPolygon', coordinates: [[square]] },
			{ type: 'Feature', properties: {}, geometry: polygon }
		]) {
			const result = cameraFieldsSchema.parse(form({ privacyMasks: JSON.stringify(value) }));
			expect(JSON.parse(result.privacyMasks!).type).toBe(value.type === 'Feature' ? 'Polygon' : value.type);
		}
	});

	it('refuse other text', () => {
		for (const value of ['not json', '{"type":"Polygon","coordinates":[[[1,2],[3,4]]]}', '[1,2]']) {
			expect(errorsOf(cameraFieldsSchema, form({ privacyMasks: value })), value).toHaveProperty(
				'privacyMasks'
			);
		}
	});
});

describe('statusChangeSchema', () => {
	it('takes a status and an optional date', () => {
		expect(statusChangeSchema.parse({ status: 'approved', date: '' })).toEqual({
			status: 'approved',
			date: null
		});
		expect(statusChangeSchema.parse({ status: 'active', date: '2026-11-20' })).toEqual({
			status: 'active',
			date: '2026-11-20'
		});
		const bad = statusChangeSchema.safeParse({ status: 'rejected', date: '20/11/2026' });
		expect(Object.keys(cameraErrors(bad.error!, 'en')).sort()).toEqual(['date', 'status']);
	});
});
