#!/bin/sh
# Print a working Python 3.10 (Rasa 3.6 needs 3.8-3.10), or explain what to install.
for candidate in "$PYTHON310" python3.10 "$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10 \
                 "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  [ -n "$candidate" ] || continue
  if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
cat >&2 <<'MSG'
Svar needs Python 3.10 (Rasa 3.6 runs on Python 3.8-3.10) and none was found.
Install one of:
  pyenv install 3.10          (then run make again)
  apt-get install python3.10 python3.10-venv
or point to one:  make run PYTHON310=/path/to/python3.10
MSG
exit 1
