// A private PostgreSQL + PostGIS cluster in a folder: created on first use, started on
// 127.0.0.1 on a free port, reused afterwards. Used for the embedded development database
// (.pgdata/) and for the test suite's throwaway clusters.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';

const isRoot = process.getuid?.() === 0;
const SUPERUSER = 'tryghedskort';

export interface ClusterState {
	/** Folder holding the PostgreSQL data files (may lie outside the state folder, see locateDataDir). */
	dataDir: string;
	port: number;
	password: string | null;
	database: string;
}

export interface ClusterOptions {
	/** Folder for the state file and, where possible, the data files. */
	stateDir: string;
	database: string;
	/** Throwaway clusters trust local connections and skip durability for speed. */
	throwaway?: boolean;
	log?: (message: string) => void;
}

function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
	const asPostgres = isRoot && ['initdb', 'pg_ctl', 'postgres'].some((b) => cmd.endsWith(`/${b}`));
	const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
	const result = spawnSync(file, argv, { encoding: 'utf8', ...options });
	if (result.error) throw result.error;
	if (result.status !== 0) {
		throw new Error(
			`${cmd} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`
		);
	}
	return String(result.stdout ?? '');
}

function newestPgBinDir(): { binDir: string; major: number } | null {
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return null;
	const majors = readdirSync(base)
		.map(Number)
		.filter((n) => Number.isInteger(n) && existsSync(join(base, String(n), 'bin', 'initdb')))
		.sort((a, b) => b - a);
	return majors.length ? { binDir: join(base, String(majors[0]), 'bin'), major: majors[0] } : null;
}

function hasPostgis(major: number): boolean {
	return existsSync(`/usr/share/postgresql/${major}/extension/postgis.control`);
}

/** Finds PostgreSQL with PostGIS; as root on Debian/Ubuntu installs what is missing with apt. */
export function ensurePostgisBinaries(log: (m: string) => void = console.error): string {
	let found = newestPgBinDir();
	if (found && hasPostgis(found.major)) return found.binDir;

	const canApt = isRoot && existsSync('/usr/bin/apt-get');
	if (!canApt) {
		const pkg = found ? `postgresql-${found.major}-postgis-3` : 'postgresql postgresql-<version>-postgis-3';
		throw new Error(
			`PostgreSQL with PostGIS is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y ${pkg}), ` +
				'or set DATABASE_URL to an existing PostGIS database.'
		);
	}
	const apt = (args: string[]) =>
		run('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'pipe' });
	log('Installing PostgreSQL and PostGIS with apt-get…');
	apt(['update', '-qq']);
	if (!found) {
		apt(['install', '-y', '-qq', 'postgresql']);
		found = newestPgBinDir();
		if (!found)
			throw new Error('apt-get installed postgresql, but no initdb was found under /usr/lib/postgresql');
	}
	apt(['install', '-y', '-qq', `postgresql-${found.major}-postgis-3`]);
	if (!hasPostgis(found.major))
		throw new Error(`postgresql-${found.major}-postgis-3 installed, but PostGIS is missing`);
	return found.binDir;
}

export function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject()));
		});
	});
}

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolveFree) => {
		const server = createServer();
		server.once('error', () => resolveFree(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
	});
}

/** As root, PostgreSQL runs as `postgres`, which must be able to reach the data folder. */
function postgresCanReach(dir: string): boolean {
	return spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', dir]).status === 0;
}

function giveToPostgres(dir: string) {
	if (!isRoot) return;
	const uid = Number(run('id', ['-u', 'postgres']).trim());
	const gid = Number(run('id', ['-g', 'postgres']).trim());
	chownSync(dir, uid, gid);
	chmodSync(dir, 0o700);
}

function locateDataDir(stateDir: string): string {
	const inside = join(stateDir, 'cluster');
	mkdirSync(inside, { recursive: true });
	if (!isRoot) return inside;
	giveToPostgres(inside);
	if (postgresCanReach(inside)) return inside;
	// A parent folder is closed to other users (e.g. a clone under a 0700 temp dir): keep the
	// data files in postgres's own home, keyed by the state folder, and record where.
	rmSync(inside, { recursive: true, force: true });
	const hash = createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 16);
	const outside = join('/var/lib/postgresql', 'tryghedskort', hash);
	mkdirSync(outside, { recursive: true });
	giveToPostgres(join('/var/lib/postgresql', 'tryghedskort'));
	giveToPostgres(outside);
	return outside;
}

function stateFile(stateDir: string) {
	return join(stateDir, 'state.json');
}

