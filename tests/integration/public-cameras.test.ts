import { describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import {
	csvField,
	getPublicCamera,
	listPublicCameras,
	publicCameraBatches,
	publicCameraMunicipalities,
	publicCamerasCsv,
	publicCamerasGeoJson
} from '../../src/lib/server/cameras/public';
import { PLACES, insertCamera, offset } from './camera-fixtures';
import { testDb } from './db';

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
	return new Response(stream).text();
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(source: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < source.length; i++) {
		const ch = source[i];
		if (quoted) {
			if (ch === '"' && source[i + 1] === '"') {
				field += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else field += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			row.push(field);
			field = '';
		} else if (ch === '\r' && source[i + 1] === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
			i++;
		} else field += ch;
	}
	if (field !== '' || row.length > 0) rows.push([...row, field]);
	return rows;
}

async function scene() {
	const db = testDb();
	await loadDemoBoundaries(db);
	const at = (east: number) => offset(db, PLACES.københavn, east, 0);
	const ids: Record<string, string> = {};
	for (const [name, municipality, where, status, ownerType] of [
		['Rådhuspladsen', 101, await at(0), 'active', 'municipality'],
		['Kiosk, "Hjørnet"', 101, await at(20), 'active', 'business'],
		['Nørreport st.', 101, await at(40), 'active', 'public_authority'],
		['Boligforeningen Vest', 147, PLACES.frederiksberg, 'active', 'housing_organisation'],
		['Politigården', 851, PLACES.aalborg, 'active', 'police'],
		['Min indkørsel', 101, await at(60), 'active', 'private'],
		['Forslag', 101, await at(80), 'proposed', 'municipality'],
		['Godkendt', 101, await at(100), 'approved', 'municipality'],
		['Nedlagt', 101, await at(120), 'decommissioned', 'municipality']
	] as const) {
		ids[name] = await insertCamera(db, {
			name,
			municipality,
			at: where,
			status,
			ownerType,
			operatorName: name === 'Kiosk, "Hjørnet"' ? '=HYPERLINK("x"), ApS' : `Drift ${name}`,
			contactPhone: ownerType === 'business' ? null : '+45 70 10 20 30'
		});
	}
	return ids;
}

const PUBLIC = ['Boligforeningen Vest', 'Kiosk, "Hjørnet"', 'Nørreport st.', 'Politigården', 'Rådhuspladsen'];

describe('public cameras', () => {
	it('lists active cameras of non-private owners only, with what the public may see', async () => {
		const ids = await scene();
		const page = await listPublicCameras(testDb());
		expect(page.total).toBe(5);
		expect(page.cameras.map((c) => c.name).sort()).toEqual(PUBLIC);
		// By municipality code, then name.
		expect(page.cameras.map((c) => c.municipalityCode)).toEqual([101, 101, 101, 147, 851]);
		const rådhus = page.cameras.find((c) => c.id === ids['Rådhuspladsen'])!;
		expect(rådhus).toEqual({
			id: ids['Rådhuspladsen'],
			name: 'Rådhuspladsen',
			municipalityCode: 101,
			municipalityName: 'København',
			lon: expect.closeTo(PLACES.københavn[0], 6),
			lat: expect.closeTo(PLACES.københavn[1], 6),
			kind: 'dome',
			ownerType: 'municipality',
			operatorName: 'Drift Rådhuspladsen',
			contactEmail: 'kontakt@example.dk',
			contactPhone: '+45 70 10 20 30',
			purpose: 'Tryghed',
			legalBasis: '§ 2 a',
			retentionDays: 30,
			signage: false,
			activeFrom: '2024-01-01'
		});

		const københavn = await listPublicCameras(testDb(), { municipalityCode: 101, pageSize: 2, page: 2 });
		expect(københavn.total).toBe(3);
		expect(københavn.cameras).toHaveLength(1);
		expect(await listPublicCameras(testDb(), { page: 9 })).toMatchObject({ cameras: [], total: 5 });
		expect(await publicCameraMunicipalities(testDb())).toEqual([
			{ code: 101, name: 'København', cameras: 3 },
			{ code: 147, name: 'Frederiksberg', cameras: 1 },
			{ code: 851, name: 'Aalborg', cameras: 1 }
		]);
	});

	it('shows one public camera with its view, and nothing of private or inactive ones', async () => {
		const ids = await scene();
		const db = testDb();
		const camera = await getPublicCamera(db, ids['Rådhuspladsen']);
		expect(camera?.operatorName).toBe('Drift Rådhuspladsen');
		expect(JSON.parse(camera!.view!).type).toBe('MultiPolygon');
		const [west, south, east, north] = camera!.bounds;
		expect(east - west).toBeGreaterThan(0.0015); // a 120 m wide view
		expect(north - south).toBeGreaterThan(0.0009);
		for (const hidden of ['Min indkørsel', 'Forslag', 'Godkendt', 'Nedlagt'])
			expect(await getPublicCamera(db, ids[hidden]), hidden).toBeNull();
		expect(await getPublicCamera(db, 'not-a-uuid')).toBeNull();
	});

	it('reads every public camera once, in keyset batches', async () => {
		await scene();
		const batches = [];
		for await (const batch of publicCameraBatches(testDb(), 2)) batches.push(batch.map((c) => c.id));
		expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
		const ids = batches.flat();
		expect(ids).toEqual([...ids].sort());
		expect(new Set(ids).size).toBe(5);
	});

	it('downloads the same cameras as GeoJSON and CSV', async () => {
		const ids = await scene();
		const db = testDb();
		const listed = (await listPublicCameras(db)).cameras;

		const geojson = JSON.parse(await text(publicCamerasGeoJson(db, 2)));
		expect(geojson.type).toBe('FeatureCollection');
		expect(geojson.features).toHaveLength(5);
		const rådhus = geojson.features.find((f: { id: string }) => f.id === ids['Rådhuspladsen']);
		expect(rådhus.geometry.type).toBe('Point');
		expect(rådhus.geometry.coordinates[0]).toBeCloseTo(PLACES.københavn[0], 6);
		expect(rådhus.geometry.coordinates[1]).toBeCloseTo(PLACES.københavn[1], 6);
		expect(rådhus.properties).toMatchObject({
			name: 'Rådhuspladsen',
			municipality_code: 101,
			owner_type: 'municipality',
			operator_name: 'Drift Rådhuspladsen',
			contact_email: 'kontakt@example.dk',
			purpose: 'Tryghed',
			retention_days: 30
		});
		for (const f of geojson.features) {
			expect(Object.keys(f.properties)).not.toContain('status');
			expect(f.properties.owner_type).not.toBe('private');
		}

		const bytes = new Uint8Array(await new Response(publicCamerasCsv(db, 2)).arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte order mark
		const csv = new TextDecoder().decode(bytes); // drops the mark
		const [header, ...rows] = parseCsv(csv);
		expect(header).toEqual([
			'id',
			'name',
			'municipality_code',
			'municipality',
			'kind',
			'owner_type',
			'operator_name',
			'contact_email',
			'contact_phone',
			'purpose',
			'legal_basis',
			'retention_days',
			'signage',
			'active_from',
			'lon',
			'lat'
		]);
		expect(rows).toHaveLength(5);
		const column = (name: string) => header.indexOf(name);
		const byId = new Map(rows.map((r) => [r[0], r]));
		expect([...byId.keys()].sort()).toEqual(geojson.features.map((f: { id: string }) => f.id).sort());
		expect([...byId.keys()].sort()).toEqual(listed.map((c) => c.id).sort());
		const kiosk = byId.get(ids['Kiosk, "Hjørnet"'])!;
		expect(kiosk[column('name')]).toBe('Kiosk, "Hjørnet"');
		// A formula is defused for spreadsheets; phone numbers are left as they are.
		expect(kiosk[column('operator_name')]).toBe(`'=HYPERLINK("x"), ApS`);
		expect(kiosk[column('contact_phone')]).toBe('');
		expect(byId.get(ids['Rådhuspladsen'])![column('contact_phone')]).toBe('+45 70 10 20 30');
		expect(Number(byId.get(ids['Rådhuspladsen'])![column('lon')])).toBeCloseTo(PLACES.københavn[0], 6);
	});

	it('downloads an empty register as empty files', async () => {
		await loadDemoBoundaries(testDb());
		expect(JSON.parse(await text(publicCamerasGeoJson(testDb())))).toEqual({
			type: 'FeatureCollection',
			features: []
		});
		expect(parseCsv(await text(publicCamerasCsv(testDb())))).toHaveLength(1);
	});

	it('quotes CSV fields and defuses formulas', () => {
		expect(csvField(null)).toBe('');
		expect(csvField(42)).toBe('42');
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('two\nlines')).toBe('"two\nlines"');
		expect(csvField('=1+1')).toBe("'=1+1");
		expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvField('-2+3')).toBe("'-2+3");
		expect(csvField('+45 33 66 33 66')).toBe('+45 33 66 33 66');
		expect(csvField('-cmd|calc')).toBe("'-cmd|calc");
	});
});
