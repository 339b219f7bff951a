import { sql, type Kysely } from 'kysely';

// Point incidents (reported crime and disorder) with time, category and source reference, and
// the cache of hotspot analyses over them: counts on a hexagonal grid in EPSG:25832 with their
// Getis-Ord Gi* z-scores, one run per (study area, cell size, distance band, period, categories).
// Any change to the incidents empties the cache and moves the 'incidents' dataset version.
const CATEGORIES: [string, string, string, number][] = [
	['violence', 'Vold', 'Violence', 1],
	['robbery', 'Røveri', 'Robbery', 2],
	['burglary', 'Indbrud', 'Burglary', 3],
	['theft', 'Tyveri', 'Theft', 4],
	['vandalism', 'Hærværk', 'Vandalism', 5],
	['drugs', 'Narkotika', 'Drugs', 6],
	['public_order', 'Offentlig orden', 'Public order', 7],
	['other', 'Andet', 'Other', 8]
];

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('incident_categories')
		.addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[a-z][a-z_]*$'`))
		.addColumn('name_da', 'text', (c) => c.notNull())
		.addColumn('name_en', 'text', (c) => c.notNull())
		.addColumn('sort_order', 'smallint', (c) => c.notNull())
		.execute();
	await db
		.insertInto('incident_categories')
		.values(
			CATEGORIES.map(([code, name_da, name_en, sort_order]) => ({ code, name_da, name_en, sort_order }))
		)
		.execute();

	await db.schema
		.createTable('incidents')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		// The source system's own reference: the key by which a re-import skips what it already has.
		.addColumn('source_ref', 'text', (c) => c.notNull().unique())
		.addColumn('source', 'text', (c) => c.notNull())
		.addColumn('category', 'text', (c) => c.notNull().references('incident_categories.code'))
		.addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
		.addColumn('geom', sql`geometry(Point, 25832)`, (c) => c.notNull())
		.addColumn('municipality_code', 'smallint', (c) =>
			c.notNull().references('municipalities.code').onDelete('restrict')
		)
		.addColumn('import_id', 'uuid')
		.addColumn('is_synthetic', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`CREATE INDEX incidents_geom_idx ON incidents USING gist (geom)`.execute(db);
	await sql`CREATE INDEX incidents_occurred_at_idx ON incidents (occurred_at)`.execute(db);
	await sql`CREATE INDEX incidents_municipality_idx ON incidents (municipality_code, occurred_at)`.execute(
		db
	);

	await db.schema
		.createTable('hotspot_runs')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		// 'country', 'district:<number>' or 'municipality:<code>'.
		.addColumn('area', 'text', (c) => c.notNull())
		.addColumn('cell_size_m', 'integer', (c) => c.notNull().check(sql`cell_size_m BETWEEN 25 AND 5000`))
		.addColumn('band_m', 'float8', (c) => c.notNull())
		.addColumn('period_from', 'date', (c) => c.notNull())
		.addColumn('period_to', 'date', (c) => c.notNull())
		// Sorted; the key of the cache together with the columns above.
		.addColumn('categories', sql`text[]`, (c) => c.notNull())
		// The 'incidents' dataset version the run was computed from: a run computed while incidents
		// changed is never served (the trigger's DELETE cannot see it before it commits).
		.addColumn('incidents_version', 'integer', (c) => c.notNull())
		.addColumn('synthetic', 'boolean', (c) => c.notNull())
		.addColumn('cell_count', 'integer', (c) => c.notNull())
		.addColumn('incident_count', 'integer', (c) => c.notNull())
		.addColumn('mean', 'float8', (c) => c.notNull())
		.addColumn('std_dev', 'float8', (c) => c.notNull())
		.addColumn('neighbours', 'integer', (c) => c.notNull())
		.addColumn('compute_ms', 'integer', (c) => c.notNull())
		.addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('hotspot_runs_period', sql`period_from <= period_to`)
		.execute();
	await sql`
		CREATE UNIQUE INDEX hotspot_runs_key_idx
		ON hotspot_runs (area, cell_size_m, band_m, period_from, period_to, categories)
	`.execute(db);

	// Cells are kept as grid indices only: their hexagon is ST_Hexagon(cell_size_m, i, j), the
	// same cell ST_HexagonGrid yields, so a tile generates the hexagons of its envelope and joins.
	await db.schema
		.createTable('hotspot_cells')
		.addColumn('run_id', 'bigint', (c) => c.notNull().references('hotspot_runs.id').onDelete('cascade'))
		.addColumn('i', 'integer', (c) => c.notNull())
		.addColumn('j', 'integer', (c) => c.notNull())
		.addColumn('incidents', 'integer', (c) => c.notNull())
		.addColumn('neighbour_sum', 'integer', (c) => c.notNull())
		.addColumn('neighbours', 'smallint', (c) => c.notNull())
		// Null when every cell has the same count (no variance, so no z-score).
		.addColumn('z', 'float8')
		// -3..3: cold/hot at 99, 95, 90 % confidence; 0 not significant.
		.addColumn('bin', 'smallint', (c) => c.notNull().check(sql`bin BETWEEN -3 AND 3`))
		.addPrimaryKeyConstraint('hotspot_cells_pk', ['run_id', 'i', 'j'])
		.execute();

	// A cache: not worth the write-ahead log (a run of the country at 250 m is ~275,000 cells).
	// After a crash both tables come back empty, and runs are computed again on demand.
	await sql`ALTER TABLE hotspot_cells SET UNLOGGED`.execute(db);
	await sql`ALTER TABLE hotspot_runs SET UNLOGGED`.execute(db);

	await sql`
		INSERT INTO datasets (name, source, is_demo) VALUES ('incidents', 'import', false)
		ON CONFLICT (name) DO NOTHING
	`.execute(db);
	// Once per transaction (see tk_bump_cameras_dataset): move the version, empty the cache.
	await sql`
		CREATE FUNCTION tk_incidents_changed() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF coalesce(current_setting('tryghedskort.incidents_changed', true), '') = '' THEN
				INSERT INTO datasets (name, source, is_demo) VALUES ('incidents', 'import', false)
				ON CONFLICT (name) DO UPDATE SET version = datasets.version + 1, updated_at = now();
				DELETE FROM hotspot_runs;
				PERFORM set_config('tryghedskort.incidents_changed', 'yes', true);
			END IF;
			RETURN NULL;
		END
		$$
	`.execute(db);
	await sql`
		CREATE TRIGGER incidents_changed
		AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON incidents
		FOR EACH STATEMENT EXECUTE FUNCTION tk_incidents_changed()
	`.execute(db);

	// The cell of ST_HexagonGrid(size, ...) that holds the point (x, y): flat-topped hexagons whose
	// centres lie at (1.5 size i, sqrt(3) size (j + (i & 1) / 2)). Axial coordinates rounded in
	// cube space; a point exactly on an edge gets one of the two cells, never both. Declared as a
	// table function and not STRICT so that a LATERAL call is inlined into the query.
	await sql`
		CREATE FUNCTION tk_hex_cell(x float8, y float8, size float8)
		RETURNS TABLE (i integer, j integer) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT q, (r + (q - (q & 1)) / 2)
			FROM (
				SELECT
					CASE WHEN dq > dr AND dq > ds THEN (-rr - rs)::integer ELSE rq::integer END AS q,
					CASE WHEN dq > dr AND dq > ds THEN rr::integer
						WHEN dr > ds THEN (-rq - rs)::integer ELSE rr::integer END AS r
				FROM (
					SELECT rq, rr, rs, abs(rq - fq) AS dq, abs(rr - fr) AS dr, abs(rs - (-fq - fr)) AS ds
					FROM (
						SELECT fq, fr, round(fq) AS rq, round(fr) AS rr, round(-fq - fr) AS rs
						FROM (SELECT x / (1.5 * size) AS fq, y / (sqrt(3.0) * size) - x / (3.0 * size) AS fr) f
					) rounded
				) diff
			) axial
		$$
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`DROP FUNCTION tk_hex_cell(float8, float8, float8)`.execute(db);
	await sql`DROP TRIGGER incidents_changed ON incidents`.execute(db);
	await sql`DROP FUNCTION tk_incidents_changed()`.execute(db);
	await sql`DELETE FROM datasets WHERE name = 'incidents'`.execute(db);
	await db.schema.dropTable('hotspot_cells').execute();
	await db.schema.dropTable('hotspot_runs').execute();
	await db.schema.dropTable('incidents').execute();
	await db.schema.dropTable('incident_categories').execute();
}
