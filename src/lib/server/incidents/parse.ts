// Reading the values of an incident row: times as ISO 8601 (or a date and a time), categories by
// code or name. Pure functions; the import turns their nulls into row errors.

/**
 * A moment as the SQL of the import reads it: `text` is `YYYY-MM-DDTHH:MM:SS[.fff]`, followed by
 * `+HH:MM` when the value had an offset (`Z` is `+00:00`). Without one (`local`), it is
 * Europe/Copenhagen wall-clock time, which PostgreSQL resolves (`AT TIME ZONE`).
 */
export interface Moment {
	text: string;
	local: boolean;
}

const ISO =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:(Z)|([+-])(\d{2}):?(\d{2})?)?$/i;

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function validDate(year: number, month: number, day: number): boolean {
	if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return false;
	return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validTime(hour: number, minute: number, second: number): boolean {
	return hour <= 23 && minute <= 59 && second <= 59;
}

function moment(
	year: number,
	month: number,
	day: number,
	hour: number,
	minute: number,
	second: number,
	fraction: string | undefined,
	offset: string | null
): Moment | null {
	if (!validDate(year, month, day) || !validTime(hour, minute, second)) return null;
	const time = `${pad(hour)}:${pad(minute)}:${pad(second)}${fraction ? `.${fraction.slice(0, 6)}` : ''}`;
	const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${time}`;
	return offset === null ? { text, local: true } : { text: text + offset, local: false };
}

/**
 * An ISO 8601 date and time: `2025-03-14T21:30`, with seconds and fractions, a space for the `T`,
 * and an optional offset (`Z`, `+01:00`, `+0100`, `+01`). A date alone is not enough: the time of
 * day matters to every analysis of incidents.
 */
export function parseOccurredAt(value: string): Moment | null {
	const m = ISO.exec(value.trim());
	if (!m) return null;
	const [, y, mo, d, h, mi, s, f, z, sign, oh, om] = m;
	let offset: string | null = null;
	if (z) offset = '+00:00';
	else if (sign) {
		const hours = Number(oh);
		const minutes = Number(om ?? '0');
		if (hours > 14 || minutes > 59) return null;
		offset = `${sign}${pad(hours)}:${pad(minutes)}`;
	}
	return moment(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? '0'), f, offset);
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
/** As Danish spreadsheets write dates: 14-03-2025, 14.03.2025, 14/3/2025. */
const DANISH_DATE = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/;
/** 21:30, 21.30, 21:30:15, 9:05 */
const TIME = /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$/;

/** The date of a `date` column: ISO (`2025-03-14`) or Danish day first (`14-03-2025`, `14.03.2025`). */
export function parseDate(value: string): { year: number; month: number; day: number } | null {
	const t = value.trim();
	const iso = ISO_DATE.exec(t);
	const danish = iso ? null : DANISH_DATE.exec(t);
	if (!iso && !danish) return null;
	const [year, month, day] = iso
		? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
		: [Number(danish![3]), Number(danish![2]), Number(danish![1])];
	return validDate(year, month, day) ? { year, month, day } : null;
}

/** The time of a `time` column: `21:30`, `21.30` or with seconds; local (Europe/Copenhagen) time. */
export function parseTime(value: string): { hour: number; minute: number; second: number } | null {
	const m = TIME.exec(value.trim());
	if (!m) return null;
	const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
	return validTime(hour, minute, second) ? { hour, minute, second } : null;
}

/** A `date` and a `time` column as one local moment. */
export function dateAndTime(
	date: { year: number; month: number; day: number },
	time: { hour: number; minute: number; second: number }
): Moment {
	return moment(date.year, date.month, date.day, time.hour, time.minute, time.second, undefined, null)!;
}

/** A category name as compared: case, surrounding space, `_` and `-` ignored (`Public order` is `public_order`). */
export const normalizeCategory = (value: string) =>
	value
		.trim()
		.toLowerCase()
		.replace(/[\s_-]+/g, ' ');

/**
 * Finds a category code by its code or its Danish or English name. The categories are data (the
 * `incident_categories` table); a name that two categories share is refused rather than guessed.
 */
export function categoryResolver(
	categories: { code: string; name_da: string; name_en: string }[]
): (value: string) => string | null {
	const byKey = new Map<string, string | null>();
	const add = (key: string, code: string) => {
		const existing = byKey.get(key);
		byKey.set(key, existing === undefined || existing === code ? code : null);
	};
	for (const c of categories) {
		add(normalizeCategory(c.code), c.code);
		add(normalizeCategory(c.name_da), c.code);
		add(normalizeCategory(c.name_en), c.code);
	}
	return (value) => byKey.get(normalizeCategory(value)) ?? null;
}
