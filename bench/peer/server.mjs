// PostGraphile v5 over the benchmark database, as a team would run it in production:
// the Amber preset, no GraphiQL, no explain, no schema watching, a pool as large as the
// gateway's. `make bench` starts it (bench/run.sh) and measures it beside the gateway.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

const [host, port] = (process.env.PEER_ADDR ?? "127.0.0.1:8193").split(":");
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: 16 },
    }),
  ],
  grafserv: { graphiql: false, watch: false, maxRequestLength: 256 * 1024 },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((e) => {
  console.error(e);
  process.exit(1);
});
server.listen(Number(port), host, () => console.error(`peer listening on ${host}:${port}`));
