import { DataSource } from 'typeorm';
import { databaseOptions } from './database-options';

/** The standalone data source for the TypeORM CLI (`npm run migration:run`). */
export default new DataSource(
  databaseOptions(process.env.DATABASE_URL ?? '', false, process.env.DATABASE_HOSTS),
);
