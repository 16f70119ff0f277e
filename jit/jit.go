// Package jit holds what translated guest code needs from the host: memory
// whose code is written and then published executable (never writable and
// executable at once), and the
// assembly trampoline that enters it from Go and comes back with an exit
// reason. The translation itself lives with the CPU it translates for.
//
// Conventions of the code entered through Call (amd64): R15 holds ctx, R14
// holds mem, R13 the budget left; the code returns (RET) with its exit
// reason in RAX and the budget left in R13. It may clobber every other
// general-purpose register except RSP and RBP, and must not use the stack
// beyond the return address Call pushed. On arm64: R26 ctx, R25 mem, R24
// the budget; the code returns (RET through R30, which it must keep) with
// the reason in R0 and the budget in R24; R18, R28 (g), R29 and RSP are
// kept.
package jit

import "unsafe"

var _ unsafe.Pointer // Call's signature names it on the supported hosts
