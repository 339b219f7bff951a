// npm run import -- <kind> FILE [options]
// One entry per kind of data; each declares its own options and prints its own summary.
import { basename, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { cliActor } from '../../src/lib/server/audit/actor';
import {
	boundaryKinds,
	importBoundaries,
	type BoundaryKind,
	type ImportProgress,
	type ImportReport
} from '../../src/lib/server/boundaries/geojson-import';
import { createDb, type Db } from '../../src/lib/server/db/connect';
import { pendingMigrations } from '../../src/lib/server/db/migrations';
import { fileMigrationProvider, projectRoot, resolveDatabaseUrl } from '../lib/database';

type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface Importer {
	summary: string;
	/** Arguments after the kind. */
	usage: string;
	options: NonNullable<ParseArgsConfig['options']>;
	optionHelp: string[];
	run(db: Db, positionals: string[], values: OptionValues): Promise<void>;
}

class UsageError extends Error {}

function boundaryImporter(kind: BoundaryKind): Importer {
	const spec = boundaryKinds[kind];
	return {
		summary: `replace all ${kind.replace('-', ' ')} with the ${spec.unit} polygons of a DAGI GeoJSON file`,
		usage: 'FILE [--srs CRS]',
		options: { srs: { type: 'string' } },
		optionHelp: [
			'--srs CRS   coordinate system of FILE, overriding its "crs" member: CRS84, EPSG:4326, EPSG:4258,',
			'            EPSG:25832 or EPSG:25833 (default: the file\'s "crs", else CRS84)'
		],
		async run(db, positionals, values) {
			if (positionals.length !== 1) throw new UsageError(`${kind} needs exactly one FILE`);
			const report = await importBoundaries(db, kind, {
				path: positionals[0],
				srs: typeof values.srs === 'string' ? values.srs : undefined,
				geodataDir: join(projectRoot, 'geodata'),
				actor: cliActor(),
				onProgress: progressPrinter(basename(positionals[0]))
			});
			printBoundaryReport(report);
		}
	};
}

const importers: Record<string, Importer> = {
	municipalities: boundaryImporter('municipalities'),
	'police-districts': boundaryImporter('police-districts'),
	regions: boundaryImporter('regions'),
	buildings: {
		summary: 'add building footprints (the obstacles that cut camera views) from a GeoJSON file',
		usage: 'FILE [--srs CRS] [--replace]',
		options: { srs: { type: 'string' }, replace: { type: 'boolean' } },
		optionHelp: [
			'--srs CRS   coordinate system of FILE, overriding its "crs" member: CRS84, EPSG:4326, EPSG:4258,',
			'            EPSG:25832 or EPSG:25833 (default: the file\'s "crs", else CRS84)',
			'--replace   buildings: delete every stored building first (default: add to them)'
		],
		async run(db, positionals, values) {
			if (positionals.length !== 1) throw new UsageError('buildings needs exactly one FILE');
			const { importBuildings, formatBuildingImportReport } =
				await import('../../src/lib/server/buildings/import');
			const report = await importBuildings(db, {
				path: positionals[0],
				srs: typeof values.srs === 'string' ? values.srs : undefined,
				replace: values.replace === true,
				actor: cliActor()
			});
			console.log(formatBuildingImportReport(report));
		}
	},
	cameras: {
		summary: 'add cameras to the register from CSV or GeoJSON, all or nothing (as the operator, anywhere)',
		usage: 'FILE [--srs CRS] [--format csv|geojson]',
		options: { srs: { type: 'string' }, format: { type: 'string' } },
		optionHelp: [
			'--srs CRS   coordinate system of FILE, overriding its "crs" member: CRS84, EPSG:4326, EPSG:4258,',
			'            EPSG:25832 or EPSG:25833 (default: the file\'s "crs", else CRS84)',
			'--format F  cameras, incidents: csv or geojson (default: from the file name, else the content); in a CSV',
			'            --srs is the CRS of easting/northing (EPSG:25832 or EPSG:25833), lon/lat are WGS84'
		],
		async run(db, positionals, values) {
			if (positionals.length !== 1) throw new UsageError('cameras needs exactly one FILE');
			const format = values.format;
			if (format !== undefined && format !== 'csv' && format !== 'geojson')
				throw new UsageError(`--format must be csv or geojson, not "${String(format)}"`);
			const { importCameraFile, formatCameraImportReport } =
				await import('../../src/lib/server/cameras/import');
			const result = await importCameraFile(db, positionals[0], {
				srs: typeof values.srs === 'string' ? values.srs : undefined,
				format,
				actor: cliActor()
			});
			console.log(formatCameraImportReport(result, 50));
			if (!result.ok)
				throw new Error(`${result.badRows} of ${result.rows} rows refused; the register is unchanged`);
		}
	},
	'reference-layer': {
		summary:
			'add the polygons of a reference layer (housing_area, housing_area_permit, nightlife_area, school, …) from GeoJSON, all or nothing',
		usage: 'KIND FILE [--srs CRS] [--replace] [--synthetic] [--name-da NAME --name-en NAME]',
		options: {
			srs: { type: 'string' },
			replace: { type: 'boolean' },
			synthetic: { type: 'boolean' },
			'name-da': { type: 'string' },
			'name-en': { type: 'string' }
		},
		optionHelp: [
			'--srs CRS   coordinate system of FILE, overriding its "crs" member: CRS84, EPSG:4326, EPSG:4258,',
			'            EPSG:25832 or EPSG:25833 (default: the file\'s "crs", else CRS84)',
			"--replace   reference-layer: delete the layer's features first (default: add to them)",
			'--synthetic reference-layer: mark the features as made-up (demo or test) data',
			'--name-da, --name-en  reference-layer: create KIND as a new layer with these names'
		],
		async run(db, positionals, values) {
			if (positionals.length !== 2) throw new UsageError('reference-layer needs a KIND and a FILE');
			const { importReferenceLayer, formatReferenceLayerImport } =
				await import('../../src/lib/server/rules/reference-layers');
			const nameDa = typeof values['name-da'] === 'string' ? values['name-da'] : undefined;
			const nameEn = typeof values['name-en'] === 'string' ? values['name-en'] : undefined;
			if ((nameDa === undefined) !== (nameEn === undefined))
				throw new UsageError('--name-da and --name-en go together');
			const result = await importReferenceLayer(db, {
				kind: positionals[0],
				path: positionals[1],
				srs: typeof values.srs === 'string' ? values.srs : undefined,
				replace: values.replace === true,
				synthetic: values.synthetic === true,
				newLayer: nameDa !== undefined && nameEn !== undefined ? { da: nameDa, en: nameEn } : undefined,
				actor: cliActor()
			});
			console.log(formatReferenceLayerImport(result, 50));
			if (!result.ok) throw new Error('the reference layer is unchanged');
		}
	},
	incidents: {
		summary:
			'add point incidents from CSV or GeoJSON, all or nothing; known source references are skipped (anywhere)',
		usage: 'FILE [--srs CRS] [--format csv|geojson] [--source NAME]',
		options: { srs: { type: 'string' }, format: { type: 'string' }, source: { type: 'string' } },
		optionHelp: [
			'--srs CRS   coordinate system of FILE, overriding its "crs" member: CRS84, EPSG:4326, EPSG:4258,',
			'            EPSG:25832 or EPSG:25833 (default: the file\'s "crs", else CRS84)',
			'--format F  cameras, incidents: csv or geojson (default: from the file name, else the content); in a CSV',
			'            --srs is the CRS of easting/northing (EPSG:25832 or EPSG:25833), lon/lat are WGS84',
			'--source S  incidents: the source system of rows without a "source" column (default: the file name)'
		],
		async run(db, positionals, values) {
			if (positionals.length !== 1) throw new UsageError('incidents needs exactly one FILE');
			const format = values.format;
			if (format !== undefined && format !== 'csv' && format !== 'geojson')
				throw new UsageError(`--format must be csv or geojson, not "${String(format)}"`);
			const { importIncidentFile, formatIncidentImportReport } =
				await import('../../src/lib/server/incidents/import');
			const label = basename(positionals[0]);
			let reported = 0;
			const result = await importIncidentFile(db, positionals[0], {
				srs: typeof values.srs === 'string' ? values.srs : undefined,
				format,
				source: typeof values.source === 'string' ? values.source : undefined,
				actor: cliActor(),
				onProgress: (p) => {
					if (p.rows - reported < 100_000) return;
					reported = p.rows - (p.rows % 100_000);
					process.stderr.write(
						`${label}: ${p.rows} rows read, ${p.imported} imported, ${p.duplicates} duplicates` +
							`${p.errors ? `, ${p.errors} errors` : ''}\n`
					);
				}
			});
			console.log(formatIncidentImportReport(result, 50));
			if (!result.ok)
				throw new Error(`${result.badRows} of ${result.rows} rows refused; no incident was stored`);
		}
	},
	survey: surveyImporter('results'),
	'unsafe-places': surveyImporter('places')
};

function surveyImporter(kind: 'results' | 'places'): Importer {
	const label = kind === 'results' ? 'survey' : 'unsafe-places';
	return {
		summary:
			kind === 'results'
				? 'add or update safety-survey results (unsafe share by municipality, police district or drawn area) from CSV or GeoJSON, all or nothing'
				: 'add or update places named as unsafe in a safety survey (points or areas) from CSV or GeoJSON, all or nothing',
		usage: 'FILE [--srs CRS] [--format csv|geojson] [--synthetic]',
		options: { srs: { type: 'string' }, format: { type: 'string' }, synthetic: { type: 'boolean' } },
		optionHelp: [
			'--srs CRS   coordinate system of FILE, overriding its "crs" member: CRS84, EPSG:4326, EPSG:4258,',
			'            EPSG:25832 or EPSG:25833 (default: the file\'s "crs", else CRS84)',
			'--format F  survey, unsafe-places: csv or geojson (default: from the file name, else the content)',
			'--synthetic survey, unsafe-places: mark every row as synthetic (made-up test or demo data)'
		],
		async run(db, positionals, values) {
			if (positionals.length !== 1) throw new UsageError(`${label} needs exactly one FILE`);
			const format = values.format;
			if (format !== undefined && format !== 'csv' && format !== 'geojson')
				throw new UsageError(`--format must be csv or geojson, not "${String(format)}"`);
			const { importSurveyFile, formatSurveyImportReport } =
				await import('../../src/lib/server/surveys/import');
			const result = await importSurveyFile(db, kind, positionals[0], {
				srs: typeof values.srs === 'string' ? values.srs : undefined,
				format,
				synthetic: values.synthetic === true,
				actor: cliActor()
			});
			console.log(formatSurveyImportReport(result, 50));
			if (!result.ok)
				throw new Error(`${result.badRows} of ${result.rows} rows refused; nothing was changed`);
		}
	};
}

function usage(): string {
	const lines = ['usage: npm run import -- <kind> <arguments>', '', 'kinds:'];
	for (const [kind, importer] of Object.entries(importers)) {
		lines.push(`  ${kind} ${importer.usage}`, `      ${importer.summary}`);
	}
	const optionHelp = [...new Set(Object.values(importers).flatMap((i) => i.optionHelp))];
	if (optionHelp.length) lines.push('', 'options:', ...optionHelp.map((l) => `  ${l}`));
	lines.push('', 'The database is DATABASE_URL, or the embedded one under .pgdata/.');
	return lines.join('\n');
}

/** Progress on stderr, at most a few lines a second. */
function progressPrinter(label: string): (p: ImportProgress) => void {
	const interactive = process.stderr.isTTY;
	let last = 0;
	return (p) => {
		const now = Date.now();
		const finished = p.done === p.total;
		if (!finished && now - last < (interactive ? 100 : 1000)) return;
		last = now;
		const text =
			p.phase === 'staging'
				? `${label}: staged ${p.done}/${p.total} features`
				: `${label}: ${p.phase}${finished ? ' done' : '…'}`;
		if (interactive)
			process.stderr.write(`\r\x1b[2K${text}${p.phase === 'assigning' && finished ? '\n' : ''}`);
		else if (p.phase === 'staging' || finished) process.stderr.write(`${text}\n`);
	};
}

function table(rows: string[][], rightAligned: number[] = []): string[] {
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
	return rows.map((r) =>
		r
			.map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
			.join('  ')
			.trimEnd()
	);
}

function printBoundaryReport(r: ImportReport): void {
	const spec = boundaryKinds[r.kind];
	const crsFrom = {
		option: 'from --srs',
		file: "from the file's crs member",
		assumed: 'assumed: the file names none'
	}[r.crs.origin];
	const out: string[] = [
		`Imported ${r.units.length} ${r.kind.replace('-', ' ')} from ${r.source} in ${(r.durationMs / 1000).toFixed(1)} s ` +
			`(dataset ${r.dataset}, version ${r.datasetVersion}).`,
		`CRS: ${r.crs.label} (${crsFrom}). Features: ${r.featuresRead} read, ${r.featuresImported} imported, ${r.skipped.length} skipped.`,
		''
	];
	out.push(
		...table(
			[
				['code', 'name', 'features', 'polygons', 'km²'],
				...r.units.map((u) => [
					String(u.code),
					u.name,
					String(u.features),
					String(u.parts),
					u.areaKm2.toFixed(1)
				])
			],
			[0, 2, 3, 4]
		).map((l) => `  ${l}`)
	);
	if (r.matchedByName.length) {
		out.push('', 'Matched by name:');
		for (const m of r.matchedByName) {
			const where = m.matchedIn === 'file' ? 'another feature of the file' : `geodata/${spec.referenceFile}`;
			out.push(`  features[${m.feature}] "${m.name}" → ${m.code} (${m.codeProblem}; name found in ${where})`);
		}
	}
	if (r.repairs.length) {
		out.push('', 'Repaired with ST_MakeValid:');
		for (const x of r.repairs) out.push(`  features[${x.feature}] ${x.code} ${x.name}: ${x.reason}`);
	}
	if (r.skipped.length) {
		out.push('', 'Skipped:');
		const groups = new Map<string, { features: number[]; label: string; reason: string }>();
		for (const s of r.skipped) {
			const label = [s.code, s.name && `"${s.name}"`].filter((v) => v !== null && v !== '').join(' ');
			const key = `${label}\u0000${s.reason}`;
			const group = groups.get(key) ?? { features: [], label, reason: s.reason };
			group.features.push(s.feature);
			groups.set(key, group);
		}
		for (const g of groups.values()) out.push(`  features[${g.features.join(', ')}] ${g.label}: ${g.reason}`);
	}
	if (r.warnings.length) {
		out.push('', 'Warnings:');
		for (const w of r.warnings) out.push(`  ${w}`);
	}
	console.log(out.join('\n'));
}

async function main(): Promise<number> {
	const [kind, ...rest] = process.argv.slice(2);
	if (!kind || kind === '--help' || kind === '-h' || kind === 'help') {
		console.error(usage());
		return kind ? 0 : 2;
	}
	const importer = importers[kind];
	if (!importer) {
		console.error(`Unknown kind "${kind}".\n\n${usage()}`);
		return 2;
	}
	let parsed: { values: OptionValues; positionals: string[] };
	try {
		parsed = parseArgs({ args: rest, options: importer.options, allowPositionals: true, strict: true });
	} catch (e) {
		console.error(`${(e as Error).message}\n\n${usage()}`);
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
		await importer.run(db, parsed.positionals, parsed.values);
		return 0;
	} catch (e) {
		if (e instanceof UsageError) {
			console.error(`${e.message}\n\n${usage()}`);
			return 2;
		}
		// BoundaryImportError messages are written for users; other errors (database) get no stack trace either.
		console.error(`Import failed: ${e instanceof Error ? e.message : String(e)}`);
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
