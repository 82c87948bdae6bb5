#!/usr/bin/env bash
# Refresh src/kg/web/static/vendor/ from the pinned npm packages in package-lock.json.
#
# The server never runs npm: the copied files are committed. Run this only to upgrade a
# library (edit package.json, `npm install --ignore-scripts`, then this script, then commit
# the vendor directory, package.json and package-lock.json together).
#
# File names carry the version so a browser never mixes a cached old file with a new page.
# Source-map comments are stripped: the maps are not shipped, and a reference to a missing
# map makes developer tools request a file that 404s.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/src/kg/web/static/vendor"
cd "$root"
npm ci --ignore-scripts --no-audit --no-fund >/dev/null

version() { node -p "require('./node_modules/$1/package.json').version"; }

rm -rf "$vendor"
mkdir -p "$vendor/licenses"

copy() {  # copy <package> <file in package> <target name>
  sed -e '/^\/\/# sourceMappingURL=/d' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
    "node_modules/$1/$2" > "$vendor/$3"
}

v_cy=$(version cytoscape); v_fcose=$(version cytoscape-fcose)
v_cose=$(version cose-base); v_layout=$(version layout-base); v_yasgui=$(version @zazuko/yasgui)
v_chart=$(version chart.js)

copy cytoscape dist/cytoscape.min.js "cytoscape-$v_cy.min.js"
copy layout-base layout-base.js "layout-base-$v_layout.js"
copy cose-base cose-base.js "cose-base-$v_cose.js"
copy cytoscape-fcose cytoscape-fcose.js "cytoscape-fcose-$v_fcose.js"
copy @zazuko/yasgui build/yasgui.min.js "yasgui-$v_yasgui.min.js"
copy @zazuko/yasgui build/yasgui.min.css "yasgui-$v_yasgui.min.css"
# Chart.js: the UMD build (a classic script, no eval, no injected styles: fits the CSP).
copy chart.js dist/chart.umd.min.js "chart-$v_chart.umd.min.js"

# Licences: each library's own, plus every package bundled inside yasgui.min.js.
for pkg in $(node -e '
  const lock = require("./package-lock.json");
  for (const [path, meta] of Object.entries(lock.packages)) {
    if (path.startsWith("node_modules/")) console.log(path.slice("node_modules/".length));
  }'); do
  dir="node_modules/$pkg"
  [ -f "$dir/package.json" ] || continue
  v=$(version "$pkg")
  lic=$(ls "$dir" | grep -iE '^(licen[cs]e|copying)' | head -1 || true)
  name="${pkg//\//__}-$v.LICENSE"
  if [ -n "$lic" ]; then
    cp "$dir/$lic" "$vendor/licenses/$name"
  else
    spdx=$(node -p "require('./$dir/package.json').license || 'UNKNOWN'")
    printf '%s %s is published under the %s licence (package.json); the npm package ships no licence file.\nSee %s\n' \
      "$pkg" "$v" "$spdx" "$(node -p "require('./$dir/package.json').homepage || ''")" \
      > "$vendor/licenses/$name"
  fi
done

{
  echo "# Browser libraries vendored by scripts/vendor-assets.sh from npm (package-lock.json)."
  echo "# Served from /static/vendor/; nothing is fetched from a CDN at run time."
  echo "cytoscape $v_cy cytoscape-$v_cy.min.js MIT"
  echo "layout-base $v_layout layout-base-$v_layout.js MIT"
  echo "cose-base $v_cose cose-base-$v_cose.js MIT"
  echo "cytoscape-fcose $v_fcose cytoscape-fcose-$v_fcose.js MIT"
  echo "@zazuko/yasgui $v_yasgui yasgui-$v_yasgui.min.js,yasgui-$v_yasgui.min.css MIT (bundles the packages listed in licenses/)"
  echo "chart.js $v_chart chart-$v_chart.umd.min.js MIT (bundles @kurkle/color, MIT)"
  echo "# sha256"
  (cd "$vendor" && sha256sum -- *.js *.css)
} > "$vendor/VERSIONS.txt"
echo "vendored into $vendor:"
cat "$vendor/VERSIONS.txt"
