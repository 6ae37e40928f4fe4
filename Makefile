# nongjiao: `make run` serves the exchange with demo data; `make test` runs every test.
GO ?= go
DATA_DIR ?= ./data
LISTEN ?= :8080

.PHONY: run sandbox seed build test test-short cross bench load

run: build
	./bin/nongjiao serve --listen $(LISTEN) --data-dir $(DATA_DIR) --demo

# Serves a sandbox (a clock that moves only with advanceClock) with demo data from ./sandbox-data.
sandbox: build
	./bin/nongjiao serve --listen $(LISTEN) --data-dir ./sandbox-data --demo --sandbox

# Writes the demo into an empty data directory without serving.
seed: build
	./bin/nongjiao seed --data-dir $(DATA_DIR)

build:
	$(GO) build -buildvcs=auto -o bin/nongjiao ./cmd/nongjiao

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...

# Builds and vets (tests included) for macOS and Windows: the embedded store
# has per-OS files for its durable writes, mapping and lock.
cross:
	GOOS=darwin $(GO) build ./...
	GOOS=darwin $(GO) vet ./...
	GOOS=windows $(GO) build ./...
	GOOS=windows $(GO) vet ./...

test-short:
	$(GO) test -short -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# End-to-end load over HTTP on loopback: 100,000 listings, 64 bidders (see docs/performance.md).
load:
	$(GO) run ./cmd/loadtest
