// npm run user -- <command> [options]: manage accounts from the command line, through the same
// validation and service functions as the admin pages, so every change lands in the audit trail.
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { cliActor } from '../../src/lib/server/audit/actor';
import { generatePassword } from '../../src/lib/server/auth/password';
import { createDb, type Db } from '../../src/lib/server/db/connect';
import { pendingMigrations } from '../../src/lib/server/db/migrations';
import { InputError } from '../../src/lib/server/errors';
import {
	createUser,
	disableUser,
	enableUser,
	findUserByEmail,
	listUsers,
	setRole,
	type UserSummary
} from '../../src/lib/server/users/service';
import {
	ROLES,
	emailSchema,
	newUserSchema,
	passwordSchema,
	roleScopeSchema
} from '../../src/lib/server/users/validation';
import { fileMigrationProvider, resolveDatabaseUrl } from '../lib/database';

const USAGE = `usage: npm run user -- <command> [options]

commands:
  create --email E --name N --role R [--municipality CODE | --police-district N] [--password P]
      create an account. Without --password you are asked for one (on a terminal; leave it
      empty to generate one), or a strong password is generated and printed once.
  list [--role R] [--municipality CODE] [--search TEXT] [--page N]
      list accounts, 25 a page, by e-mail
  disable --email E
      disable an account and sign it out everywhere
  enable --email E
      enable a disabled account
  set-role --email E --role R [--municipality CODE | --police-district N]
      change role and area

roles: ${ROLES.join(', ')}. A planner needs --municipality, a police reviewer --police-district;
ministry and admin are national and take neither.

--password is visible in the process list and shell history; prefer the prompt.
The database is DATABASE_URL, or the embedded one under .pgdata/.
Exit status: 0 done, 1 failed (unknown user, e-mail taken, database), 2 bad command line.`;

/** The command line is wrong: exit 2 with the message (and a pointer to the usage). */
class UsageError extends Error {}
/** The command is fine but cannot be carried out: exit 1. */
class Failure extends Error {}

type Values = Record<string, string | undefined>;

/** Long option names by the schema field they fill, so messages name what the user typed. */
const OPTION_OF_FIELD: Record<string, string> = {
	email: '--email',
	name: '--name',
	role: '--role',
	municipalityCode: '--municipality',
	policeDistrict: '--police-district',
	password: '--password',
	search: '--search',
	page: '--page'
};

function optionOf(field: string): string {
	return OPTION_OF_FIELD[field] ?? field;
}

/** Validates with a shared schema; `field` names the value when the schema is not an object's. */
function parse<T extends z.ZodType>(schema: T, input: unknown, field?: string): z.output<T> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	throw new UsageError(
		result.error.issues.map((i) => `${optionOf(String(i.path[0] ?? field))}: ${i.message}`).join('\n')
	);
}

function required(values: Values, command: string, names: string[]): void {
	const missing = names.filter((n) => values[n] === undefined || values[n] === '');
	if (missing.length) throw new UsageError(`${command} needs ${missing.map((n) => `--${n}`).join(' and ')}`);
}

/** The scope options that fit the role; one that does not fit is more likely a slip than intent. */
function scopeInput(values: Values) {
	const role = values.role;
	if (values.municipality !== undefined && role !== 'planner') {
		throw new UsageError('--municipality applies to --role planner only');
	}
	if (values['police-district'] !== undefined && role !== 'police') {
		throw new UsageError('--police-district applies to --role police only');
	}
	return { role, municipalityCode: values.municipality, policeDistrict: values['police-district'] };
}

function scopeLabel(u: UserSummary): string {
	if (u.municipalityCode !== null) return `${u.municipalityName ?? '?'} (${u.municipalityCode})`;
	if (u.policeDistrict !== null) return `${u.policeDistrictName ?? '?'} (${u.policeDistrict})`;
	return 'national';
}

