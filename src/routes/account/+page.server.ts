import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { deleteSessionCookie, invalidateUserSessions } from '$lib/server/auth/session';
import { recordAudit } from '$lib/server/audit/service';
import { auditActor } from '$lib/server/audit/actor';

export async function load(event) {
	guard(event, 'account.view', { type: 'self' });
	const user = event.locals.user!;
	const db = getDb();
	const [municipality, district] = await Promise.all([
		user.municipalityCode
			? db
					.selectFrom('municipalities')
					.select('name')
					.where('code', '=', user.municipalityCode)
					.executeTakeFirst()
			: undefined,
		user.policeDistrict
			? db
					.selectFrom('police_districts')
					.select('name')
					.where('number', '=', user.policeDistrict)
					.executeTakeFirst()
			: undefined
	]);
	return {
		account: {
			name: user.name,
			email: user.email,
			role: user.role,
			scope: municipality?.name ?? district?.name ?? null
		}
	};
}

export const actions = {
	signOutEverywhere: async (event) => {
		guard(event, 'account.signOutEverywhere', { type: 'self' });
		const db = getDb();
		const user = event.locals.user!;
		await db.transaction().execute(async (trx) => {
			await invalidateUserSessions(trx, user.id);
			await recordAudit(trx, auditActor(event), {
				action: 'user.signOutEverywhere',
				objectType: 'user',
				objectId: user.id,
				municipalityCode: user.municipalityCode
			});
		});
		deleteSessionCookie(event.cookies, event.url.protocol === 'https:');
		redirect(303, '/login');
	}
};
