# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint clean

$(STAMP): setup.py pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 'setuptools<82' wheel
	$(BIN)/pip install --quiet -e '.[serve,test,embed,deploy,mongrel2]'
	touch $(STAMP)

movie.db: | $(STAMP)
	$(BIN)/python demo_data.py movie.db

serve: $(STAMP) movie.db
	$(BIN)/paster serve development.ini

test: $(STAMP)
	bash tests/run.sh

lint: $(STAMP)
	$(BIN)/ruff check rum rum_sqlalchemy rum_toscawidgets rum_mongrel2 tests examples model.py demo_data.py

clean:
	rm -rf $(VENV) movie.db

BROWSER_STAMP := $(VENV)/.browser
# apt-get waits up to 5 minutes for another apt/dpkg run to let go of the dpkg lock
# (instead of failing at once when, say, unattended-upgrades or a parallel make holds it).
APT_WAIT := -o DPkg::Lock::Timeout=300

$(BROWSER_STAMP): $(STAMP) tests/browser/package-lock.json
	@test -x /usr/bin/chromium || { apt-get $(APT_WAIT) update -qq && DEBIAN_FRONTEND=noninteractive apt-get $(APT_WAIT) install -y -qq --no-install-recommends chromium; }
	$(BIN)/pip install --quiet playwright
	npm ci --no-audit --no-fund --prefix tests/browser
	touch $(BROWSER_STAMP)

.PHONY: browser-test
browser-test: $(BROWSER_STAMP)
	BIN=$(BIN) bash -c '. tests/servers.sh; RUM_REQUIRE_BROWSER=1 exec $(BIN)/python -m pytest tests/browser -o addopts="-ra" -p no:randomly'

# Messages: extract from the sources into rum/i18n/rum.pot, merge that into each language's
# .po (new messages come untranslated), compile every .po (Rum's and the demo's) to .mo.
# A new language: $(BIN)/pybabel init -i rum/i18n/rum.pot -d rum/i18n -D rum -l fr
.PHONY: i18n
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o rum/i18n/rum.pot --project=Rum --version=0.1.0 \
	    --no-wrap --sort-by-file --add-comments=Translators: .
	$(BIN)/pybabel update -i rum/i18n/rum.pot -d rum/i18n -D rum --no-wrap --ignore-obsolete
	$(BIN)/pybabel compile -d rum/i18n -D rum --statistics
	$(BIN)/pybabel compile -d locale -D rum --statistics

# Real servers (paster, pserve, waitress, gunicorn sync and gevent, Apache + mod_wsgi,
# Mongrel2 with egg:rum#mongrel2) serving Rum at /admin: tests/deploy. Also Rum installed
# as a wheel, an sdist and editable, each in a fresh venv with its own pip (from the
# configured index), then served by `paster serve development.ini`
# (tests/deploy/test_install.py; it skips without an index). Apache and Mongrel2 come from
# Debian (`make apache-modwsgi`, `make mongrel2`, which their tests run themselves when
# apt-get is there; they skip, saying why, when it is not).
.PHONY: test-deploy apache-modwsgi mongrel2
test-deploy: $(STAMP)
	$(BIN)/python -m pytest tests/deploy -o addopts="-ra" -p no:randomly

apache-modwsgi:
	@test -e /usr/lib/apache2/modules/mod_wsgi.so -a -x /usr/sbin/apachectl || { \
	    apt-get $(APT_WAIT) update -qq && DEBIAN_FRONTEND=noninteractive apt-get $(APT_WAIT) install -y -qq \
	        --no-install-recommends apache2 libapache2-mod-wsgi-py3 python3.11-venv; }

APT_GET := DEBIAN_FRONTEND=noninteractive apt-get $(APT_WAIT)

mongrel2:
	@test -x /usr/bin/mongrel2 -a -x /usr/bin/m2sh || { \
	    $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends mongrel2-core; }

# Rum beside Flask-Admin, sqladmin, Django admin, starlette-admin and the bare-WSGI floor of
# ../shared/bench in one run, then Rum alone at 1,000,000 movies; writes bench/RESULTS.md
# (about 35 minutes). bench/.work/ holds the anchors' venvs, the databases and the raw
# results. A smoke run: `$(BIN)/python bench/run.py --quick`. `make bench BASELINE=<rev>`
# also measures the list page against that git revision's, alternately in the same run
# (bench/baseline.py); only that comparison: `$(BIN)/python bench/run.py --baseline <rev> --quick`.
.PHONY: bench
bench: $(STAMP)
	@test -x $(BIN)/gunicorn || $(BIN)/pip install --quiet gunicorn
	$(BIN)/python bench/run.py $(if $(BASELINE),--baseline $(BASELINE))
