// A real federation gateway over the subgraphs named in SUBGRAPHS (JSON: [{name, url}]):
// fetches each subgraph's SDL with `_service { sdl }`, composes them with Apollo's
// composition library, serves the supergraph with @apollo/gateway, and prints
// `READY <url>` once it listens. Composition errors print and exit 2.
// The caller's Authorization header is forwarded to every subgraph, which stay the
// authority on guarded fields.
//
// The composed supergraph keeps `@requiresScopes` (written to SUPERGRAPH_OUT for the test
// to check) for routers that enforce it. @apollo/gateway cannot, and rightly refuses a
// supergraph with a SECURITY feature it does not support; the copy it serves has that
// feature removed, so what the test proves through it is the subgraph's own enforcement.
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { Kind, parse, print, visit } from 'graphql';
import { writeFileSync } from 'node:fs';

const subgraphs = JSON.parse(process.env.SUBGRAPHS ?? '[]');
const services = [];
for (const { name, url } of subgraphs) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = await response.json();
  if (!body.data?._service?.sdl) {
    console.error(`subgraph ${name} gave no SDL: ${JSON.stringify(body)}`);
    process.exit(2);
  }
  services.push({ name, url, typeDefs: parse(body.data._service.sdl) });
}

const composed = composeServices(services);
if (composed.errors) {
  console.error('composition failed:\n' + composed.errors.map((e) => e.message).join('\n'));
  process.exit(2);
}
for (const hint of composed.hints ?? []) console.error(`hint: ${hint.definition.code}: ${hint.message}`);

if (process.env.SUPERGRAPH_OUT) writeFileSync(process.env.SUPERGRAPH_OUT, composed.supergraphSdl);

const isScopes = (name) => name === 'requiresScopes' || name.startsWith('requiresScopes__');
const withoutScopes = print(
  visit(parse(composed.supergraphSdl), {
    Directive(node) {
      if (isScopes(node.name.value)) return null;
      const url = node.arguments?.find((a) => a.name.value === 'url');
      if (node.name.value === 'link' && url?.value.kind === Kind.STRING && url.value.value.includes('/requiresScopes/'))
        return null;
    },
    DirectiveDefinition(node) {
      if (isScopes(node.name.value)) return null;
    },
    ScalarTypeDefinition(node) {
      if (isScopes(node.name.value)) return null;
    },
  }),
);

const gateway = new ApolloGateway({
  supergraphSdl: withoutScopes,
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource({
      url,
      willSendRequest({ request, context }) {
        if (context.authorization) request.http.headers.set('authorization', context.authorization);
      },
    }),
});
const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: 0 },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`READY ${url}`);