function table(rows: string[][]): string[] {
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
	return rows.map((r) =>
		r
			.map((cell, i) => cell.padEnd(widths[i]))
			.join('  ')
			.trimEnd()
	);
}

/** Reads a line from the terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const stdin = process.stdin;
		stdin.setRawMode(true);
		process.stderr.write(prompt);
		stdin.resume();
		stdin.setEncoding('utf8');
		let input = '';
		const finish = (error?: Error) => {
			stdin.setRawMode(false);
			stdin.pause();
			stdin.off('data', onData);
			process.stderr.write('\n');
			if (error) reject(error);
			else resolve(input);
		};
		const onData = (chunk: string) => {
			for (const ch of chunk) {
				if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
				if (ch === '\u0003') return finish(new Failure('cancelled'));
				if (ch === '\u007f' || ch === '\b') input = input.slice(0, -1);
				else if (ch >= ' ') input += ch;
			}
		};
		stdin.on('data', onData);
	});
}

/** The new account's password: given, typed at a prompt, or generated (then printed once). */
async function choosePassword(given: string | undefined): Promise<{ password: string; generated: boolean }> {
	if (given !== undefined) return { password: parse(passwordSchema, given, 'password'), generated: false };
	if (process.stdin.isTTY) {
		const typed = await readHidden('Password (empty: generate one): ');
		if (typed !== '') {
			const checked = passwordSchema.safeParse(typed);
			if (!checked.success) throw new UsageError(checked.error.issues[0].message);
			const password = checked.data;
			if ((await readHidden('Repeat password: ')) !== password) throw new UsageError('the passwords differ');
			return { password, generated: false };
		}
	}
	return { password: generatePassword(), generated: true };
}

async function userIdByEmail(db: Db, email: string | undefined): Promise<{ id: string; email: string }> {
	const address = parse(emailSchema, email, 'email');
	const user = await findUserByEmail(db, address);
	if (!user) throw new Failure(`No user has the e-mail ${address}.`);
	return { id: user.id, email: user.email };
}

interface Command {
	options: Record<string, { type: 'string' }>;
	/** Checks the command line before the database is opened. */
	check?(values: Values): void;
	run(db: Db, values: Values): Promise<void>;
}

