#!/usr/bin/env bash
# Build the onedir bundle dist/telephony-desktop/ (PyInstaller, packaging/telephony-desktop.spec)
# and print its size and the build time. Then: dist/telephony-desktop/telephony-desktop --self-test
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
packaging/catalogue.sh compile  # the .mo files the bundle carries
uv run --frozen --group packaging pyinstaller packaging/telephony-desktop.spec --noconfirm \
    --distpath dist --workpath build/pyinstaller --log-level WARN
elapsed=$(( $(date +%s) - start ))
echo "build: dist/telephony-desktop/ in ${elapsed} s, $(du -sh dist/telephony-desktop | cut -f1) on disk"
