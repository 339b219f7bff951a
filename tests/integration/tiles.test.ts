import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { tileLayers } from '../../src/lib/server/tiles/layers';
import { datasetState, renderTile, tileETag } from '../../src/lib/server/tiles/service';
import { tileAt } from '../../src/lib/tiles';
import { testDb } from './db';

function decode(mvt: Buffer) {
	return new VectorTile(new PbfReader(mvt));
}

describe('boundary tiles', () => {
	it('renders municipalities with their code as feature id and attributes', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const layer = tileLayers.municipalities;
		const state = await datasetState(db, layer);
		const tile = tileAt(10.3883, 55.3959, 8); // Odense
		const mvt = await renderTile(db, layer, state, tile);
		expect(mvt).not.toBeNull();
		const decoded = decode(mvt!).layers.municipalities;
		expect(decoded.extent).toBe(4096);
		const features = Array.from({ length: decoded.length }, (_, i) => decoded.feature(i));
		const odense = features.find((f) => f.properties.code === 461);
		expect(odense?.properties.name).toBe('Odense');
		expect(odense?.id).toBe(461);
		expect(odense?.properties.police_district).toBe(6);
		expect(odense?.type).toBe(3); // polygon
	});

	it('renders police districts keyed by number', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const layer = tileLayers['police-districts'];
		const mvt = await renderTile(db, layer, await datasetState(db, layer), { z: 5, x: 16, y: 9 });
		const decoded = decode(mvt!).layers['police-districts'];
		const numbers = Array.from({ length: decoded.length }, (_, i) => decoded.feature(i).id).sort(
			(a, b) => a! - b!
		);
		expect(numbers).toContain(1);
		expect(numbers).toContain(3);
	});

	it('answers tiles outside the data, and any tile of an empty layer, with no tile', async () => {
		const db = testDb();
		const layer = tileLayers.municipalities;
		expect((await datasetState(db, layer)).extent).toBeNull();
		expect(await renderTile(db, layer, await datasetState(db, layer), { z: 6, x: 33, y: 20 })).toBeNull();
		await loadDemoBoundaries(db);
		const state = await datasetState(db, layer);
		expect(state.extent![0]).toBeGreaterThan(7);
		expect(await renderTile(db, layer, state, { z: 6, x: 26, y: 24 })).toBeNull(); // Atlantic
		expect(await renderTile(db, layer, state, { z: 0, x: 0, y: 0 })).not.toBeNull();
	});

	it('changes the ETag when the dataset is replaced', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const layer = tileLayers.municipalities;
		const t = { z: 6, x: 33, y: 20 };
		const before = tileETag(layer, (await datasetState(db, layer)).version, t);
		await loadDemoBoundaries(db);
		const after = tileETag(layer, (await datasetState(db, layer)).version, t);
		expect(after).not.toBe(before);
		expect(after).toMatch(/^"municipalities-v\d+\.[0-9a-z]+-6-33-20"$/);
	});
});
