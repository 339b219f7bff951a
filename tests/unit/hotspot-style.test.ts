import { describe, expect, it } from 'vitest';
import {
	DENSITY_COLORS,
	GISTAR_BINS,
	densityBreaks,
	densityClasses,
	densityFillColor,
	hotspotFetchUrl,
	hotspotSource
} from '../../src/lib/map/hotspot-style';
import {
	defaultPeriod,
	hotspotApiQuery,
	hotspotPageParams,
	normaliseCategories,
	parseHotspotState,
	shiftMonths,
	type HotspotPageState
} from '../../src/lib/map/hotspot-state';

describe('density classes', () => {
	it('are geometric, nice, strictly increasing and start at 1', () => {
		expect(densityBreaks(500)).toEqual([1, 5, 20, 50, 200]);
		expect(densityBreaks(10_000)).toEqual([1, 10, 50, 500, 2000]);
		expect(densityBreaks(3)).toEqual([1, 2, 3]);
		expect(densityBreaks(1)).toEqual([1]);
		expect(densityBreaks(0)).toEqual([1]);
		for (const max of [2, 7, 13, 99, 100, 101, 1234, 98_765]) {
			const b = densityBreaks(max);
			expect(b[0]).toBe(1);
			expect(b.length).toBeLessThanOrEqual(DENSITY_COLORS.length);
			for (let k = 1; k < b.length; k++) {
				expect(b[k]).toBeGreaterThan(b[k - 1]);
				expect(b[k]).toBeLessThanOrEqual(max);
			}
		}
	});

	it('cover 1..max without gaps and end on the darkest colour', () => {
		const classes = densityClasses(500);
		expect(classes.map((c) => [c.from, c.to])).toEqual([
			[1, 4],
			[5, 19],
			[20, 49],
			[50, 199],
			[200, 500]
		]);
		expect(classes.map((c) => c.color)).toEqual([...DENSITY_COLORS]);
		const few = densityClasses(3);
		expect(few.map((c) => [c.from, c.to])).toEqual([
			[1, 1],
			[2, 2],
			[3, 3]
		]);
		expect(few[0].color).toBe(DENSITY_COLORS[0]);
		expect(few[2].color).toBe(DENSITY_COLORS[4]);
		expect(densityClasses(1)).toEqual([{ from: 1, to: 1, color: DENSITY_COLORS[4] }]);
	});

	it('become a step expression on incidents', () => {
		expect(densityFillColor(500)).toEqual([
			'step',
			['get', 'incidents'],
			DENSITY_COLORS[0],
			5,
			DENSITY_COLORS[1],
			20,
			DENSITY_COLORS[2],
			50,
			DENSITY_COLORS[3],
			200,
			DENSITY_COLORS[4]
		]);
	});

	it('Gi* bins: seven, hot reds and cold blues at 99/95/90 %', () => {
		expect(GISTAR_BINS.map((b) => b.bin)).toEqual([3, 2, 1, 0, -1, -2, -3]);
		expect(GISTAR_BINS.filter((b) => b.bin !== 0).map((b) => b.confidence)).toEqual([99, 95, 90, 90, 95, 99]);
	});
});

describe('hotspot tiles', () => {
	it('are fetched through the page protocol from the tile URL the API gives', () => {
		const source = hotspotSource('http://127.0.0.1:3000', '/hotspots/tiles/7/{z}/{x}/{y}.mvt');
		expect(source).toMatchObject({
			type: 'vector',
			tiles: ['tk-hotspot://http://127.0.0.1:3000/hotspots/tiles/7/{z}/{x}/{y}.mvt']
		});
		expect(hotspotFetchUrl('tk-hotspot://http://127.0.0.1:3000/hotspots/tiles/7/12/2191/1282.mvt')).toBe(
			'http://127.0.0.1:3000/hotspots/tiles/7/12/2191/1282.mvt'
		);
	});
});

describe('hotspot page state', () => {
	const defaults: HotspotPageState = {
		area: 'municipality:101',
		cell: 250,
		...defaultPeriod('2026-11-27'),
		categories: [],
		view: 'gistar',
		survey: false
	};

	it('defaults to the last 12 months', () => {
		expect(defaultPeriod('2026-11-27')).toEqual({ from: '2025-11-27', to: '2026-11-27' });
		expect(shiftMonths('2024-02-29', -12)).toBe('2023-02-28');
		expect(shiftMonths('2026-03-31', -1)).toBe('2026-02-28');
		expect(shiftMonths('2026-01-15', -13)).toBe('2024-12-15');
	});

	it('takes missing parameters from the defaults and normalises the rest', () => {
		expect(parseHotspotState(new URLSearchParams(), defaults)).toEqual({ ok: true, state: defaults });
		const parsed = parseHotspotState(
			new URLSearchParams(
				'area=district:11&cell=500&from=2026-01-01&to=2026-06-30&categories=violence,drugs,violence&view=density&survey=1'
			),
			defaults
		);
		expect(parsed).toEqual({
			ok: true,
			state: {
				area: 'district:11',
				cell: 500,
				from: '2026-01-01',
				to: '2026-06-30',
				categories: ['drugs', 'violence'],
				view: 'density',
				survey: true
			}
		});
	});

	it('names the bad parameter', () => {
		const bad = (query: string) => {
			const r = parseHotspotState(new URLSearchParams(query), defaults);
			return r.ok ? null : r.message;
		};
		expect(bad('cell=300')).toMatch(/^cell: /);
		expect(bad('area=kommune:101')).toMatch(/^area: /);
		expect(bad('from=2026-02-30')).toMatch(/^from: /);
		expect(bad('from=2026-06-01&to=2026-01-01')).toMatch(/^from: .*after to/);
		expect(bad('view=heat')).toBe('view: must be gistar or density');
		expect(bad('survey=yes')).toBe('survey: must be 0 or 1');
	});

	it('round-trips through the URL, and asks the API only about the analysis', () => {
		const state: HotspotPageState = {
			area: 'country',
			cell: 1000,
			from: '2025-01-01',
			to: '2025-12-31',
			categories: ['theft', 'violence'],
			view: 'density',
			survey: true
		};
		const params = hotspotPageParams(state);
		expect(parseHotspotState(params, defaults)).toEqual({ ok: true, state });
		expect(hotspotApiQuery(state)).toBe(
			'area=country&cell=1000&from=2025-01-01&to=2025-12-31&categories=theft%2Cviolence'
		);
		expect(hotspotApiQuery({ ...state, categories: [] })).toBe(
			'area=country&cell=1000&from=2025-01-01&to=2025-12-31'
		);
		expect(hotspotPageParams({ ...state, view: 'gistar', survey: false }).toString()).toBe(
			'area=country&cell=1000&from=2025-01-01&to=2025-12-31&categories=theft%2Cviolence'
		);
	});

	it('calls a full set of categories "all"', () => {
		const all = ['burglary', 'theft', 'violence'];
		expect(normaliseCategories(['violence', 'burglary', 'theft'], all)).toEqual([]);
		expect(normaliseCategories(['violence', 'theft'], all)).toEqual(['theft', 'violence']);
		expect(normaliseCategories(['violence', 'nonsense'], all)).toEqual(['violence']);
	});
});
