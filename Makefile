SWIFT ?= swift
BIN_DEBUG := .build/debug/leadspool
BIN_RELEASE := .build/release/leadspool

.PHONY: deps build release demo test bench oracle clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product leadspool

demo: build
	$(BIN_DEBUG) demo

# The end-to-end tests read ledgers with the sqlite3 shell.
test: deps
	@scripts/install-deps.sh sqlite3
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

bench: release
	scripts/bench.sh

oracle: build
	scripts/oracle.sh

clean:
	rm -rf .build
