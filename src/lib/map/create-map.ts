import type { Map as MapLibreMap, MapOptions } from 'maplibre-gl';
import { defaultBasemapStyle } from './style';

export type MapLibre = typeof import('maplibre-gl');

export interface CreateMapOptions extends Omit<MapOptions, 'style' | 'container'> {
	container: HTMLElement;
	/** A configured basemap style, or null for the app's offline default. */
	basemapStyleUrl: string | null;
	/** Told about map errors worth showing (not the 204 of an empty tile, not aborted requests). */
	onerror: (message: string) => void;
}

/**
 * Loads MapLibre on demand, points it at its worker as served by the app (Vite does not emit the
 * worker MapLibre computes at run time), and creates a map with the app's basemap and controls.
 */
export async function createMap({
	container,
	basemapStyleUrl,
	onerror,
	...options
}: CreateMapOptions): Promise<{ maplibre: MapLibre; map: MapLibreMap; origin: string }> {
	const maplibre = await import('maplibre-gl');
	const workerUrl = (await import('maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url')).default;
	maplibre.setWorkerUrl(workerUrl);
	const origin = window.location.origin;
	const map = new maplibre.Map({
		container,
		style: basemapStyleUrl ?? defaultBasemapStyle(origin),
		attributionControl: { compact: true },
		dragRotate: false,
		...options
	});
	map.addControl(new maplibre.NavigationControl({ showCompass: false }), 'top-right');
	map.addControl(new maplibre.ScaleControl({ unit: 'metric' }), 'bottom-left');
	map.on('error', (e) => {
		const message = e.error?.message ?? 'unknown error';
		if (!/204|AbortError/.test(message)) onerror(message);
	});
	return { maplibre, map, origin };
}
