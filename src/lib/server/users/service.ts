import { sql } from 'kysely';
import type { Db } from '../db/connect';
import type { Role } from '../db/schema';
import { recordAudit, type AuditActor } from '../audit/service';
import { hashPassword } from '../auth/password';
import { UserInputError, type NewUser, type RoleScope } from './validation';

export interface UserSummary {
	id: string;
	email: string;
	name: string;
	role: Role;
	municipalityCode: number | null;
	municipalityName: string | null;
	policeDistrict: number | null;
	policeDistrictName: string | null;
	isDemo: boolean;
	disabledAt: Date | null;
	createdAt: Date;
}

/** What the audit trail keeps of a user: never the password hash. */
function auditView(u: {
	email: string;
	name: string;
	role: Role;
	municipality_code: number | null;
	police_district: number | null;
	disabled_at: Date | null;
}) {
	return {
		email: u.email,
		name: u.name,
		role: u.role,
		municipalityCode: u.municipality_code,
		policeDistrict: u.police_district,
		disabled: u.disabled_at !== null
	};
}

function usersQuery(db: Db) {
	return db
		.selectFrom('users as u')
		.leftJoin('municipalities as m', 'm.code', 'u.municipality_code')
		.leftJoin('police_districts as p', 'p.number', 'u.police_district')
		.select([
			'u.id',
			'u.email',
			'u.name',
			'u.role',
			'u.municipality_code as municipalityCode',
			'm.name as municipalityName',
			'u.police_district as policeDistrict',
			'p.name as policeDistrictName',
			'u.is_demo as isDemo',
			'u.disabled_at as disabledAt',
			'u.created_at as createdAt'
		]);
}

export const USERS_PAGE_SIZE = 25;

export interface UserListFilter {
	search?: string;
	role?: Role;
	municipalityCode?: number;
	page?: number;
	pageSize?: number;
}

export async function listUsers(db: Db, filter: UserListFilter = {}) {
	const pageSize = filter.pageSize ?? USERS_PAGE_SIZE;
	const page = Math.max(1, filter.page ?? 1);
	let query = usersQuery(db);
	if (filter.search) {
		const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
		query = query.where((eb) => eb.or([eb('u.email', 'ilike', pattern), eb('u.name', 'ilike', pattern)]));
	}
	if (filter.role) query = query.where('u.role', '=', filter.role);
	if (filter.municipalityCode) query = query.where('u.municipality_code', '=', filter.municipalityCode);
	const rows = await query
		.select(sql<number>`count(*) OVER ()`.as('total'))
		.orderBy('u.email')
		.limit(pageSize)
		.offset((page - 1) * pageSize)
		.execute();
	const total = rows[0]?.total ?? 0;
	return {
		users: rows.map(({ total: _total, ...u }) => u as UserSummary),
		page,
		pageSize,
		total
	};
}

export async function getUser(db: Db, id: string): Promise<UserSummary | null> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
	return (await usersQuery(db).where('u.id', '=', id).executeTakeFirst()) ?? null;
}

async function assertScopeExists(db: Db, scope: RoleScope) {
	if (scope.municipalityCode !== null) {
		const m = await db
			.selectFrom('municipalities')
			.select('code')
			.where('code', '=', scope.municipalityCode)
			.executeTakeFirst();
		if (!m) {
			throw new UserInputError('municipalityCode', 'users.error.noMunicipality', {
				code: scope.municipalityCode
			});
		}
	}
	if (scope.policeDistrict !== null) {
		const p = await db
			.selectFrom('police_districts')
			.select('number')
			.where('number', '=', scope.policeDistrict)
			.executeTakeFirst();
		if (!p) {
			throw new UserInputError('policeDistrict', 'users.error.noDistrict', { number: scope.policeDistrict });
		}
	}
}