const commands: Record<string, Command> = {
	create: {
		options: {
			email: { type: 'string' },
			name: { type: 'string' },
			role: { type: 'string' },
			municipality: { type: 'string' },
			'police-district': { type: 'string' },
			password: { type: 'string' }
		},
		check(values) {
			required(values, 'create', ['email', 'name', 'role']);
			parse(newUserSchema, { email: values.email, name: values.name, ...scopeInput(values) });
			if (values.password !== undefined) parse(passwordSchema, values.password, 'password');
		},
		async run(db, values) {
			const input = parse(newUserSchema, { email: values.email, name: values.name, ...scopeInput(values) });
			const { password, generated } = await choosePassword(values.password);
			const id = await createUser(db, cliActor(), input, password);
			console.log(`Created ${input.role} ${input.email} (${id}).`);
			if (generated) console.log(`Password (shown only this once): ${password}`);
		}
	},

	list: {
		options: {
			role: { type: 'string' },
			municipality: { type: 'string' },
			search: { type: 'string' },
			page: { type: 'string' }
		},
		check(values) {
			if (values.role !== undefined && !(ROLES as readonly string[]).includes(values.role)) {
				throw new UsageError(`--role: role must be one of ${ROLES.join(', ')}`);
			}
			for (const [name, min, max] of [
				['municipality', 100, 999],
				['page', 1, 1_000_000]
			] as const) {
				const v = values[name];
				if (v !== undefined && !(/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max)) {
					throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
				}
			}
		},
		async run(db, values) {
			const result = await listUsers(db, {
				role: values.role as (typeof ROLES)[number] | undefined,
				municipalityCode: values.municipality === undefined ? undefined : Number(values.municipality),
				search: values.search || undefined,
				page: values.page === undefined ? 1 : Number(values.page)
			});
			if (result.users.length === 0) {
				console.log(result.page > 1 ? `No users on page ${result.page}.` : 'No users match.');
				return;
			}
			const rows = [
				['email', 'name', 'role', 'area', 'status'],
				...result.users.map((u) => [
					u.email,
					u.name,
					u.role,
					scopeLabel(u),
					(u.disabledAt === null ? 'active' : 'disabled') + (u.isDemo ? ' (demo)' : '')
				])
			];
			console.log(table(rows).join('\n'));
			const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
			console.log(
				`\nPage ${result.page} of ${pages} (${result.total} ${result.total === 1 ? 'user' : 'users'}).`
			);
		}
	},

	disable: {
		options: { email: { type: 'string' } },
		check(values) {
			required(values, 'disable', ['email']);
			parse(emailSchema, values.email, 'email');
		},
		async run(db, values) {
			const user = await userIdByEmail(db, values.email);
			await disableUser(db, cliActor(), user.id);
			console.log(`Disabled ${user.email}; its sessions are ended.`);
		}
	},

	enable: {
		options: { email: { type: 'string' } },
		check(values) {
			required(values, 'enable', ['email']);
			parse(emailSchema, values.email, 'email');
		},
		async run(db, values) {
			const user = await userIdByEmail(db, values.email);
			await enableUser(db, cliActor(), user.id);
			console.log(`Enabled ${user.email}.`);
		}
	},

	'set-role': {
		options: {
			email: { type: 'string' },
			role: { type: 'string' },
			municipality: { type: 'string' },
			'police-district': { type: 'string' }
		},
		check(values) {
			required(values, 'set-role', ['email', 'role']);
			parse(emailSchema, values.email, 'email');
			parse(roleScopeSchema, scopeInput(values));
		},
		async run(db, values) {
			const scope = parse(roleScopeSchema, scopeInput(values));
			const user = await userIdByEmail(db, values.email);
			await setRole(db, cliActor(), user.id, scope);
			const area =
				scope.municipalityCode !== null
					? ` for municipality ${scope.municipalityCode}`
					: scope.policeDistrict !== null
						? ` for police district ${scope.policeDistrict}`
						: '';
			console.log(`${user.email} is now ${scope.role}${area}.`);
		}
	}
};

async function main(): Promise<number> {
	const [name, ...rest] = process.argv.slice(2);
	if (!name) {
		console.error(USAGE);
		return 2;
	}
	if (name === '--help' || name === '-h' || name === 'help') {
		console.log(USAGE);
		return 0;
	}
	const command = commands[name];
	if (!command) {
		console.error(`Unknown command "${name}".\n\n${USAGE}`);
		return 2;
	}
	let values: Values;
	try {
		const parsed = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false });
		values = parsed.values as Values;
		command.check?.(values);
	} catch (e) {
		console.error(`${(e as Error).message}\n\nRun \`npm run user -- help\` for usage.`);
		return 2;
	}

	const db = createDb(await resolveDatabaseUrl(), 2);
	try {
		const pending = await pendingMigrations(db, fileMigrationProvider());
		if (pending.length) {
			console.error(
				`The database lacks migrations (${pending.join(', ')}); run \`npm run db:migrate\` first.`
			);
			return 1;
		}
		await command.run(db, values);
		return 0;
	} catch (e) {
		if (e instanceof UsageError) {
			console.error(e.message);
			return 2;
		}
		if (e instanceof Failure) {
			console.error(e.message);
			return 1;
		}
		if (e instanceof InputError) {
			console.error(`${optionOf(e.field)}: ${e.message}`);
			return 1;
		}
		console.error(`Failed: ${e instanceof Error ? e.message : String(e)}`);
		return 1;
	} finally {
		await db.destroy();
	}
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e instanceof Error ? e.message : String(e));
		process.exit(1);
	}
);
