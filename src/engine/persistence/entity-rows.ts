import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * The entity of a raw `SELECT *` row, hydrated the way TypeORM's own finders do it (JSON parsed,
 * booleans and dates converted) from the entity's column declarations: the hot path locks rows
 * with raw SQL (`FOR UPDATE`) without listing their columns a second time.
 */
export function entityFromRow<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  raw: Record<string, unknown>,
): T {
  const metadata = m.connection.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    column.setEntityValue(
      entity,
      m.connection.driver.prepareHydratedValue(raw[column.databaseName], column),
    );
  }
  return entity;
}

/** `INSERT INTO <table> SET col = ?, …` of every column of an entity (a complete new row). */
export function insertOf<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  entity: T,
): { sql: string; params: unknown[] } {
  const metadata = m.connection.getMetadata(target);
  const set = assignments(
    m,
    target,
    entity,
    metadata.columns.map((c) => c.propertyName as keyof T & string),
  );
  return { sql: `INSERT INTO ${metadata.tableName} SET ${set.sql}`, params: set.params };
}

/**
 * `SET col = ?, …` and its parameters for the named properties of an entity, columns and value
 * conversions (JSON, booleans) taken from the entity's declarations.
 */
export function assignments<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  entity: T,
  properties: ReadonlyArray<keyof T & string>,
): { sql: string; params: unknown[] } {
  const metadata = m.connection.getMetadata(target);
  const columns = properties.map((p) => {
    const column = metadata.findColumnWithPropertyName(p);
    if (!column) {
      throw new Error(`${metadata.name} has no column ${p}`);
    }
    return column;
  });
  return {
    sql: columns.map((c) => `${c.databaseName} = ?`).join(', '),
    params: columns.map((c): unknown =>
      m.connection.driver.preparePersistentValue(c.getEntityValue(entity), c),
    ),
  };
}
