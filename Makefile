SWIFT ?= swift
BIN_DEBUG := .build/debug/leadspool
BIN_RELEASE := .build/release/leadspool
PREFIX ?= /usr/local
# `make install` builds its binary here, with Swift's runtime and Foundation linked in
# (--static-swift-stdlib), apart from .build so the day-to-day builds are not redone.
STATIC_BUILD ?= .build/static
BIN_STATIC := $(STATIC_BUILD)/release/leadspool

.PHONY: deps build release demo test bench oracle man install install-check clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product leadspool
	$(SWIFT) build -c release --product leadspool-bench

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

# The man page, made from the commands' own help by swift-argument-parser's GenerateManual plugin
# (a debug build is enough: the page does not depend on it). Written to man/, not committed.
man: deps
	$(SWIFT) package plugin generate-manual --configuration debug
	mkdir -p man
	cp .build/plugins/GenerateManual/outputs/LeadspoolCLI/leadspool.1 man/leadspool.1

# The binary (needing only libc, libstdc++, SQLite, zlib and jemalloc from Debian at run time; jemalloc's
# shared library, see Package.swift), the man page and the bash, zsh and fish completions, under
# $(DESTDIR)$(PREFIX).
install: man
	LEADSPOOL_JEMALLOC=shared $(SWIFT) build -c release --product leadspool --static-swift-stdlib \
		--scratch-path $(STATIC_BUILD)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(BIN_STATIC) $(DESTDIR)$(PREFIX)/bin/leadspool
	install -m 0644 man/leadspool.1 $(DESTDIR)$(PREFIX)/share/man/man1/leadspool.1
	$(BIN_STATIC) --generate-completion-script bash >$(STATIC_BUILD)/leadspool.bash
	$(BIN_STATIC) --generate-completion-script zsh >$(STATIC_BUILD)/_leadspool
	$(BIN_STATIC) --generate-completion-script fish >$(STATIC_BUILD)/leadspool.fish
	install -m 0644 $(STATIC_BUILD)/leadspool.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/leadspool
	install -m 0644 $(STATIC_BUILD)/_leadspool $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_leadspool
	install -m 0644 $(STATIC_BUILD)/leadspool.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/leadspool.fish

# `make install` into a temporary prefix, then checks that the binary runs without the Swift toolchain.
# A release build (12+ minutes on 2 cores): not part of `make test`.
install-check:
	scripts/check-install.sh

clean:
	rm -rf .build
