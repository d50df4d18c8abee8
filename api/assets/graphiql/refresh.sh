#!/usr/bin/env bash
# Refreshes the GraphiQL page's embedded assets from the npm registry, at the pinned
# versions (npm verifies each package's integrity). Run by `make graphiql-assets`; the
# gateway never fetches anything at run time.
set -euo pipefail
GRAPHIQL=3.8.3
REACT=18.3.1
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
g="graphiql-$GRAPHIQL/package" r="react-$REACT/package" d="react-dom-$REACT/package"
# Source maps are not shipped: drop the comments that would ask for them.
sed '/sourceMappingURL=/d' "$g/graphiql.min.js" > "$here/graphiql.min.js"
sed 's#/\*\# sourceMappingURL=[^*]*\*/##' "$g/graphiql.min.css" > "$here/graphiql.min.css"
cp "$r/umd/react.production.min.js" "$d/umd/react-dom.production.min.js" "$here/"
{
  echo "# Third-party licenses of the embedded GraphiQL page"
  echo
  echo "Pinned: graphiql $GRAPHIQL, react $REACT, react-dom $REACT (npm). Refreshed by \`make graphiql-assets\`."
  echo
  for p in "$g" "$r" "$d"; do
    echo "## $(node -p "const p=require('./$p/package.json'); p.name+' '+p.version")"
    echo
    echo '```'
    cat "$p/LICENSE"
    echo '```'
    echo
  done
} > "$here/LICENSES.md"
