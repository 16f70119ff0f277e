# rvemu: the two commands a newcomer needs are `make run` and `make test`.
# Both set up what they need (the Debian cross compiler included).

GO       ?= go
RVEMU    := bin/rvemu
GOFILES  := $(shell find . -name '*.go' -not -path './ext/*' 2>/dev/null)

.PHONY: all build setup xv6 guests test test-race test-e2e vet run bench clean

all: build

setup:
	@sh scripts/setup-debian.sh

build: $(RVEMU)

$(RVEMU): $(GOFILES) go.mod go.sum
	$(GO) build -o $(RVEMU) ./cmd/rvemu

xv6: setup
	$(MAKE) -C xv6

guests: setup
	$(MAKE) -C tests/guest

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }

# Package tests run under the race detector (the machine loop, devices and
# host I/O goroutines included); the end-to-end tests in tests/ boot whole
# kernels on rvemu and QEMU and run once without it, where they take a
# tenth of the time. `go test -race ./...` passes too, only slower.
test-race:
	$(GO) test -race -timeout 15m $$($(GO) list ./... | grep -v '/tests$$')

test-e2e: build xv6 guests
	$(GO) test -count=1 -timeout 20m ./tests/...

test: setup vet test-race test-e2e

run: build xv6
	$(RVEMU) grade -v --disk xv6/build/fs.img xv6/build/kernel.img

bench: build xv6 guests
	$(GO) run ./bench

include mk/fuzz.mk
include mk/soak.mk

clean:
	rm -rf bin tests/build
	-$(MAKE) -C xv6 clean
