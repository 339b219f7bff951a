// npm start: database (embedded unless DATABASE_URL is set), migrations, demo data on first run,
// a fresh build when sources changed, then the adapter-node server in this process.
// Flags: --no-build serves the existing build as it is.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../lib/database';
import { buildApp, buildIsStale, prepareDatabase } from '../lib/prepare';

async function main() {
	const url = await prepareDatabase();
	if (!process.argv.includes('--no-build') && buildIsStale()) buildApp();

	process.env.DATABASE_URL = url;
	process.env.HOST ??= '127.0.0.1';
	process.env.PORT ??= '3000';
	const publicUrl = `http://${process.env.HOST === '0.0.0.0' ? 'localhost' : process.env.HOST}:${process.env.PORT}`;
	process.env.ORIGIN ??= publicUrl;
	// adapter-node's limit is for every route (512 KB by default). The incident upload streams files
	// of up to 200 MB into the import; every other route is held to 21 MB (the camera import's
	// 20 MB file) by the body-limit hook (src/lib/server/http/body-limit.ts).
	process.env.BODY_SIZE_LIMIT ??= '201M';

	await import(pathToFileURL(join(projectRoot, 'build', 'index.js')).href);
	console.log(`\nTryghedskort is running at ${process.env.ORIGIN}`);
}

main().catch((e) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
