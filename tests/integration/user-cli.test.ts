import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { createDb } from '../../src/lib/server/db/connect';
import { createUser } from '../../src/lib/server/users/service';
import { databaseUrl, testDb } from './db';

const root = fileURLToPath(new URL('../..', import.meta.url));
const operator = `cli:${userInfo().username}`;

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs `npm run user -- ...` as a user would, without a terminal on stdin. */
function cli(args: string[], url = databaseUrl()): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['scripts/run.mjs', 'scripts/cli/user.ts', ...args], {
			cwd: root,
			env: { ...process.env, DATABASE_URL: url },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

async function users() {
	return testDb()
		.selectFrom('users')
		.select([
			'id',
			'email',
			'name',
			'role',
			'municipality_code',
			'police_district',
			'disabled_at',
			'password_hash'
		])
		.orderBy('email')
		.execute();
}

async function audit() {
	return testDb().selectFrom('audit_log').selectAll().orderBy('id').execute();
}

const noStackTrace = (r: Run) => expect(r.stderr + r.stdout).not.toMatch(/^\s+at /m);

beforeEach(async () => {
	await loadDemoBoundaries(testDb());
});

describe('npm run user', () => {
	it('creates a planner with a generated password that it prints once', async () => {
		const run = await cli([
			'create',
			'--email',
			'Pia@Test.dk',
			'--name',
			'Pia Planlægger',
			'--role',
			'planner',
			'--municipality',
			'101'
		]);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		const password = run.stdout.match(/^Password \(shown only this once\): (\S+)$/m)?.[1];
		expect(password).toBeDefined();
		expect(password!.length).toBeGreaterThanOrEqual(20);

		const [user] = await users();
		expect(user).toMatchObject({
			email: 'pia@test.dk',
			name: 'Pia Planlægger',
			role: 'planner',
			municipality_code: 101
		});
		expect(await verifyPassword(user.password_hash, password!)).toBe(true);
		const [created] = await audit();
		expect(created).toMatchObject({
			actor_id: null,
			actor_label: operator,
			action: 'user.create',
			object_id: user.id,
			client_address: null
		});
		expect(JSON.stringify(created)).not.toContain(password);
	});

	it('creates a police reviewer with a given password and prints no password', async () => {
		const run = await cli([
			'create',
			'--email',
			'poul@test.dk',
			'--name',
			'Poul',
			'--role',
			'police',
			'--police-district',
			'11',
			'--password',
			'a-good-long-password'
		]);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('Created police poul@test.dk');
		expect(run.stdout).not.toContain('a-good-long-password');
		const [user] = await users();
		expect(user).toMatchObject({ role: 'police', police_district: 11, municipality_code: null });
		expect(await verifyPassword(user.password_hash, 'a-good-long-password')).toBe(true);
	});

	it('lists users with filters and pages', async () => {
		const actor = { userId: null, label: 'setup', clientAddress: null };
		const base = { role: 'planner' as const, policeDistrict: null };
		await createUser(
			testDb(),
			actor,
			{ ...base, email: 'a@test.dk', name: 'Anna', municipalityCode: 101 },
			'x'.repeat(12)
		);
		await createUser(
			testDb(),
			actor,
			{ ...base, email: 'b@test.dk', name: 'Bo', municipalityCode: 851 },
			'x'.repeat(12)
		);

		const [all, aalborg, pageTwo, admins] = await Promise.all([
			cli(['list']),
			cli(['list', '--municipality', '851', '--role', 'planner']),
			cli(['list', '--page', '2']),
			cli(['list', '--role', 'admin'])
		]);
		expect(all.code).toBe(0);
		expect(all.stdout).toMatch(/^email\s+name\s+role\s+area\s+status$/m);
		expect(all.stdout).toMatch(/^a@test\.dk\s+Anna\s+planner\s+København \(101\)\s+active$/m);
		expect(all.stdout).toContain('Page 1 of 1 (2 users).');
		expect(aalborg.stdout).toContain('b@test.dk');
		expect(aalborg.stdout).not.toContain('a@test.dk');
		expect(pageTwo.stdout).toContain('No users on page 2.');
		expect(admins.stdout).toContain('No users match.');
	});

	it('disables (ending sessions), enables and changes roles, all recorded as the operator', async () => {
		const actor = { userId: null, label: 'setup', clientAddress: null };
		const id = await createUser(
			testDb(),
			actor,
			{ email: 'pia@test.dk', name: 'Pia', role: 'planner', municipalityCode: 101, policeDistrict: null },
			'x'.repeat(12)
		);
		await createSession(testDb(), generateSessionToken(), id, null);

		const disabled = await cli(['disable', '--email', 'PIA@test.dk']);
		expect(disabled.code).toBe(0);
		expect(disabled.stdout).toContain('Disabled pia@test.dk');
		expect((await users())[0].disabled_at).toBeInstanceOf(Date);
		expect(await testDb().selectFrom('sessions').selectAll().execute()).toEqual([]);

		expect((await cli(['enable', '--email', 'pia@test.dk'])).code).toBe(0);
		expect((await users())[0].disabled_at).toBeNull();

		const moved = await cli([
			'set-role',
			'--email',
			'pia@test.dk',
			'--role',
			'police',
			'--police-district',
			'11'
		]);
		expect(moved.code).toBe(0);
		expect(moved.stdout).toContain('pia@test.dk is now police for police district 11.');
		expect((await users())[0]).toMatchObject({
			role: 'police',
			police_district: 11,
			municipality_code: null
		});

		const national = await cli(['set-role', '--email', 'pia@test.dk', '--role', 'ministry']);
		expect(national.code).toBe(0);
		expect((await users())[0]).toMatchObject({ role: 'ministry', police_district: null });

		const rows = await audit();
		expect(rows.map((r) => [r.action, r.actor_label, r.actor_id])).toEqual([
			['user.create', 'setup', null],
			['user.disable', operator, null],
			['user.enable', operator, null],
			['user.setRole', operator, null],
			['user.setRole', operator, null]
		]);
		expect(rows[3]).toMatchObject({
			before: { role: 'planner', municipalityCode: 101 },
			after: { role: 'police', policeDistrict: 11 }
		});
	});

	it('refuses bad input clearly, without a stack trace and without writing anything', async () => {
		const create = ['create', '--name', 'X', '--role', 'planner', '--municipality', '101'];
		const cases: { args: string[]; code: number; message: RegExp }[] = [
			{ args: [], code: 2, message: /usage: npm run user/ },
			{ args: ['frobnicate'], code: 2, message: /Unknown command "frobnicate"/ },
			{ args: ['create', '--name', 'X'], code: 2, message: /create needs --email and --role/ },
			{ args: [...create, '--email', 'not-an-address'], code: 2, message: /--email: email must be a valid/ },
			{ args: [...create, '--email', 'x@test.dk', '--bogus'], code: 2, message: /Unknown option '--bogus'/ },
			{
				args: [...create, '--email', 'x@test.dk', '--password', 'short'],
				code: 2,
				message: /--password: .*12/
			},
			{
				args: ['create', '--email', 'x@test.dk', '--name', 'X', '--role', 'planner'],
				code: 2,
				message: /--municipality: a planner needs a municipality/
			},
			{
				args: [
					'create',
					'--email',
					'x@test.dk',
					'--name',
					'X',
					'--role',
					'planner',
					'--police-district',
					'3'
				],
				code: 2,
				message: /--police-district applies to --role police only/
			},
			{
				args: ['create', '--email', 'x@test.dk', '--name', 'X', '--role', 'chief'],
				code: 2,
				message: /--role: role must be one of planner, police, ministry, admin/
			},
			{
				args: [...create.slice(0, 5), '--municipality', '999', '--email', 'x@test.dk'],
				code: 1,
				message: /no municipality has code 999/
			},
			{
				args: ['disable', '--email', 'nobody@test.dk'],
				code: 1,
				message: /No user has the e-mail nobody@test\.dk/
			},
			{ args: ['set-role', '--email', 'nobody@test.dk'], code: 2, message: /set-role needs --role/ },
			{ args: ['list', '--page', '0'], code: 2, message: /--page must be a whole number/ }
		];
		const runs = await Promise.all(cases.map((c) => cli(c.args)));
		runs.forEach((run, i) => {
			const c = cases[i];
			expect(run.code, c.args.join(' ')).toBe(c.code);
			expect(run.stderr, c.args.join(' ')).toMatch(c.message);
			noStackTrace(run);
		});
		expect(await users()).toEqual([]);
		expect(await audit()).toEqual([]);
	});

	it('refuses a taken e-mail with exit status 1', async () => {
		const args = ['create', '--email', 'pia@test.dk', '--name', 'Pia', '--role', 'ministry'];
		expect((await cli(args)).code).toBe(0);
		const again = await cli(args);
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/--email: a user with e-mail pia@test\.dk already exists/);
		noStackTrace(again);
		expect(await users()).toHaveLength(1);
		expect(await audit()).toHaveLength(1);
	});

	it('refuses to work on a database with pending migrations', async () => {
		const admin = createDb(databaseUrl(), 1);
		const name = `user_cli_${process.pid}`;
		await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin);
		await sql.raw(`CREATE DATABASE ${name}`).execute(admin);
		try {
			const run = await cli(['list'], databaseUrl().replace(/\/[^/]+$/, `/${name}`));
			expect(run.code).toBe(1);
			expect(run.stderr).toMatch(/lacks migrations .*run `npm run db:migrate` first/);
			noStackTrace(run);
		} finally {
			await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin);
			await admin.destroy();
		}
	});
});
