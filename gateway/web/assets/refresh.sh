#!/usr/bin/env bash
# Refreshes the vendored GOV.UK Frontend files from the npm registry, at the version in
# govuk-frontend/VERSION, and records their checksums; `--check` verifies the files against
# the checksums without the network (the test suite runs it).
#
# Only the precompiled stylesheet and JavaScript module are vendored. The GDS Transport font,
# the crown and the crest are for services on GOV.UK only, which a council's service is not,
# so they are left out: app/app.css maps the font to Arial.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/govuk-frontend"
files=(govuk-frontend.min.css govuk-frontend.min.js)

if [[ "${1:-}" == "--check" ]]; then
  cd "$target"
  sha256sum --check --quiet SHA256SUMS
  echo "govuk-frontend $(cat VERSION): every vendored file matches SHA256SUMS"
  exit 0
fi

version="$(cat "$target/VERSION")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "govuk-frontend@$version" --silent >/dev/null)
tar -xzf "$work/govuk-frontend-$version.tgz" -C "$work"
for file in "${files[@]}"; do
  cp "$work/package/dist/govuk/$file" "$target/$file"
done
# The package states its licence in its README (MIT; documentation Crown copyright, OGL).
{
  awk '/^## Licence/{keep=1} /^## Contribution/{keep=0} keep' "$work/package/README.md"
  cat <<'MIT'
## The MIT License

Copyright (c) Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
MIT
} > "$target/LICENCE.md"
(cd "$target" && sha256sum "${files[@]}" LICENCE.md VERSION > SHA256SUMS)
echo "vendored govuk-frontend $version into $target"
