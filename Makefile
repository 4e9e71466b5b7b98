# Grantry's entry points. The README names two: `make run` and `make test`.
# Both install what is missing first (scripts/setup) and are safe to repeat.

CARGO ?= cargo
APP_FEATURES := --features grantry-app/custom-protocol
UI_SOURCES := $(shell find ui/src ui/index.html ui/vite.config.ts ui/package.json tauri.conf.json -type f 2>/dev/null)

.PHONY: run test cli setup setup-test lint unit e2e window-loop bindings release cli-share deb rpm bench soak soak-tray fuzz docs clean

# `make run` builds what `make test` builds, with the same features (the whole workspace, and
# the TypeScript-bindings feature the core's tests turn on), so that either one after the other
# compiles nothing again: building the app alone would resolve other features for tokio,
# grantry-core and the crates above them.
RUN_FEATURES := --features grantry-app/custom-protocol,grantry-core/ts,grantry-sandbox/ts

## run: build the UI and start Grantry (debug build, UI embedded)
run: setup ui/dist/index.html
	$(CARGO) build --workspace $(RUN_FEATURES)
	"$${CARGO_TARGET_DIR:-target}/debug/grantry-app"

## test: every check: formatting, lints, type checks, unit, integration and end-to-end tests
test: setup-test ui/dist/index.html lint unit

setup:
	@scripts/setup run

setup-test:
	@scripts/setup test

ui/dist/index.html: $(UI_SOURCES) ui/node_modules/.package-lock.json
	npm --prefix ui run build

ui/node_modules/.package-lock.json: ui/package-lock.json
	@scripts/setup run

# lint: also the documentation (links, anchors, and the make targets, grantry commands and
# scripts it shows: scripts/check-docs, tried first on broken documents) and the AppStream
# metainfo the .deb installs
lint: setup-test ui/dist/index.html ui/node_modules/.package-lock.json
	scripts/check-docs --self-test
	scripts/check-docs
	appstreamcli validate --no-net src-tauri/packaging/dev.grantry.desktop.metainfo.xml
	$(CARGO) fmt --all --check
	$(CARGO) deny --offline check bans licenses sources
	$(CARGO) machete
	scripts/module-graph src-tauri/core/src --check >/dev/null
	scripts/module-graph src-tauri/sandbox/src --check >/dev/null
	npm --prefix ui run check
	npm --prefix ui run lint
	$(CARGO) clippy --workspace --all-targets $(APP_FEATURES) -- -D warnings

## unit: Vitest, then every Rust test (the keyring and window ones included) in a throwaway session
unit: ui/dist/index.html
	npm --prefix ui test
	scripts/test-session $(CARGO) test --workspace $(APP_FEATURES) --no-fail-fast -- --include-ignored

## window-loop: the window suite RUNS times (default 10) with every core busy (LOAD=0: quiet);
## each run's log in target/window-loop/
window-loop: setup-test ui/dist/index.html
	scripts/window-loop

## cli: build the `grantry` command line into target/debug/grantry
cli: setup
	$(CARGO) build -p grantry-cli

## bindings: regenerate the TypeScript types in ui/src/lib/bindings from the Rust types
bindings:
	GRANTRY_UPDATE_BINDINGS=1 $(CARGO) test -p grantry-core --test integration bindings::

## soak: ten minutes of background refresh against 30-second tokens; prints how many refreshes
soak:
	$(CARGO) run -p grantry-core --example refresh_soak -- 600 30

## soak-tray: the app in the tray (window never opened) for ten minutes, three accounts with
## 30-second tokens: refreshes and memory each minute; fails on missed refreshes or growth
## (MINUTES=… LIFETIME=… ACCOUNTS=… for other figures)
soak-tray: setup-test
	scripts/soak-tray

## fuzz: each cargo-fuzz target for FUZZ_SECONDS (default 60) on nightly; fails on a crash
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

# The release binaries: the app, `grantry` (packaged beside it) and the bare Tauri window of
# `make bench`, in one cargo invocation so that they share one Tauri build and one profile.
RELEASE_FEATURES := --features grantry-app/custom-protocol,grantry-bench-bare/custom-protocol
release: setup ui/dist/index.html
	$(CARGO) build --release $(RELEASE_FEATURES) -p grantry-app -p grantry-cli -p grantry-bench-bare
	@$(MAKE) --no-print-directory cli-share

# The man pages and shell completions the .deb installs beside `grantry` (tauri.conf.json's
# bundle.linux.deb.files), made by that binary from its own argument definitions: GRANTRY is
# the binary, CLI_SHARE the folder they go to (the release build's by default; the package
# test gives its debug build's). Man pages are gzipped as Debian ships them.
GRANTRY ?= target/release/grantry
CLI_SHARE ?= target/release/share
cli-share:
	rm -rf $(CLI_SHARE)
	mkdir -p $(CLI_SHARE)/completions
	$(GRANTRY) man --dir $(CLI_SHARE)/man1
	gzip -9n $(CLI_SHARE)/man1/*.1
	$(GRANTRY) completions bash > $(CLI_SHARE)/completions/grantry
	$(GRANTRY) completions zsh > $(CLI_SHARE)/completions/_grantry
	$(GRANTRY) completions fish > $(CLI_SHARE)/completions/grantry.fish

## deb: a release .deb (the app, `grantry` with its man pages and bash, zsh and fish completions,
## and a desktop entry that handles dev.grantry: links) under target/release/bundle/deb
deb: release
	ui/node_modules/.bin/tauri bundle --bundles deb --ci

## rpm: the same as an .rpm (Fedora, openSUSE), under target/release/bundle/rpm
rpm: release
	ui/node_modules/.bin/tauri bundle --bundles rpm --ci

## bench: speed and memory against floors measured in the same run; writes target/bench/report.md
bench: setup-test
	scripts/bench

## docs: the book (docs/) built with mdbook into target/book; open target/book/index.html
docs:
	@scripts/setup docs
	scripts/check-docs
	mdbook build docs

clean:
	$(CARGO) clean
	rm -rf ui/dist
