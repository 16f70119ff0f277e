# rvemu: the two commands a newcomer needs are `make run` and `make test`.
# Both set up what they need (the Debian cross compiler included).

GO       ?= go
RVEMU    := bin/rvemu
GOFILES  := $(shell find . -name '*.go' -not -path './ext/*' 2>/dev/null)

.PHONY: all build setup xv6 guests test test-race test-largeram test-arm64 test-e2e cross dist vet run bench bench-class labs image clean

all: build

setup:
	@sh scripts/setup-debian.sh

build: $(RVEMU)

# Static (no cgo, so no glibc version to match) like the release builds.
# -buildvcs=auto: the commit goes into the binary (rvemu version) even when
# GOFLAGS says otherwise (Go cannot stamp from a git worktree, golang/go#58218).
$(RVEMU): $(GOFILES) go.mod go.sum
	CGO_ENABLED=0 $(GO) build -buildvcs=auto -o $(RVEMU) ./cmd/rvemu

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

# Boards of 3-4 GiB, whose RAM is committed only where touched: checked
# without the race detector, whose shadow memory for them is neither small
# nor quick.
test-largeram:
	$(GO) test -count=1 -run LargeRAM ./bus ./machine ./cmd/rvemu

# The platforms rvemu is built for; `make cross` compiles every package
# for each (CGO_ENABLED=0, as released), `make dist` builds the binaries.
PLATFORMS := linux/amd64 linux/arm64 darwin/arm64 darwin/amd64 windows/amd64 freebsd/amd64

cross:
	@set -e; for p in $(PLATFORMS); do \
		echo "cross: $$p"; \
		CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build ./...; \
	done

# The unit tests of the portable packages (all but the end-to-end tests,
# the Linux-only tools bench, soak and labs, and the class grader's sandbox
# and class, whose tests start processes in new namespaces, which qemu-user
# cannot do) built for linux/arm64 and run under Debian's qemu-user. Tests that start the test binary again go through
# qemu-aarch64 too (RVEMU_TEST_EXEC); the tests of the terminal guard
# (TestGuard*) are left to the native run: the guard starts rvemu's binary
# as a second process, which a qemu-user process cannot do without binfmt.
# So are the other tests that put rvemu on a terminal (ARM64_SKIP): on a
# terminal rvemu starts its guard too, and under qemu-user about one such
# start in 20-30 never reached the guest (no output at all, one process,
# seen in TestCtrlACMonitor; never in the native runs). They
# run natively in make test.
ARM64_SKIP = ^(TestGuard|TestTerminalCtrlAXQuits|TestCtrlACMonitor|TestBootMonitorFlag|TestSpinningGuestCannotStarveQuit)
ARM64_PKGS = $$($(GO) list ./... | grep -v -e '/tests$$' -e '/bench$$' -e '/soak$$' -e '/labs$$' -e '/sandbox$$' -e '/class$$')

test-arm64: setup
	GOARCH=arm64 CGO_ENABLED=0 RVEMU_TEST_EXEC=qemu-aarch64 $(GO) test -count=1 -timeout 15m \
		-exec qemu-aarch64 -skip '$(ARM64_SKIP)' $(ARM64_PKGS)

test-e2e: build xv6 guests
	$(GO) test -count=1 -timeout 20m ./tests/...

test: setup vet cross test-race test-largeram test-arm64 test-e2e

# Release binaries: static, stripped, one per platform, with SHA256SUMS.
# The version, commit and commit date come from the Go toolchain's build
# information (rvemu version), so the tree's git state is what they name.
DIST := dist

dist:
	rm -rf $(DIST) && mkdir -p $(DIST)
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "dist: $(DIST)/rvemu-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -buildvcs=auto -trimpath -ldflags='-s -w' \
			-o $(DIST)/rvemu-$$os-$$arch$$ext ./cmd/rvemu; \
	done
	cd $(DIST) && sha256sum rvemu-* > SHA256SUMS && cat SHA256SUMS

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

# Class-grading throughput (a benchmark, not a test): `rvemu class` on the
# same submissions with rvemu and with the qemu-system-riscv64 on PATH
# playing the machine, alternating, ROUNDS times; prints submissions graded
# per hour, their medians and the ratio, with the load average of each run.
# GRADER=lab tree (starter) SUBMISSIONS=folder of submissions; CLASS_FLAGS
# passes more options of rvemu class (e.g. -j 2). Grades run in network
# namespaces holding only lo, as every rvemu class grade does. The compiler
# cache is warmed once (untimed) and each run starts from a copy of it
# (CLASS_FLAGS=--build-cache off: none).
bench-class: build
	@test -n "$(GRADER)" -a -n "$(SUBMISSIONS)" || { echo "make bench-class: set GRADER=LABTREE SUBMISSIONS=DIR (ROUNDS=2, CLASS_FLAGS=...)"; exit 2; }
	sh scripts/bench-class.sh $(GRADER) $(SUBMISSIONS) $(or $(ROUNDS),2) $(CLASS_FLAGS)

# The class grader's container image (deploy/Dockerfile, deploy/README.md):
# ENGINE=docker|podman, IMAGE=name, BASE=a Debian 12 image.
ENGINE ?= docker
IMAGE ?= rvemu-class
image:
	@mkdir -p bin/image
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -buildvcs=auto -trimpath -o bin/image/rvemu ./cmd/rvemu
	$(ENGINE) build -f deploy/Dockerfile -t $(IMAGE) $(if $(BASE),--build-arg BASE=$(BASE)) bin/image

include mk/fuzz.mk
include mk/soak.mk

clean:
	rm -rf bin tests/build $(DIST)
	-$(MAKE) -C xv6 clean
