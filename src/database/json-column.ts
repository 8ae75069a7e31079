/**
 * A JSON column read with raw SQL: MariaDB's JSON is text on the wire, MySQL's arrives parsed.
 * (TypeORM does the same for entities; raw reads on the hot path need it too.)
 */
export function jsonColumn<T>(value: string | T): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}
