// User input from forms (strings) or code and the command line. As for cameras
// (cameras/validation.ts), every message is English in the issue and carries an i18n key in
// `params`, so the admin pages can show it in the reader's language while the CLI prints English.
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../auth/password';
import { translate, type Lang, type MessageKey } from '../../i18n';
import { InputError } from '../errors';

export const ROLES = ['planner', 'police', 'ministry', 'admin'] as const;
type Role = (typeof ROLES)[number];

type Vars = Record<string, string | number>;

function issue(ctx: z.RefinementCtx, key: MessageKey, vars: Vars = {}, path: string[] = []) {
	ctx.addIssue({ code: 'custom', path, message: translate('en', key, vars), params: { key, vars } });
}

/** A submitted value as text (not trimmed); absent, null and non-scalar values are ''. */
function text(v: unknown): string {
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	return '';
}

/** Any value, a missing one as '': each field's rule says what it accepts and why not. */
const anyValue = () => z.unknown().default('');

const CODE_KEYS = {
	municipality: {
		number: 'users.error.municipalityNumber',
		integer: 'users.error.municipalityInteger',
		range: 'users.error.municipalityRange'
	},
	district: {
		number: 'users.error.districtNumber',
		integer: 'users.error.districtInteger',
		range: 'users.error.districtRange'
	}
} as const satisfies Record<string, Record<string, MessageKey>>;

/** A whole number from min to max, or null when left blank. */
const optionalCode = (min: number, max: number, keys: (typeof CODE_KEYS)[keyof typeof CODE_KEYS]) =>
	anyValue().transform((v, ctx): number | null => {
		if (v === '' || v === null || v === undefined) return null;
		const n = Number(typeof v === 'string' ? v : text(v));
		if (!Number.isFinite(n)) issue(ctx, keys.number);
		else if (!Number.isInteger(n)) issue(ctx, keys.integer);
		else if (n < min || n > max) issue(ctx, keys.range, { min, max });
		else return n;
		return z.NEVER;
	});

const roleField = anyValue().transform((v, ctx): Role => {
	const t = text(v).trim();
	if ((ROLES as readonly string[]).includes(t)) return t as Role;
	issue(ctx, 'users.error.role', { roles: ROLES.join(', ') });
	return z.NEVER;
});

/** Role and scope: planners need a municipality, police a district, national roles neither. */
export const roleScopeSchema = z
	.object({
		role: roleField,
		municipalityCode: optionalCode(100, 999, CODE_KEYS.municipality),
		policeDistrict: optionalCode(1, 99, CODE_KEYS.district)
	})
	.superRefine((v, ctx) => {
		if (v.role === 'planner' && v.municipalityCode === null) {
			issue(ctx, 'users.error.needMunicipality', {}, ['municipalityCode']);
		}
		if (v.role === 'police' && v.policeDistrict === null) {
			issue(ctx, 'users.error.needDistrict', {}, ['policeDistrict']);
		}
	})
	.transform((v) => ({
		role: v.role,
		municipalityCode: v.role === 'planner' ? v.municipalityCode : null,
		policeDistrict: v.role === 'police' ? v.policeDistrict : null
	}));

export type RoleScope = z.output<typeof roleScopeSchema>;

const emailFormat = z.email();

export const emailSchema = anyValue().transform((v, ctx): string => {
	const t = text(v).trim().toLowerCase();
	if (!emailFormat.safeParse(t).success) issue(ctx, 'users.error.email');
	else if (t.length > 254) issue(ctx, 'users.error.emailTooLong', { max: 254 });
	else return t;
	return z.NEVER;
});

export const passwordSchema = anyValue().transform((v, ctx): string => {
	const t = typeof v === 'string' ? v : '';
	if (t.length < MIN_PASSWORD_LENGTH) issue(ctx, 'users.error.passwordShort', { min: MIN_PASSWORD_LENGTH });
	else if (t.length > 256) issue(ctx, 'users.error.passwordTooLong', { max: 256 });
	else return t;
	return z.NEVER;
});

const nameSchema = anyValue().transform((v, ctx): string => {
	const t = text(v).trim();
	if (t === '') issue(ctx, 'users.error.nameRequired');
	else if (t.length > 200) issue(ctx, 'users.error.nameTooLong', { max: 200 });
	else return t;
	return z.NEVER;
});

export const newUserSchema = z.object({ email: emailSchema, name: nameSchema }).and(roleScopeSchema);

export type NewUser = z.output<typeof newUserSchema>;

/** A message from an issue's or error's i18n parameters, in the reader's language. */
function localized(lang: Lang, fallback: string, params: unknown): string {
	const p = params as { key?: MessageKey; vars?: Vars } | undefined;
	return p?.key ? translate(lang, p.key, p.vars) : fallback;
}

/** A refusal from the user service that forms can show in the reader's language. */
export class UserInputError extends InputError {
	readonly params: { key: MessageKey; vars: Vars };

	constructor(field: string, key: MessageKey, vars: Vars = {}, status: 400 | 404 | 409 = 400) {
		super(field, translate('en', key, vars), status);
		this.params = { key, vars };
	}
}

/** An InputError's message in `lang` (UserInputError) or as it was written. */
export function inputErrorMessage(err: InputError, lang: Lang): string {
	return localized(lang, err.message, err instanceof UserInputError ? err.params : undefined);
}

/** zod issues as { field: message } in `lang`, the first message per field: what forms show. */
export function fieldErrors(error: z.ZodError, lang: Lang): Record<string, string> {
	const errors: Record<string, string> = {};
	for (const i of error.issues) {
		const field = i.path.join('.') || 'form';
		errors[field] ??= localized(lang, i.message, (i as { params?: unknown }).params);
	}
	return errors;
}
