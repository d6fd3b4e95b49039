import { PostgresStore } from '../src/store/postgres/store.js';
import { storeContract } from './store-contract.js';
import { usePostgres } from './helpers/pg.js';

const pg = usePostgres();

// A fresh schema per test: the same contract the lowdb store passes.
storeContract('postgres', async () => PostgresStore.open({ url: await pg().freshSchema() }));
