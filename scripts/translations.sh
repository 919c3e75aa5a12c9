#!/bin/sh
# Slice's translations (see README, "Languages"):
#   scripts/translations.sh update    the window's strings -> assets/translations/slice_*.ts
#   scripts/translations.sh compile   slice_*.ts -> slice_*.qm (committed; what the app loads)
#   scripts/translations.sh add CODE  a new language, for example: scripts/translations.sh add fr
# Runs packaging/translations.py with the project's virtual environment (make setup makes
# it), or with SLICE_PYTHON.
set -eu
cd "$(dirname "$0")/.."
python=${SLICE_PYTHON:-.venv/bin/python}
if [ ! -x "$python" ]; then
    echo "translations.sh: no $python; run make setup first (or set SLICE_PYTHON)" >&2
    exit 1
fi
exec "$python" packaging/translations.py "$@"
