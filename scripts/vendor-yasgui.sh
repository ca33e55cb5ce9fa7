#!/usr/bin/env bash
# Re-vendor YASGUI (npm @triply/yasgui) into src/normspace/_vendor/yasgui/ for the query page
# of `normspace serve`, which must work offline: no CDN, no request leaving the machine.
#
# Usage: scripts/vendor-yasgui.sh [VERSION]     (default: the version pinned below)
#
# Fetches the tarball with `npm pack` (the registry's own client), checks it against the
# sha512 integrity the registry publishes, and copies only what the page loads (the minified
# bundle and its stylesheet) plus the licences. Then rewrites VENDORED.md. Needs npm, tar,
# python3. Changes nothing else in the tree.
set -euo pipefail

VERSION="${1:-4.2.28}"
PACKAGE="@triply/yasgui"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/normspace/_vendor/yasgui"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK" || true' EXIT

cd "$WORK"
EXPECTED="$(npm view "$PACKAGE@$VERSION" dist.integrity)"
TARBALL="$(npm pack --silent "$PACKAGE@$VERSION")"
ACTUAL="sha512-$(python3 -c 'import base64, hashlib, sys
print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$TARBALL")"
if [[ "$ACTUAL" != "$EXPECTED" ]]; then
  echo "integrity mismatch for $TARBALL: registry says $EXPECTED, file is $ACTUAL" >&2
  exit 1
fi
tar xzf "$TARBALL"

mkdir -p "$DEST"
cp package/build/yasgui.min.js package/build/yasgui.min.css "$DEST/"
cp package/build/yasgui.min.js.LICENSE.txt "$DEST/THIRD-PARTY-LICENSES.txt"
cp package/LICENSE.txt "$DEST/LICENSE"
# The bundle ends with a sourceMappingURL comment; the map is not vendored (4 MB), so drop
# the comment: otherwise browsers' developer tools request a file that does not exist.
python3 - "$DEST/yasgui.min.js" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", text))
EOF

sha() { sha256sum "$1" | cut -d' ' -f1; }
cat > "$DEST/VENDORED.md" <<EOF
# Vendored: YASGUI

- Package: \`$PACKAGE\` version \`$VERSION\` (npm), licence MIT (\`LICENSE\`; the bundled
  libraries' notices are in \`THIRD-PARTY-LICENSES.txt\`).
- Tarball: \`$TARBALL\`, integrity \`$EXPECTED\` (checked against the registry's \`dist.integrity\`).
- Files: \`build/yasgui.min.js\` (its trailing \`sourceMappingURL\` comment removed) and
  \`build/yasgui.min.css\` of the tarball, copied unchanged otherwise.
- sha256: yasgui.min.js \`$(sha "$DEST/yasgui.min.js")\`, yasgui.min.css \`$(sha "$DEST/yasgui.min.css")\`.
- Used by the query page of \`normspace serve\` (\`src/normspace/_static/query/\`), which
  configures it so that it makes no request beyond the local server (no prefix.cc, no LOV
  autocompletion, no endpoint catalogue, no localStorage persistence).
- Produced by: \`scripts/vendor-yasgui.sh $VERSION\`, i.e.

      npm view $PACKAGE@$VERSION dist.integrity
      npm pack $PACKAGE@$VERSION
      tar xzf $TARBALL
      cp package/build/yasgui.min.{js,css} src/normspace/_vendor/yasgui/
      cp package/build/yasgui.min.js.LICENSE.txt src/normspace/_vendor/yasgui/THIRD-PARTY-LICENSES.txt
      cp package/LICENSE.txt src/normspace/_vendor/yasgui/LICENSE
EOF
echo "vendored $PACKAGE $VERSION into $DEST"
