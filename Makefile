# Svar: `make run` starts the whole assistant; `make test` proves it. Everything the project
# installs or caches stays inside this folder (.venv/, .state/, .rasa/).

VENV      := .venv
PY        := $(VENV)/bin/python
STATE     := .state
INSTALLED := $(VENV)/.installed
export PIP_CACHE_DIR := $(CURDIR)/$(STATE)/pip-cache
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Rasa would otherwise send telemetry and crash reports over the network.
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test validate model setup browser haproxy lint clean

# SVAR_REPLICAS=N (N > 1) runs N of each process behind HAProxy; one of each needs no HAProxy.
run: setup $(if $(filter-out 1,$(SVAR_REPLICAS)),haproxy)  ## set up, train if needed, start everything
	$(PY) -m stack

test: setup browser haproxy lint validate model  ## lint, type-check, content check, and the whole test suite
	$(PY) -m pytest

validate: setup  ## for content editors: Rasa's data check and the plain-language check
	TF_CPP_MIN_LOG_LEVEL=2 $(PY) -m stack.validate
	$(PY) -m core.content.check

lint: setup  ## style, formatting, types, and the layers' import contracts (pyproject.toml)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache

model: setup  ## train the Rasa model if its inputs changed
	$(PY) -m stack.train

setup: $(INSTALLED)

$(INSTALLED): requirements.txt
	@python310="$$(stack/find_python310.sh)" || exit 1; \
	  test -x $(PY) || "$$python310" -m venv $(VENV)
	# Every package is pinned in requirements.txt, so no resolving: `limits` asks for a newer
	# `packaging` than Rasa allows, and works with Rasa's (store/rate_limits.py).
	$(PY) -m pip install --quiet --no-deps -r requirements.txt
	@touch $@

# Browser tests use Debian's Chromium (Playwright's own download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser tests need Chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# The replicas' load balancer is Debian's HAProxy (stack/balancer.py).
haproxy:
	@PATH="$$PATH:/usr/sbin:/sbin" command -v haproxy >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq haproxy >/dev/null; \
	  else echo "Replicas (SVAR_REPLICAS) need HAProxy: sudo apt-get install haproxy" >&2; exit 1; fi; }

clean:  ## remove the environment, models and all local state
	rm -rf $(VENV) $(STATE) .rasa
