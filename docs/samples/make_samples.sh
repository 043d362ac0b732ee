#!/usr/bin/env bash
# Regenerate docs/samples: every document kind rendered from the demo data, and page 1 as PNG.
# Needs pdftoppm (poppler-utils). Run from the repository root: docs/samples/make_samples.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/samples
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
./run.sh --data-dir "$data" demo >/dev/null
render() { ./run.sh --data-dir "$data" render "$@" >/dev/null; }
# 2026-0017: archived across the Spring Festival; 2026-0020: archived with an extension and an
# expert assessment; 2026-0010: investigating, suspension by notice; 2026-0004: rejected.
render 2026-0017 determination-letter --out "$out/determination-letter.pdf"
render 2026-0017 investigation-report --out "$out/investigation-report.pdf"
render 2026-0017 acceptance-notice --out "$out/acceptance-notice.pdf"
render 2026-0004 rejection-notice --out "$out/rejection-notice.pdf"
render 2026-0010 suspension-notice --out "$out/suspension-notice.pdf"
render 2026-0020 extension-approval --out "$out/extension-approval.pdf"
render 2026-0020 expert-opinion --out "$out/expert-opinion.pdf"
render 2026-0017 interview-record --out "$out/interview-record.pdf"
render 2026-0017 delivery-receipt --out "$out/delivery-receipt.pdf"
render 2026-0017 application-form --out "$out/application-form.pdf"
render 2026-0017 cadre-statement --out "$out/cadre-statement.pdf"
render --blank application-form --out "$out/application-form-blank.pdf"
render 2026-0017 determination-letter --format docx --out "$out/determination-letter.docx"
render 2026-0017 acceptance-notice --format docx --out "$out/acceptance-notice.docx"     # 信函格式 (the default)
rm -f "$out"/*.png
for pdf in "$out"/*.pdf; do
    pdftoppm -r 80 -png "$pdf" "${pdf%.pdf}"
done
ls "$out"
