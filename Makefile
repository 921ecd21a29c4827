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

# The end-to-end tests read ledgers with the sqlite3 shell and render the HTML reports in Chromium
# (one install step, so a fresh machine runs apt-get update once).
test:
	@scripts/install-deps.sh sqlite3 chromium
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

bench: release
	scripts/bench.sh

oracle: build
	scripts/oracle.sh

clean:
	rm -rf .build
