# Soak: `make soak` (not part of `make test`) runs our xv6's nettests
# SOAK_NETTESTS times and stress SOAK_STRESS times in one rvemu process
# under host UDP load on loopback, and reports failures, RSS, goroutines
# and frame counts (soak/). Niced: the machine is shared.
# Included from the top-level Makefile: include mk/soak.mk

SOAK_NETTESTS ?= 200
SOAK_STRESS   ?= 20
SOAK_OUT      ?=

.PHONY: soak
soak: build setup
	nice -n 10 $(GO) run ./soak -rvemu $(RVEMU) -nettests $(SOAK_NETTESTS) -stress $(SOAK_STRESS) $(if $(SOAK_OUT),-out $(SOAK_OUT))
