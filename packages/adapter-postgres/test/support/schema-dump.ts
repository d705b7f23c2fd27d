/** Anything that runs a query and returns rows (a pg pool, a PGlite instance). */
export interface RowSource {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>
}

/**
 * A stable text dump of a schema from the catalogs (tables, columns, constraints,
 * indexes), with the schema name replaced by `{{schema}}` — the same on PostgreSQL and
 * PGlite, so it can be compared and committed.
 */
export async function dumpSchema(db: RowSource, schema: string): Promise<string> {
  const lines: string[] = []
  const tables = await db.query<{ table_name: string; options: string[] | null }>(
    `SELECT c.relname AS table_name, c.reloptions AS options FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`,
    [schema],
  )
  const quoted = `"${schema.replaceAll('"', '""')}"`
  const clean = (sql: string) => sql.replaceAll(`${quoted}.`, '{{schema}}.').replaceAll(`${schema}.`, '{{schema}}.')
  for (const { table_name, options } of tables.rows) {
    lines.push(`TABLE ${table_name}${options && options.length > 0 ? ` WITH (${[...options].sort().join(', ')})` : ''}`)
    const columns = await db.query<{ name: string; type: string; not_null: boolean; default_value: string | null; identity: string; generated: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              pg_get_expr(d.adbin, d.adrelid) AS default_value, a.attidentity AS identity, a.attgenerated AS generated
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
      [schema, table_name],
    )
    for (const column of columns.rows) {
      const parts = [`  ${column.name} ${column.type}`]
      if (column.not_null) parts.push('NOT NULL')
      if (column.identity === 'a') parts.push('GENERATED ALWAYS AS IDENTITY')
      if (column.default_value !== null && column.generated === 's') parts.push(`GENERATED ALWAYS AS (${clean(column.default_value).replace(/\s+/g, " ")}) STORED`)
      else if (column.default_value !== null) parts.push(`DEFAULT ${clean(column.default_value)}`)
      lines.push(parts.join(' '))
    }
    const constraints = await db.query<{ name: string; definition: string }>(
      `SELECT con.conname AS name, pg_get_constraintdef(con.oid) AS definition
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2 ORDER BY con.conname`,
      [schema, table_name],
    )
    for (const constraint of constraints.rows) lines.push(`  CONSTRAINT ${constraint.name} ${clean(constraint.definition)}`)
    const indexes = await db.query<{ definition: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class ic ON ic.oid = i.indexrelid
       WHERE n.nspname = $1 AND c.relname = $2 ORDER BY ic.relname`,
      [schema, table_name],
    )
    for (const index of indexes.rows) lines.push(`  ${clean(index.definition)}`)
    lines.push('')
  }
  return lines.join('\n')
}
