# rvemu: the two commands a newcomer needs are `make run` and `make test`.
# Both set up what they need (the Debian cross compiler included).

GO       ?= go
RVEMU    := bin/rvemu
GOFILES  := $(shell find . -name '*.go' -not -path './ext/*' 2>/dev/null)

.PHONY: all build setup xv6 guests test test-race test-e2e vet run bench labs image clean

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
# The CPU's tests run twice more: on the translator, and on the translator
# checked against the interpreter at every return from generated code.
test-race:
	$(GO) test -race -timeout 15m $$($(GO) list ./... | grep -v '/tests$$')
	RVEMU_TEST_JIT=on $(GO) test -race -timeout 5m ./cpu
	RVEMU_TEST_JIT=lockstep $(GO) test -race -timeout 5m ./cpu

test-e2e: build xv6 guests
	$(GO) test -count=1 -timeout 20m ./tests/...

test: setup vet test-race test-e2e

run: build xv6
	$(RVEMU) grade -v --disk xv6/build/fs.img xv6/build/kernel.img

# One image for every xv6 workload: the lab's ports for uid 0 (the network
# workloads run in a namespace of their own) and nettests asking slirp's
# resolver 10.0.2.3, which QEMU too can answer offline (bench/netns.go).
# BENCH=compute,nettests selects workloads (gobench: the Go benchmarks),
# RUNS=3 the runs per emulator.
BENCH_XV6 := B=build/bench NET_TESTS_PORT=25099 NET_FWD_PORT=25999 NET_DNS_SERVER_IP=0x0a000203

bench: build guests setup
	$(MAKE) -C xv6 $(BENCH_XV6) all
	$(GO) run ./bench $(if $(BENCH),-only=$(BENCH)) $(if $(RUNS),-runs=$(RUNS))

# The xv6 course on both machines: each lab tree's own `make grade` on
# rvemu and on QEMU, alternating, each in a network namespace holding only
# lo (docs/LABS.md). LABS="DIR..." names lab trees or directories of them;
# REPEAT=10 grades each that many times; LABS_FLAGS passes more flags.
labs: build
	@$(GO) build -o bin/labs ./labs
	@bin/labs -rvemu $(RVEMU) $(if $(REPEAT),-repeat $(REPEAT)) $(LABS_FLAGS) $(LABS)

# The class grader's container image (deploy/Dockerfile, deploy/README.md):
# ENGINE=docker|podman, IMAGE=name, BASE=a Debian 12 image.
ENGINE ?= docker
IMAGE ?= rvemu-class
image:
	@mkdir -p bin/image
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -o bin/image/rvemu ./cmd/rvemu
	$(ENGINE) build -f deploy/Dockerfile -t $(IMAGE) $(if $(BASE),--build-arg BASE=$(BASE)) bin/image

include mk/fuzz.mk
include mk/soak.mk

clean:
	rm -rf bin tests/build
	-$(MAKE) -C xv6 clean
