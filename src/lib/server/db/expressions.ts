import { sql } from 'kysely';

/** A DATE column as 'YYYY-MM-DD' text: pg would turn it into a local-midnight Date that can shift a day. */
export const isoDate = (column: string) => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
