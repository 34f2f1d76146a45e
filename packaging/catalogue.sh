#!/usr/bin/env bash
# The message catalogue, managed with Babel (see README "Translations").
#   packaging/catalogue.sh extract   messages from the source into build/telephony_desktop.pot
#   packaging/catalogue.sh update    extract, then merge new and changed messages into each .po
#   packaging/catalogue.sh compile   every .po into its .mo (the build and the bundle run this)
set -euo pipefail
cd "$(dirname "$0")/.."
LOCALES=resources/locale
POT=build/telephony_desktop.pot
DOMAIN=telephony_desktop

extract() {
    mkdir -p build
    uv run pybabel extract -F "$LOCALES/babel.cfg" --no-location --sort-output \
        --add-comments=Translators: --project="Telephony Desktop" --copyright-holder="Telephony Desktop" \
        --msgid-bugs-address="" -o "$POT" telephony_desktop
}

case "${1:-}" in
    extract) extract ;;
    update)
        extract
        uv run pybabel update -i "$POT" -d "$LOCALES" -D "$DOMAIN" \
            --ignore-obsolete --no-fuzzy-matching ;;
    compile) uv run pybabel compile -d "$LOCALES" -D "$DOMAIN" --statistics ;;
    *) echo "usage: $0 extract|update|compile" >&2; exit 2 ;;
esac
