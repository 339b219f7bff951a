import { sql, type Kysely } from 'kysely';

// Administrative boundaries in EPSG:25832, and a version counter per dataset that tile ETags use.
export async function up(db: Kysely<any>): Promise<void> {
	await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(db);

	await db.schema
		.createTable('datasets')
		.addColumn('name', 'text', (c) => c.primaryKey())
		.addColumn('source', 'text', (c) => c.notNull())
		.addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('regions')
		.addColumn('code', 'smallint', (c) => c.primaryKey().check(sql`code BETWEEN 1000 AND 9999`))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('geom', sql`geometry(MultiPolygon, 25832)`, (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('police_districts')
		.addColumn('number', 'smallint', (c) => c.primaryKey().check(sql`number BETWEEN 1 AND 99`))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('geom', sql`geometry(MultiPolygon, 25832)`, (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('municipalities')
		.addColumn('code', 'smallint', (c) => c.primaryKey().check(sql`code BETWEEN 100 AND 999`))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('region_code', 'smallint', (c) => c.references('regions.code').onDelete('set null'))
		.addColumn('police_district', 'smallint', (c) =>
			c.references('police_districts.number').onDelete('set null')
		)
		.addColumn('geom', sql`geometry(MultiPolygon, 25832)`, (c) => c.notNull())
		.execute();

	for (const table of ['regions', 'police_districts', 'municipalities']) {
		await sql`CREATE INDEX ${sql.raw(`${table}_geom_idx`)} ON ${sql.table(table)} USING gist (geom)`.execute(
			db
		);
	}
	await db.schema
		.createIndex('municipalities_police_district_idx')
		.on('municipalities')
		.column('police_district')
		.execute();
	await db.schema
		.createIndex('municipalities_region_code_idx')
		.on('municipalities')
		.column('region_code')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('municipalities').execute();
	await db.schema.dropTable('police_districts').execute();
	await db.schema.dropTable('regions').execute();
	await db.schema.dropTable('datasets').execute();
}
