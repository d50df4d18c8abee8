// The GraphQL-over-HTTP conformance audit of the `graphql-http` package against the URL
// in AUDIT_URL. Prints one JSON line per audit; exits 1 if any MUST audit fails.
import { auditServer } from 'graphql-http';

const url = process.env.AUDIT_URL;
if (!url) {
  console.error('AUDIT_URL is required');
  process.exit(2);
}
const results = await auditServer({ url });
let failed = 0;
for (const r of results) {
  const line = { id: r.id, name: r.name, status: r.status };
  if (r.status !== 'ok') {
    line.reason = r.reason;
    if (r.response) line.response = { status: r.response.status, contentType: r.response.headers.get('content-type') };
  }
  if (r.status === 'error') failed += 1;
  console.log(JSON.stringify(line));
}
console.log(JSON.stringify({ total: results.length, failedMust: failed }));
process.exit(failed ? 1 : 0);
