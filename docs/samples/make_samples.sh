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
# The archive volume of 2026-0017 (its letters numbered by the renders above): all of it as PDF; as PNG
# the cover, the 卷内文件目录, the first page of the determination letter and the 卷内备考表.
./run.sh --data-dir "$data" archive-volume 2026-0017 --out "$out/archive-volume.pdf" >/dev/null
# The statistics report for 2026 (every page as PNG below) and the ledger, whose print layout is shown
# as LibreOffice prints it (ledger-print.png) when LibreOffice Calc is installed.
./run.sh --data-dir "$data" stats --from 2026-01-01 --to 2026-11-27 --out "$out/statistics.pdf" >/dev/null
./run.sh --data-dir "$data" ledger --out "$out/ledger.xlsx" >/dev/null
rm -f "$out"/*.png
for pdf in "$out"/*.pdf; do
    [ "$pdf" = "$out/archive-volume.pdf" ] && continue
    pdftoppm -r 80 -png "$pdf" "${pdf%.pdf}"
done
last=$(pdfinfo "$out/archive-volume.pdf" | awk '/^Pages:/ {print $2}')
for page in 1 2 3 "$last"; do
    pdftoppm -r 80 -png -f "$page" -l "$page" -singlefile "$out/archive-volume.pdf" "$out/archive-volume-$page"
done
if command -v soffice >/dev/null; then
    soffice --headless "-env:UserInstallation=file://$data/lo" --convert-to pdf --outdir "$data" "$out/ledger.xlsx" >/dev/null 2>&1
    pdftoppm -r 80 -png -singlefile "$data/ledger.pdf" "$out/ledger-print"
fi
ls "$out"
