import { translate, type Lang } from '$lib/i18n';

/** A compared version as the result page and the report name it. */
export function versionLabel(
	lang: Lang,
	v: { title: Record<Lang, string>; version: number; status: 'draft' | 'published' }
): string {
	return translate(lang, 'impact.version.label', {
		set: v.title[lang],
		version: v.version,
		status: translate(lang, `rules.status.${v.status}`)
	});
}

export function verdictText(lang: Lang, allowed: boolean): string {
	return translate(lang, allowed ? 'impact.verdict.allowed' : 'impact.verdict.refused');
}
