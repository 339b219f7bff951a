import type { Db } from '../db/connect';
import type { Role } from '../db/schema';
import { generatePassword } from '../auth/password';
import { createUser } from './service';

export interface DemoLogin {
	email: string;
	password: string;
	role: Role;
	scope: string;
}

const DEMO_USERS: {
	email: string;
	name: string;
	role: Role;
	municipalityCode: number | null;
	policeDistrict: number | null;
	scope: string;
}[] = [
	{
		email: 'planlaegger@demo.tryghedskort.dk',
		name: 'Demo Planlægger (København)',
		role: 'planner',
		municipalityCode: 101,
		policeDistrict: null,
		scope: 'København (101)'
	},
	{
		email: 'politi@demo.tryghedskort.dk',
		name: 'Demo Politi (Københavns Politi)',
		role: 'police',
		municipalityCode: null,
		policeDistrict: 11,
		scope: 'Københavns Politi (11)'
	},
	{
		email: 'ministerium@demo.tryghedskort.dk',
		name: 'Demo Ministerium',
		role: 'ministry',
		municipalityCode: null,
		policeDistrict: null,
		scope: 'national'
	},
	{
		email: 'admin@demo.tryghedskort.dk',
		name: 'Demo Administrator',
		role: 'admin',
		municipalityCode: null,
		policeDistrict: null,
		scope: 'national'
	}
];

/**
 * Creates one demo user per role, with fresh random passwords, when the database has no demo
 * users yet. Returns the logins to print once; only their hashes are stored.
 */
export async function seedDemoUsers(db: Db): Promise<DemoLogin[]> {
	const existing = await db
		.selectFrom('users')
		.select('id')
		.where('is_demo', '=', true)
		.limit(1)
		.executeTakeFirst();
	if (existing) return [];
	const logins: DemoLogin[] = [];
	const actor = { userId: null, label: 'demo-seed', clientAddress: null };
	for (const u of DEMO_USERS) {
		const password = generatePassword();
		await createUser(
			db,
			actor,
			{
				email: u.email,
				name: u.name,
				role: u.role,
				municipalityCode: u.municipalityCode,
				policeDistrict: u.policeDistrict
			},
			password,
			{ isDemo: true }
		);
		logins.push({ email: u.email, password, role: u.role, scope: u.scope });
	}
	return logins;
}
