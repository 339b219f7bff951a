import { da } from './da';
import { en } from './en';

export const LANGS = ['da', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export type MessageKey = keyof typeof da;

const dictionaries: Record<Lang, Record<MessageKey, string>> = { da, en };

export function isLang(value: unknown): value is Lang {
	return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** Danish first: English only when the cookie or the browser asks for it before Danish. */
export function pickLang(cookie: string | undefined, acceptLanguage: string | null): Lang {
	if (isLang(cookie)) return cookie;
	for (const part of (acceptLanguage ?? '').split(',')) {
		const tag = part.trim().slice(0, 2).toLowerCase();
		if (tag === 'da' || tag === 'nb' || tag === 'nn' || tag === 'no') return 'da';
		if (tag === 'en') return 'en';
	}
	return 'da';
}

export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
	return dictionaries[lang][key].replace(/\{(\w+)\}/g, (_, name: string) =>
		String(vars[name] ?? `{${name}}`)
	);
}
