# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint clean

$(STAMP): setup.py pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 'setuptools<82' wheel
	$(BIN)/pip install --quiet -e '.[serve,test]'
	touch $(STAMP)

movie.db: | $(STAMP)
	$(BIN)/python demo_data.py movie.db

serve: $(STAMP) movie.db
	$(BIN)/paster serve development.ini

test: $(STAMP)
	bash tests/run.sh

lint: $(STAMP)
	$(BIN)/ruff check rum rum_sqlalchemy rum_toscawidgets tests model.py demo_data.py

clean:
	rm -rf $(VENV) movie.db
