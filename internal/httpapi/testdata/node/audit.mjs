// Runs the graphql-http server audit against the URL given as the first
// argument and prints the results as a JSON array of {id, name, status, reason}.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
console.log(JSON.stringify(results.map(({ id, name, status, reason }) => ({ id, name, status, reason: reason ?? '' }))));
