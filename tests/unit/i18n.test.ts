import { describe, expect, it } from 'vitest';
import { da } from '../../src/lib/i18n/da';
import { en } from '../../src/lib/i18n/en';
import { pickLang, translate } from '../../src/lib/i18n';

describe('i18n', () => {
	it('is Danish first', () => {
		expect(pickLang(undefined, null)).toBe('da');
		expect(pickLang(undefined, 'fr-FR,fr;q=0.9')).toBe('da');
		expect(pickLang(undefined, 'en-GB,en;q=0.9,da;q=0.8')).toBe('en');
		expect(pickLang(undefined, 'da-DK,en;q=0.5')).toBe('da');
		expect(pickLang('en', 'da')).toBe('en');
		expect(pickLang('xx', 'en')).toBe('en');
	});

	it('has every message in both languages, with the same placeholders', () => {
		expect(Object.keys(en).sort()).toEqual(Object.keys(da).sort());
		for (const key of Object.keys(da) as (keyof typeof da)[]) {
			const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
			expect(vars(en[key]), key).toEqual(vars(da[key]));
			expect(en[key].length, key).toBeGreaterThan(0);
		}
	});

	it('fills placeholders', () => {
		expect(translate('en', 'map.error', { message: 'boom' })).toBe('The map could not be shown: boom');
	});
});
