# aurigraph.dlt — developer entry points. Every target installs what it needs (scripts/setup.sh).
SHELL := /bin/bash
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

sandbox: ## set up, start sandbox nodes and deploy the stand-in service on them (the main job)
	bash scripts/sandbox.sh up

sandbox-down: ## remove the sandbox nodes
	bash scripts/sandbox.sh down

setup: ## install the virtualenv, Docker engine, test-node image and stand-in JAR
	bash scripts/setup.sh

test: ## the whole suite: lint, build, sanity, unit, stand-in, integration, k8s, molecule, awx
	bash scripts/test.sh

lint: ## yamllint, ansible-lint (production), argument specs, changelog
	bash scripts/test.sh lint

sanity: ## ansible-test sanity on a temporary ansible_collections tree
	bash scripts/test.sh sanity

unit: ## unit tests of modules and module_utils
	bash scripts/test.sh unit

integration: ## modules against the stand-in service over loopback
	bash scripts/test.sh standin integration

molecule: ## every Molecule scenario (MOLECULE_SCENARIOS="a b" for a subset)
	bash scripts/test.sh molecule

build: ## build the collection tarball into .cache/build
	bash scripts/test.sh build

bench: ## benchmarks (not part of the test suite)
	bash bench/run.sh

.PHONY: help sandbox sandbox-down setup test lint sanity unit integration molecule build bench
