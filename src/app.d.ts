// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
			id?: string;
		}
		interface Locals {
			lang: import('$lib/i18n').Lang;
			user: import('$lib/server/auth/session').SessionUser | null;
			session: import('$lib/server/auth/session').Session | null;
		}
	}
}

export {};
