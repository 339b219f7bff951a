// Rules in words, for the rule pages and for explained check results: which cameras a rule applies
// to and what it requires, in Danish or English. Names of layers and incident categories are data
// (tables), so the caller passes them in.
import { levelTables } from '../camera/density-levels';
import { translate, type Lang, type MessageKey } from '../i18n';
import type { Rule, RuleAppliesTo } from './schema';

export interface DescribeNames {
	/** A reference layer's name; the kind itself when unknown. */
	layer?: (kind: string) => string;
	/** An incident category's name; the code itself when unknown. */
	category?: (code: string) => string;
}

const number = (n: number, lang: Lang) => n.toLocaleString(lang === 'da' ? 'da-DK' : 'en-GB');
const percent = (share: number, lang: Lang) => number(Math.round(share * 1000) / 10, lang);

export function describeAppliesTo(appliesTo: RuleAppliesTo, lang: Lang): string[] {
	const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
	const parts: string[] = [];
	if (appliesTo.ownerTypes)
		parts.push(
			t('rules.appliesTo.ownerTypes', {
				values: appliesTo.ownerTypes.map((o) => t(`cameras.owner.${o}`)).join(', ')
			})
		);
	if (appliesTo.legalBases)
		parts.push(t('rules.appliesTo.legalBases', { values: appliesTo.legalBases.join(', ') }));
	if (appliesTo.statuses)
		parts.push(
			t('rules.appliesTo.statuses', {
				values: appliesTo.statuses.map((s) => t(`cameras.status.${s}`)).join(', ')
			})
		);
	return parts.length ? parts : [t('rules.appliesTo.all')];
}

/** What the rule requires, as one or two sentences. */
export function describeRequirement(rule: Rule, lang: Lang, names: DescribeNames = {}): string {
	const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
	const n = (v: number) => number(v, lang);
	const layer = (kind: string) => names.layer?.(kind) ?? kind;
	const categories = (codes: string[] | undefined) =>
		codes ? codes.map((c) => names.category?.(c) ?? c).join(', ') : t('rules.describe.allCategories');

	switch (rule.kind) {
		case 'withinLayer': {
			const p = rule.params;
			const key: MessageKey =
				p.measureFrom === 'view'
					? p.distanceM === 0
						? 'rules.describe.withinLayer.viewInside'
						: 'rules.describe.withinLayer.view'
					: p.distanceM === 0
						? 'rules.describe.withinLayer.cameraInside'
						: 'rules.describe.withinLayer.camera';
			return t(key, { distance: n(p.distanceM), layer: layer(p.layer) });
		}
		case 'viewAvoidsResidential':
			return t(
				rule.params.respectPrivacyMasks
					? 'rules.describe.viewAvoidsResidential.masks'
					: 'rules.describe.viewAvoidsResidential.noMasks',
				{ tolerance: n(rule.params.toleranceM) }
			);
		case 'minIncidents': {
			const p = rule.params;
			const vars = { count: n(p.count), categories: categories(p.categories), months: n(p.months) };
			return p.area.mode === 'distance'
				? t('rules.describe.minIncidents.distance', { ...vars, distance: n(p.area.distanceM) })
				: t('rules.describe.minIncidents.view', vars);
		}
		case 'hotspotOrUnsafety': {
			const p = rule.params;
			const hotspot =
				p.hotspot &&
				t('rules.describe.hotspot', {
					confidence: p.hotspot.minConfidence,
					cell: n(p.hotspot.cellSizeM),
					categories: categories(p.hotspot.categories),
					months: n(p.hotspot.months)
				});
			const unsafety =
				p.minUnsafeShare !== undefined &&
				t('rules.describe.unsafety', { share: percent(p.minUnsafeShare, lang) });
			if (hotspot && unsafety) return t('rules.describe.hotspotOrUnsafety.either', { hotspot, unsafety });
			return t('rules.describe.hotspotOrUnsafety.one', { what: (hotspot || unsafety) as string });
		}
		case 'attributeLimit': {
			const p = rule.params;
			switch (p.attribute) {
				case 'retentionDays':
					return t('rules.describe.retentionDays', { max: n(p.max) });
				case 'signage':
					return t('rules.describe.signage');
				case 'legalBasisForOwner':
					return t('rules.describe.legalBasisForOwner');
				case 'permitYears':
					return t('rules.describe.permitYears', { max: n(p.max) });
				case 'policeRegistrationDays':
					return t('rules.describe.policeRegistrationDays', { max: n(p.max) });
			}
			break;
		}
		case 'densityOverTarget': {
			const p = rule.params;
			const table = levelTables.find((x) => x.id === p.levelTable);
			const level = table?.levels.find((l) => l.id === p.level);
			return t('rules.describe.density', {
				coverage: percent(p.minCoverage, lang),
				target:
					p.target === 'view'
						? t('rules.describe.target.view')
						: t('rules.describe.target.hotspotCell', { cell: n(p.cellSizeM ?? 0) }),
				level: level ? `${level.name[lang]}, ${n(level.ppm)} px/m` : p.level,
				table: table?.name[lang] ?? p.levelTable
			});
		}
		case 'minSpacing':
			return t(
				rule.params.sameOwnerOnly ? 'rules.describe.minSpacing.sameOwner' : 'rules.describe.minSpacing.any',
				{
					distance: n(rule.params.distanceM)
				}
			);
	}
	return '';
}

/** The allowed legal bases per owner type of a legalBasisForOwner rule, as lines "Owner: § 2 a, § 2 c". */
export function describeAllowedBases(rule: Rule, lang: Lang): string[] {
	if (rule.kind !== 'attributeLimit' || rule.params.attribute !== 'legalBasisForOwner') return [];
	return Object.entries(rule.params.allowed).map(
		([owner, bases]) =>
			`${translate(lang, `cameras.owner.${owner}` as MessageKey)}: ${
				bases.length ? bases.join(', ') : translate(lang, 'rules.describe.legalBasisNone')
			}`
	);
}
