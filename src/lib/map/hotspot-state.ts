// The hotspot page's state as it lives in the URL (so a reload or a shared link shows the same
// analysis), and the query it sends to /api/hotspots. Used by the page's load and by the browser.
import { describeIssue, formatArea, hotspotQuerySchema, type CellSize } from '../hotspots';
import type { HotspotView } from './hotspot-style';

export interface HotspotPageState {
	/** 'country', 'district:<number>' or 'municipality:<code>'. */
	area: string;
	cell: CellSize;
	/** Inclusive dates, YYYY-MM-DD. */
	from: string;
	to: string;
	/** Sorted category codes; empty means every category. */
	categories: string[];
	view: HotspotView;
	/** Whether the safety-survey overlay is shown. */
	survey: boolean;
}

/** A date `months` months later (earlier when negative), on the same day or the month's last. */
export function shiftMonths(date: string, months: number): string {
	const [y, m, d] = date.split('-').map(Number);
	const first = new Date(Date.UTC(y, m - 1 + months, 1));
	const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
	first.setUTCDate(Math.min(d, last));
	return first.toISOString().slice(0, 10);
}

/** The default period: the last 12 months up to and including today. */
export function defaultPeriod(today: string): { from: string; to: string } {
	return { from: shiftMonths(today, -12), to: today };
}

export type ParsedState = { ok: true; state: HotspotPageState } | { ok: false; message: string };

/**
 * The page state from the URL, each missing parameter taken from `defaults`; a bad value is an
 * error that names the parameter (the same messages as the API's).
 */
export function parseHotspotState(params: URLSearchParams, defaults: HotspotPageState): ParsedState {
	const view = params.get('view') ?? defaults.view;
	if (view !== 'gistar' && view !== 'density')
		return { ok: false, message: 'view: must be gistar or density' };
	const survey = params.get('survey');
	if (survey !== null && survey !== '0' && survey !== '1')
		return { ok: false, message: 'survey: must be 0 or 1' };
	const parsed = hotspotQuerySchema.safeParse({
		area: params.get('area') ?? defaults.area,
		cell: params.get('cell') ?? String(defaults.cell),
		from: params.get('from') ?? defaults.from,
		to: params.get('to') ?? defaults.to,
		categories: params.get('categories') ?? defaults.categories.join(',')
	});
	if (!parsed.success) return { ok: false, message: describeIssue(parsed.error) };
	const q = parsed.data;
	return {
		ok: true,
		state: {
			area: formatArea(q.area),
			cell: q.cell,
			from: q.from,
			to: q.to,
			categories: q.categories,
			view,
			survey: survey === null ? defaults.survey : survey === '1'
		}
	};
}

/** Sorted codes of the chosen categories, or [] when they are all of them. */
export function normaliseCategories(chosen: Iterable<string>, all: string[]): string[] {
	const set = new Set(chosen);
	return all.every((c) => set.has(c)) ? [] : [...set].filter((c) => all.includes(c)).sort();
}

/** The page's query string: the analysis always, view and overlay when not the default. */
export function hotspotPageParams(state: HotspotPageState): URLSearchParams {
	const params = new URLSearchParams(hotspotApiQuery(state));
	if (state.view !== 'gistar') params.set('view', state.view);
	if (state.survey) params.set('survey', '1');
	return params;
}

/** The query string of /api/hotspots for the state. */
export function hotspotApiQuery(state: HotspotPageState): string {
	const params = new URLSearchParams({
		area: state.area,
		cell: String(state.cell),
		from: state.from,
		to: state.to
	});
	if (state.categories.length) params.set('categories', state.categories.join(','));
	return params.toString();
}
