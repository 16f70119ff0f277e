# Fuzzing: `make fuzz` runs every fuzzer for FUZZTIME each, one after the
# other (the machine is shared, so one process at a time, niced). Plain
# `go test` (and so `make test`) already runs each fuzzer over its seed
# corpus in testdata/fuzz/; a failure found here lands there as a new seed.
# Included from the top-level Makefile: include mk/fuzz.mk

FUZZTIME ?= 1m
FUZZERS  := ./cpu:FuzzExecute ./virtio:FuzzDescriptorChains ./virtio:FuzzRegisters ./gdbstub:FuzzPackets ./loader:FuzzLoad ./e1000:FuzzGuest ./usernet:FuzzParsers ./usernet:FuzzDNSAnswer

.PHONY: fuzz
fuzz:
	@set -e; for f in $(FUZZERS); do \
		pkg=$${f%%:*}; name=$${f##*:}; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		nice -n 10 $(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1; \
	done

# The QEMU command-line parser and the whole user network (both ends).
FUZZERS  += ./qemucli:FuzzParse ./usernet:FuzzNet
