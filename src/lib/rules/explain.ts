// One sentence per rule result that says what was measured against what, in the reader's
// language: "14 incidents in 12 months within 100 m; at least 20 required".
import { translate, type Lang, type MessageKey } from '../i18n';
import type { Rule } from './schema';

export interface ExplainableResult {
	outcome: 'pass' | 'fail' | 'warning' | 'not_applicable';
	measured: number | null;
	threshold: number | null;
	detail: Record<string, unknown>;
}

const number = (lang: Lang, value: number, digits = 1) =>
	new Intl.NumberFormat(lang === 'da' ? 'da-DK' : 'en-GB', { maximumFractionDigits: digits }).format(value);
const percent = (lang: Lang, share: number) => number(lang, share * 100, 1);

/** The explanation; `layerNames` turns a reference layer's slug into its name. */
export function explainResult(
	rule: Rule,
	r: ExplainableResult,
	lang: Lang,
	layerNames: Record<string, string> = {}
): string {
	const t = (key: MessageKey, vars: Record<string, string | number> = {}) => translate(lang, key, vars);
	const d = r.detail;
	if (r.outcome === 'not_applicable') {
		if (d.noView) return t('check.noView');
		if (d.notActive) return t('check.notActive');
		return t('check.notApplicable');
	}
	const measured = r.measured;
	const threshold = r.threshold ?? 0;
	switch (rule.kind) {
		case 'withinLayer': {
			const layer = layerNames[rule.params.layer] ?? rule.params.layer;
			if (d.emptyLayer) return t('check.withinLayer.empty', { layer });
			if (rule.params.measureFrom === 'view')
				return t('check.withinLayer.view', { area: number(lang, measured ?? 0, 0), layer, threshold });
			return t('check.withinLayer.camera', {
				distance: number(lang, measured ?? 0),
				layer,
				name: String(d.nearest ?? ''),
				threshold: number(lang, threshold)
			});
		}
		case 'viewAvoidsResidential':
			return measured ? t('check.residential.reached', { count: measured }) : t('check.residential.clear');
		case 'minIncidents': {
			const vars = { count: measured ?? 0, months: rule.params.months, threshold };
			return rule.params.area.mode === 'distance'
				? t('check.incidents.distance', { ...vars, distance: rule.params.area.distanceM })
				: t('check.incidents.view', vars);
		}
		case 'hotspotOrUnsafety': {
			const parts: string[] = [];
			const hotspot = d.hotspot as { z: number | null; cellSizeM: number } | null;
			const unsafety = d.unsafety as { share: number | null; area: string | null; min: number } | null;
			if (hotspot && rule.params.hotspot)
				parts.push(
					hotspot.z === null
						? t('check.hotspot.none', { cell: hotspot.cellSizeM })
						: t('check.hotspot.z', {
								z: number(lang, hotspot.z, 2),
								cell: hotspot.cellSizeM,
								confidence: rule.params.hotspot.minConfidence
							})
				);
			if (unsafety)
				parts.push(
					unsafety.share === null
						? t('check.unsafety.none', { min: percent(lang, unsafety.min) })
						: t('check.unsafety.share', {
								share: percent(lang, unsafety.share),
								area: unsafety.area ?? '',
								min: percent(lang, unsafety.min)
							})
				);
			return parts.join(' ');
		}
		case 'attributeLimit': {
			const p = rule.params;
			switch (p.attribute) {
				case 'retentionDays':
					return t('check.retention', { days: measured ?? 0, max: p.max });
				case 'signage':
					return t(measured ? 'check.signage.yes' : 'check.signage.no');
				case 'legalBasisForOwner':
					return t(r.outcome === 'pass' ? 'check.legalBasis.allowed' : 'check.legalBasis.refused', {
						basis: String(d.legalBasis ?? ''),
						owner: t(`cameras.owner.${String(d.ownerType)}` as MessageKey)
					});
				case 'permitYears':
					return d.missing
						? t('check.permit.missing', { max: p.max })
						: t('check.permit.years', { years: number(lang, measured ?? 0, 2), max: p.max });
				case 'policeRegistrationDays':
					return d.registered
						? t('check.registration.done', { days: measured ?? 0, max: p.max })
						: t('check.registration.pending', { days: measured ?? 0, max: p.max });
			}
			break;
		}
		case 'densityOverTarget':
			return t(rule.params.target === 'view' ? 'check.density.view' : 'check.density.cell', {
				share: percent(lang, measured ?? 0),
				level: rule.params.level,
				min: percent(lang, threshold),
				cell: rule.params.cellSizeM ?? 0
			});
		case 'minSpacing':
			return measured === null
				? t('check.spacing.none')
				: t('check.spacing.distance', {
						distance: number(lang, measured),
						name: String(d.nearest ?? ''),
						threshold: number(lang, threshold)
					});
	}
	return '';
}
