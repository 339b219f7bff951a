import { sql, type Kysely } from 'kysely';

// The Ministry of Justice's safety survey (tryghedsundersøgelsen) and the like: the share of
// respondents who feel unsafe in an area over a period, and the places they name as unsafe.
// A result is keyed by a municipality or police district (its geometry is the boundary's, so it
// follows a boundary import) or is a drawn area with its own polygon. tk_survey_result_areas()
// yields every result with its polygon in EPSG:25832 for spatial questions in SQL.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('survey_results')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		// The survey's name (e.g. "Tryghedsundersøgelsen 2024"): part of the re-import key.
		.addColumn('survey', 'text', (c) => c.notNull().check(sql`length(survey) BETWEEN 1 AND 200`))
		// Who published it, as a reader should cite it.
		.addColumn('source', 'text', (c) => c.notNull().check(sql`length(source) BETWEEN 1 AND 500`))
		.addColumn('period_from', 'date', (c) => c.notNull())
		.addColumn('period_to', 'date', (c) => c.notNull())
		.addColumn('area_kind', 'text', (c) =>
			c.notNull().check(sql`area_kind IN ('municipality', 'police_district', 'area')`)
		)
		// The municipality of a municipal result; for a drawn area, the one it overlaps most.
		.addColumn('municipality_code', 'smallint', (c) =>
			c.references('municipalities.code').onDelete('restrict')
		)
		.addColumn('police_district', 'smallint', (c) =>
			c.references('police_districts.number').onDelete('restrict')
		)
		.addColumn('area_name', 'text', (c) => c.check(sql`length(area_name) BETWEEN 1 AND 200`))
		.addColumn('geom', sql`geometry(MultiPolygon, 25832)`)
		.addColumn('unsafe_share', 'real', (c) => c.notNull().check(sql`unsafe_share BETWEEN 0 AND 1`))
		.addColumn('respondents', 'integer', (c) => c.notNull().check(sql`respondents > 0`))
		.addColumn('is_synthetic', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('import_id', 'uuid')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		// The area a result is about, whatever its kind: what "the latest result per area" groups by.
		.addColumn('area_key', 'text', (c) =>
			c
				.generatedAlwaysAs(
					sql`CASE area_kind
				WHEN 'municipality' THEN 'm:' || municipality_code::text
				WHEN 'police_district' THEN 'p:' || police_district::text
				ELSE 'a:' || coalesce(municipality_code::text, '') || ':' || lower(area_name) END`
				)
				.stored()
		)
		.addCheckConstraint('survey_results_period', sql`period_from <= period_to`)
		.addCheckConstraint(
			'survey_results_area',
			sql`CASE area_kind
				WHEN 'municipality' THEN municipality_code IS NOT NULL AND police_district IS NULL
					AND area_name IS NULL AND geom IS NULL
				WHEN 'police_district' THEN police_district IS NOT NULL AND municipality_code IS NULL
					AND area_name IS NULL AND geom IS NULL
				ELSE area_name IS NOT NULL AND geom IS NOT NULL AND police_district IS NULL END`
		)
		// Importing the same survey again updates its results instead of adding them twice.
		.addUniqueConstraint('survey_results_key', ['survey', 'period_from', 'period_to', 'area_key'])
		.execute();
	await sql`CREATE INDEX survey_results_geom_idx ON survey_results USING gist (geom)`.execute(db);
	await sql`CREATE INDEX survey_results_latest_idx ON survey_results (area_key, period_to, period_from, id)`.execute(
		db
	);
	await sql`CREATE INDEX survey_results_municipality_idx ON survey_results (municipality_code)`.execute(db);
	await sql`CREATE INDEX survey_results_police_district_idx ON survey_results (police_district)`.execute(db);

	await db.schema
		.createTable('survey_places')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) BETWEEN 1 AND 200`))
		.addColumn('description', 'text', (c) => c.check(sql`length(description) <= 2000`))
		.addColumn('survey', 'text', (c) => c.notNull().check(sql`length(survey) BETWEEN 1 AND 200`))
		.addColumn('source', 'text', (c) => c.notNull().check(sql`length(source) BETWEEN 1 AND 500`))
		.addColumn('period_from', 'date', (c) => c.notNull())
		.addColumn('period_to', 'date', (c) => c.notNull())
		.addColumn('geom', sql`geometry(Geometry, 25832)`, (c) =>
			c
				.notNull()
				.check(sql`ST_GeometryType(geom) IN ('ST_Point', 'ST_MultiPoint', 'ST_Polygon', 'ST_MultiPolygon')`)
		)
		// Where the place lies (its point on surface): for lists and scope.
		.addColumn('municipality_code', 'smallint', (c) =>
			c.notNull().references('municipalities.code').onDelete('restrict')
		)
		// How many respondents named it, when the survey says.
		.addColumn('mentions', 'integer', (c) => c.check(sql`mentions >= 0`))
		.addColumn('is_synthetic', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('import_id', 'uuid')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('survey_places_period', sql`period_from <= period_to`)
		.addUniqueConstraint('survey_places_key', [
			'survey',
			'period_from',
			'period_to',
			'municipality_code',
			'name'
		])
		.execute();
	await sql`CREATE INDEX survey_places_geom_idx ON survey_places USING gist (geom)`.execute(db);

	// Every result with its polygon: the municipality's or police district's boundary as stored
	// now, or the drawn area. is_latest marks the newest result of each area (by period end, then
	// start, then id). A set-returning SQL function rather than a view, so geometry_columns keeps
	// to real columns; being one SELECT and not strict, it is inlined into the calling query, and
	// a spatial condition there reaches each branch's GiST index.
	await sql`
		CREATE FUNCTION tk_survey_result_areas()
		RETURNS TABLE (
			id bigint, survey text, source text, period_from date, period_to date, area_kind text, area_key text,
			municipality_code smallint, police_district smallint, name text, unsafe_share real,
			respondents integer, is_synthetic boolean, is_latest boolean, geom geometry
		)
		LANGUAGE sql STABLE PARALLEL SAFE AS $$
			SELECT r.id, r.survey, r.source, r.period_from, r.period_to, r.area_kind, r.area_key,
				r.municipality_code, r.police_district, m.name, r.unsafe_share, r.respondents, r.is_synthetic,
				NOT EXISTS (
					SELECT 1 FROM survey_results n
					WHERE n.area_key = r.area_key AND (n.period_to, n.period_from, n.id) > (r.period_to, r.period_from, r.id)
				),
				m.geom
			FROM survey_results r JOIN municipalities m ON m.code = r.municipality_code
			WHERE r.area_kind = 'municipality'
			UNION ALL
			SELECT r.id, r.survey, r.source, r.period_from, r.period_to, r.area_kind, r.area_key,
				r.municipality_code, r.police_district, d.name, r.unsafe_share, r.respondents, r.is_synthetic,
				NOT EXISTS (
					SELECT 1 FROM survey_results n
					WHERE n.area_key = r.area_key AND (n.period_to, n.period_from, n.id) > (r.period_to, r.period_from, r.id)
				),
				d.geom
			FROM survey_results r JOIN police_districts d ON d.number = r.police_district
			WHERE r.area_kind = 'police_district'
			UNION ALL
			SELECT r.id, r.survey, r.source, r.period_from, r.period_to, r.area_kind, r.area_key,
				r.municipality_code, r.police_district, r.area_name, r.unsafe_share, r.respondents, r.is_synthetic,
				NOT EXISTS (
					SELECT 1 FROM survey_results n
					WHERE n.area_key = r.area_key AND (n.period_to, n.period_from, n.id) > (r.period_to, r.period_from, r.id)
				),
				r.geom
			FROM survey_results r
			WHERE r.area_kind = 'area'
		$$
	`.execute(db);

	await sql`
		INSERT INTO datasets (name, source, is_demo) VALUES ('surveys', 'import', false)
		ON CONFLICT (name) DO NOTHING
	`.execute(db);
	// Once per transaction, as tk_bump_cameras_dataset: the version goes into tile ETags.
	await sql`
		CREATE FUNCTION tk_bump_surveys_dataset() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF coalesce(current_setting('tryghedskort.surveys_dataset_bumped', true), '') = '' THEN
				INSERT INTO datasets (name, source, is_demo) VALUES ('surveys', 'import', false)
				ON CONFLICT (name) DO UPDATE SET version = datasets.version + 1, updated_at = now();
				PERFORM set_config('tryghedskort.surveys_dataset_bumped', 'yes', true);
			END IF;
			RETURN NULL;
		END
		$$
	`.execute(db);
	for (const table of ['survey_results', 'survey_places']) {
		await sql`
			CREATE TRIGGER ${sql.raw(`${table}_bump_dataset`)}
			AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.table(table)}
			FOR EACH STATEMENT EXECUTE FUNCTION tk_bump_surveys_dataset()
		`.execute(db);
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['survey_results', 'survey_places']) {
		await sql`DROP TRIGGER ${sql.raw(`${table}_bump_dataset`)} ON ${sql.table(table)}`.execute(db);
	}
	await sql`DROP FUNCTION tk_bump_surveys_dataset()`.execute(db);
	await sql`DELETE FROM datasets WHERE name = 'surveys'`.execute(db);
	await sql`DROP FUNCTION tk_survey_result_areas()`.execute(db);
	await db.schema.dropTable('survey_places').execute();
	await db.schema.dropTable('survey_results').execute();
}
