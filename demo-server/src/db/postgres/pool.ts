import pg from 'pg';

/** Anything that runs a query: the pool (autocommit) or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;
export type Tx = pg.PoolClient;

/** BIGINT (change numbers, counts) as a JavaScript number: they stay far below 2^53. */
const INT8_OID = 20;
const parseInt8 = (value: string) => Number(value);

/** node-postgres' type parsers, with BIGINT as a number. */
export const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as never,
};

export function createPool(url: string, max: number): pg.Pool {
  return new pg.Pool({ connectionString: url, max, types: PG_TYPES });
}

/**
 * Thrown inside a transaction that turned out to change nothing: the
 * transaction rolls back (giving back any change number it took) and
 * `transaction` resolves with `value`.
 */
export class NothingWritten<T> {
  constructor(readonly value: T) {}
}

/** Runs `work` in one transaction on a client of its own; rolls back on any error. */
export async function transaction<T>(pool: pg.Pool, work: (tx: Tx) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const tx = await pool.connect();
  // A connection whose BEGIN, COMMIT or ROLLBACK failed is not given back to the pool.
  let broken = true;
  try {
    await tx.query(begin);
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      await tx.query('ROLLBACK');
      broken = false;
      if (error instanceof NothingWritten) return error.value as T;
      throw error;
    }
    await tx.query('COMMIT');
    broken = false;
    return result;
  } finally {
    tx.release(broken);
  }
}

/** PostgreSQL's code for a unique violation, and the constraint it names. */
export function uniqueViolation(error: unknown): string | undefined {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === '23505' ? (constraint ?? '') : undefined;
}
