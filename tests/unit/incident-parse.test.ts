import { describe, expect, it } from 'vitest';
import {
	categoryResolver,
	dateAndTime,
	normalizeCategory,
	parseDate,
	parseOccurredAt,
	parseTime
} from '../../src/lib/server/incidents/parse';

describe('parseOccurredAt', () => {
	it('reads ISO 8601 local times (Danish time) with T or a space, with or without seconds', () => {
		expect(parseOccurredAt('2025-03-14T21:30')).toEqual({ text: '2025-03-14T21:30:00', local: true });
		expect(parseOccurredAt(' 2025-03-14 21:30:15 ')).toEqual({ text: '2025-03-14T21:30:15', local: true });
		expect(parseOccurredAt('2025-03-14t21:30:15.123456789')).toEqual({
			text: '2025-03-14T21:30:15.123456',
			local: true
		});
		expect(parseOccurredAt('2025-03-14T21:30:15,5')).toEqual({ text: '2025-03-14T21:30:15.5', local: true });
	});

	it('keeps an offset in the +HH:MM form, Z as +00:00', () => {
		expect(parseOccurredAt('2025-03-14T21:30:00Z')).toEqual({
			text: '2025-03-14T21:30:00+00:00',
			local: false
		});
		expect(parseOccurredAt('2025-03-14T21:30+01:00')).toEqual({
			text: '2025-03-14T21:30:00+01:00',
			local: false
		});
		expect(parseOccurredAt('2025-03-14T21:30-0530')?.text).toBe('2025-03-14T21:30:00-05:30');
		expect(parseOccurredAt('2025-03-14T21:30:00+02')?.text).toBe('2025-03-14T21:30:00+02:00');
	});

	it('refuses dates and times that do not exist, a date alone and other formats', () => {
		for (const value of [
			'2025-02-29T10:00',
			'2024-13-01T10:00',
			'2025-04-31T10:00',
			'2025-03-14T24:00',
			'2025-03-14T21:60',
			'2025-03-14T21:30:60',
			'2025-03-14T21:30+15:00',
			'2025-03-14',
			'14-03-2025 21:30',
			'1899-12-31T23:59',
			'2025-3-14T21:30',
			'tomorrow',
			''
		])
			expect(parseOccurredAt(value), value).toBeNull();
		expect(parseOccurredAt('2024-02-29T10:00')?.text).toBe('2024-02-29T10:00:00');
	});
});

describe('date and time columns', () => {
	it('reads ISO and Danish day-first dates and times with a colon or a dot', () => {
		expect(parseDate('2025-03-14')).toEqual({ year: 2025, month: 3, day: 14 });
		expect(parseDate('14-03-2025')).toEqual({ year: 2025, month: 3, day: 14 });
		expect(parseDate('4.3.2025')).toEqual({ year: 2025, month: 3, day: 4 });
		expect(parseDate('04/03/2025')).toEqual({ year: 2025, month: 3, day: 4 });
		expect(parseDate('31-04-2025')).toBeNull();
		expect(parseDate('2025-03-14T10:00')).toBeNull();
		expect(parseTime('21:30')).toEqual({ hour: 21, minute: 30, second: 0 });
		expect(parseTime('7.05.30')).toEqual({ hour: 7, minute: 5, second: 30 });
		expect(parseTime('24:00')).toBeNull();
		expect(parseTime('21')).toBeNull();
		expect(dateAndTime({ year: 2025, month: 3, day: 4 }, { hour: 7, minute: 5, second: 30 })).toEqual({
			text: '2025-03-04T07:05:30',
			local: true
		});
	});
});

describe('categoryResolver', () => {
	const categories = [
		{ code: 'violence', name_da: 'Vold', name_en: 'Violence' },
		{ code: 'public_order', name_da: 'Offentlig orden', name_en: 'Public order' },
		{ code: 'theft', name_da: 'Tyveri', name_en: 'Theft' }
	];
	const resolve = categoryResolver(categories);

	it('finds a code by its code or its Danish or English name, ignoring case, space, _ and -', () => {
		expect(resolve('violence')).toBe('violence');
		expect(resolve(' VOLD ')).toBe('violence');
		expect(resolve('public-order')).toBe('public_order');
		expect(resolve('Public  order')).toBe('public_order');
		expect(resolve('offentlig_orden')).toBe('public_order');
		expect(resolve('tyveri')).toBe('theft');
		expect(resolve('robbery')).toBeNull();
		expect(resolve('')).toBeNull();
		expect(normalizeCategory(' Offentlig_Orden ')).toBe('offentlig orden');
	});

	it('refuses a name that two categories share instead of guessing', () => {
		const ambiguous = categoryResolver([
			{ code: 'a', name_da: 'Andet', name_en: 'Other' },
			{ code: 'b', name_da: 'Other', name_en: 'B' }
		]);
		expect(ambiguous('other')).toBeNull();
		expect(ambiguous('andet')).toBe('a');
	});
});
