import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../auth/password';

export const ROLES = ['planner', 'police', 'ministry', 'admin'] as const;

const optionalCode = (min: number, max: number, label: string) =>
	z.preprocess(
		(v) => (v === '' || v === null || v === undefined ? undefined : v),
		z.coerce
			.number({ error: `${label} must be a number` })
			.int(`${label} must be a whole number`)
			.min(min, `${label} must be between ${min} and ${max}`)
			.max(max, `${label} must be between ${min} and ${max}`)
			.optional()
	);

/** Role and scope: planners need a municipality, police a district, national roles neither. */
export const roleScopeSchema = z
	.object({
		role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` }),
		municipalityCode: optionalCode(100, 999, 'municipality'),
		policeDistrict: optionalCode(1, 99, 'police district')
	})
	.superRefine((v, ctx) => {
		if (v.role === 'planner' && v.municipalityCode === undefined) {
			ctx.addIssue({ code: 'custom', path: ['municipalityCode'], message: 'a planner needs a municipality' });
		}
		if (v.role === 'police' && v.policeDistrict === undefined) {
			ctx.addIssue({
				code: 'custom',
				path: ['policeDistrict'],
				message: 'a police reviewer needs a police district'
			});
		}
	})
	.transform((v) => ({
		role: v.role,
		municipalityCode: v.role === 'planner' ? v.municipalityCode! : null,
		policeDistrict: v.role === 'police' ? v.policeDistrict! : null
	}));

export type RoleScope = z.output<typeof roleScopeSchema>;

export const emailSchema = z
	.string()
	.trim()
	.toLowerCase()
	.pipe(z.email('email must be a valid e-mail address').max(254, 'email is too long'));

export const passwordSchema = z
	.string()
	.min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`)
	.max(256, 'password is too long');

export const newUserSchema = z
	.object({
		email: emailSchema,
		name: z.string().trim().min(1, 'name is required').max(200, 'name is too long')
	})
	.and(roleScopeSchema);

export type NewUser = z.output<typeof newUserSchema>;

/** zod issues as { field: message }, the shape forms show next to each field. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
	const errors: Record<string, string> = {};
	for (const issue of error.issues) {
		const field = issue.path.join('.') || 'form';
		errors[field] ??= issue.message;
	}
	return errors;
}
