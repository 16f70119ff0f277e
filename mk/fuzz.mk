# Fuzzing: `make fuzz` runs every fuzzer for FUZZTIME each, one after the
# other (the machine is shared, so one process at a time, niced). Plain
# `go test` (and so `make test`) already runs each fuzzer over its seed
# corpus in testdata/fuzz/; a failure found here lands there as a new seed.
# Included from the top-level Makefile: include mk/fuzz.mk

FUZZTIME ?= 1m
FUZZERS  := ./cpu:FuzzExecute ./cpu:FuzzEngines ./virtio:FuzzDescriptorChains ./virtio:FuzzRegisters ./gdbstub:FuzzPackets ./loader:FuzzLoad ./e1000:FuzzGuest ./usernet:FuzzParsers ./usernet:FuzzDNSAnswer ./framefmt:FuzzFormat

.PHONY: fuzz
fuzz:
	@set -e; for f in $(FUZZERS); do \
		pkg=$${f%%:*}; name=$${f##*:}; dir=$$pkg/testdata/fuzz/$$name; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		before=$$(ls $$dir 2>/dev/null | wc -l); \
		nice -n 10 $(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1 && continue; \
		if [ "$$(ls $$dir 2>/dev/null | wc -l)" -gt "$$before" ]; then echo "fuzz: $$name found a failing input in $$dir"; exit 1; fi; \
		echo "fuzz: $$name ended in error without a failing input (Go 1.26's fuzztime deadline race, golang/go#75804): not a finding"; \
	done

# The QEMU command-line parser and the whole user network (both ends).
FUZZERS  += ./qemucli:FuzzParse ./usernet:FuzzNet

# QEMU monitor command lines against a board whose page table is fuzzed too.
FUZZERS  += ./monitor:FuzzExec
