# Replaces pyinstaller-hooks-contrib's hook, which collects every phonenumbers submodule (20 MB
# of geocoder, carrier and time-zone data the app never uses): only the per-region metadata that
# phonenumbers loads lazily when a number is parsed or formatted.
from PyInstaller.utils.hooks import collect_submodules

hiddenimports = [
    *collect_submodules("phonenumbers.data"),
    *collect_submodules("phonenumbers.shortdata"),
]