export function readState(stateDir: string): ClusterState | null {
	const file = stateFile(stateDir);
	return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterState) : null;
}

export function connectionString(state: ClusterState, database = state.database): string {
	const auth = state.password ? `${SUPERUSER}:${encodeURIComponent(state.password)}@` : `${SUPERUSER}@`;
	return `postgres://${auth}127.0.0.1:${state.port}/${database}`;
}

function isRunning(binDir: string, state: ClusterState): boolean {
	const status = spawnSync(
		isRoot ? 'runuser' : join(binDir, 'pg_ctl'),
		isRoot
			? ['-u', 'postgres', '--', join(binDir, 'pg_ctl'), 'status', '-D', state.dataDir]
			: ['status', '-D', state.dataDir]
	);
	return status.status === 0;
}

function initCluster(binDir: string, options: ClusterOptions): ClusterState {
	const dataDir = locateDataDir(options.stateDir);
	const password = options.throwaway ? null : randomBytes(18).toString('base64url');
	const args = ['-D', dataDir, '-U', SUPERUSER, '-E', 'UTF8', '--locale=C.UTF-8'];
	if (password) {
		const pwfile = join(dataDir, '..', `.pw-${process.pid}`);
		writeFileSync(pwfile, password + '\n', { mode: 0o644 });
		try {
			run(join(binDir, 'initdb'), [...args, '--auth=scram-sha-256', `--pwfile=${pwfile}`]);
		} finally {
			rmSync(pwfile, { force: true });
		}
	} else {
		run(join(binDir, 'initdb'), [...args, '--auth=trust']);
	}
	const settings = [
		"listen_addresses = '127.0.0.1'",
		"unix_socket_directories = ''",
		'max_connections = 100',
		"shared_buffers = '256MB'",
		"work_mem = '32MB'",
		"maintenance_work_mem = '256MB'"
	];
	if (options.throwaway) settings.push('fsync = off', 'synchronous_commit = off', 'full_page_writes = off');
	const conf = join(dataDir, 'postgresql.conf');
	writeFileSync(conf, readFileSync(conf, 'utf8') + '\n# Tryghedskort\n' + settings.join('\n') + '\n');
	return { dataDir, port: 0, password, database: options.database };
}

/** Creates a database in the cluster (if missing) with PostGIS enabled. */
export async function createDatabase(state: ClusterState) {
	const admin = new pg.Client({ connectionString: connectionString(state, 'postgres') });
	await admin.connect();
	try {
		const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [state.database]);
		if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${state.database}"`);
	} finally {
		await admin.end();
	}
	const client = new pg.Client({ connectionString: connectionString(state) });
	await client.connect();
	try {
		await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
	} finally {
		await client.end();
	}
}

/** Creates the cluster on first use, starts it if it is not running, and returns its state. */
export async function startCluster(options: ClusterOptions): Promise<ClusterState> {
	const log = options.log ?? ((m: string) => console.error(m));
	const binDir = ensurePostgisBinaries(log);
	mkdirSync(options.stateDir, { recursive: true });
	let state = readState(options.stateDir);
	if (state && !existsSync(join(state.dataDir, 'PG_VERSION'))) state = null;
	if (!state) {
		log(`Creating PostGIS cluster in ${options.stateDir}…`);
		state = initCluster(binDir, options);
	}
	if (!isRunning(binDir, state)) {
		if (!state.port || !(await portIsFree(state.port))) state.port = await freePort();
		run(join(binDir, 'pg_ctl'), [
			'start',
			'-w',
			'-t',
			'60',
			'-D',
			state.dataDir,
			'-l',
			join(state.dataDir, 'server.log'),
			'-o',
			`-p ${state.port}`
		]);
	}
	writeFileSync(stateFile(options.stateDir), JSON.stringify(state, null, 2), { mode: 0o600 });
	await createDatabase(state);
	return state;
}

export function stopCluster(stateDir: string): boolean {
	const state = readState(stateDir);
	const found = newestPgBinDir();
	if (!state || !found || !existsSync(join(state.dataDir, 'PG_VERSION'))) return false;
	if (!isRunning(found.binDir, state)) return false;
	run(join(found.binDir, 'pg_ctl'), ['stop', '-w', '-m', 'fast', '-D', state.dataDir]);
	return true;
}

/** Stops the cluster and deletes its files. */
export function destroyCluster(stateDir: string) {
	const state = readState(stateDir);
	stopCluster(stateDir);
	if (state) rmSync(state.dataDir, { recursive: true, force: true });
	rmSync(stateDir, { recursive: true, force: true });
}
