# nongjiao: `make run` serves the exchange with demo data; `make test` runs every test.
GO ?= go
DATA_DIR ?= ./data
LISTEN ?= :8080

.PHONY: run build test test-short bench load

run: build
	./bin/nongjiao serve --listen $(LISTEN) --data-dir $(DATA_DIR) --demo

build:
	$(GO) build -o bin/nongjiao ./cmd/nongjiao

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...

test-short:
	$(GO) test -short -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# End-to-end load over HTTP on loopback: 100,000 listings, 64 bidders (see docs/performance.md).
load:
	$(GO) run ./cmd/loadtest