export async function createUser(
	db: Db,
	actor: AuditActor,
	input: NewUser,
	password: string,
	options: { isDemo?: boolean } = {}
): Promise<string> {
	await assertScopeExists(db, input);
	const passwordHash = await hashPassword(password);
	return db.transaction().execute(async (trx) => {
		const taken = await trx
			.selectFrom('users')
			.select('id')
			.where('email', '=', input.email)
			.executeTakeFirst();
		if (taken) throw new UserInputError('email', 'users.error.emailTaken', { email: input.email }, 409);
		const row = await trx
			.insertInto('users')
			.values({
				email: input.email,
				name: input.name,
				role: input.role,
				municipality_code: input.municipalityCode,
				police_district: input.policeDistrict,
				password_hash: passwordHash,
				is_demo: options.isDemo ?? false
			})
			.returning(['id', 'email', 'name', 'role', 'municipality_code', 'police_district', 'disabled_at'])
			.executeTakeFirstOrThrow();
		await recordAudit(trx, actor, {
			action: 'user.create',
			objectType: 'user',
			objectId: row.id,
			municipalityCode: row.municipality_code,
			after: auditView(row)
		});
		return row.id;
	});
}

/**
 * Applies a change to one user under a row lock, recording before and after. A change that would
 * leave no active admin is refused on `guardField`: such changes take one lock first, so two
 * admins demoting each other at once cannot both pass the check.
 */
async function changeUser(
	db: Db,
	actor: AuditActor,
	id: string,
	action: string,
	change: Partial<{
		role: Role;
		municipality_code: number | null;
		police_district: number | null;
		disabled_at: Date | null;
	}>,
	guardField?: string
) {
	const removesAdmin = (u: { role: Role; disabled_at: Date | null }) =>
		u.role === 'admin' &&
		u.disabled_at === null &&
		((change.role !== undefined && change.role !== 'admin') || (change.disabled_at ?? null) !== null);
	return db.transaction().execute(async (trx) => {
		if (guardField !== undefined)
			await sql`SELECT pg_advisory_xact_lock(hashtext('tryghedskort.admins'))`.execute(trx);
		const before = await trx
			.selectFrom('users')
			.select(['id', 'email', 'name', 'role', 'municipality_code', 'police_district', 'disabled_at'])
			.where('id', '=', id)
			.forUpdate()
			.executeTakeFirst();
		if (!before) throw new UserInputError('id', 'users.error.notFound', {}, 404);
		if (guardField !== undefined && removesAdmin(before)) {
			const other = await trx
				.selectFrom('users')
				.select('id')
				.where('role', '=', 'admin')
				.where('disabled_at', 'is', null)
				.where('id', '<>', id)
				.limit(1)
				.executeTakeFirst();
			if (!other) throw new UserInputError(guardField, 'users.error.lastAdmin', {}, 409);
		}
		const after = await trx
			.updateTable('users')
			.set({ ...change, updated_at: sql`now()` })
			.where('id', '=', id)
			.returning(['id', 'email', 'name', 'role', 'municipality_code', 'police_district', 'disabled_at'])
			.executeTakeFirstOrThrow();
		await recordAudit(trx, actor, {
			action,
			objectType: 'user',
			objectId: id,
			municipalityCode: after.municipality_code ?? before.municipality_code,
			before: auditView(before),
			after: auditView(after)
		});
		// A disabled account is signed out everywhere in the same transaction.
		if (after.disabled_at !== null) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
		return after;
	});
}

/** Changes role and scope; the last active admin keeps the admin role (409 on `role`). */
export async function setRole(db: Db, actor: AuditActor, id: string, scope: RoleScope): Promise<void> {
	await assertScopeExists(db, scope);
	await changeUser(
		db,
		actor,
		id,
		'user.setRole',
		{
			role: scope.role,
			municipality_code: scope.municipalityCode,
			police_district: scope.policeDistrict
		},
		'role'
	);
}

/** Disables the account and ends its sessions at once; never the last active admin (409). */
export async function disableUser(db: Db, actor: AuditActor, id: string): Promise<void> {
	await changeUser(db, actor, id, 'user.disable', { disabled_at: new Date() }, 'form');
}

export async function enableUser(db: Db, actor: AuditActor, id: string): Promise<void> {
	await changeUser(db, actor, id, 'user.enable', { disabled_at: null });
}

export async function findUserByEmail(db: Db, email: string) {
	return db
		.selectFrom('users')
		.select(['id', 'email', 'password_hash', 'disabled_at', 'is_demo'])
		.where('email', '=', email.trim().toLowerCase())
		.executeTakeFirst();
}
