#include "textflag.h"

// func Call(code uintptr, ctx, mem unsafe.Pointer, left uint64) (reason, leftOut uint64)
//
// BL saves the return address in R30 (LR), which the generated code keeps
// and returns through. The frame saves the old LR, as for any non-leaf
// function (the assembler's prologue does it because the frame is not
// empty).
TEXT ·Call(SB), NOSPLIT, $16-48
	MOVD code+0(FP), R0
	MOVD ctx+8(FP), R26
	MOVD mem+16(FP), R25
	MOVD left+24(FP), R24
	CALL (R0)
	MOVD R0, reason+32(FP)
	MOVD R24, leftOut+40(FP)
	RET

// func flushICache(start, end uintptr)
//
// Makes instructions written through the data side visible to
// instruction fetch: clean the data cache lines to the point of
// unification, then invalidate the instruction cache lines, with the
// barriers in between. 64-byte lines are assumed (the smallest line any
// arm64 core we run on reports; a smaller step would only repeat work).
TEXT ·flushICache(SB), NOSPLIT, $0-16
	MOVD start+0(FP), R0
	MOVD end+8(FP), R1
	AND  $~63, R0, R2
dcloop:
	CMP  R1, R2
	BHS  dcdone
	WORD $0xd50b7b22 // dc cvau, x2
	ADD  $64, R2
	B    dcloop
dcdone:
	DSB  $0xb        // dsb ish
	AND  $~63, R0, R2
icloop:
	CMP  R1, R2
	BHS  icdone
	WORD $0xd50b7522 // ic ivau, x2
	ADD  $64, R2
	B    icloop
icdone:
	DSB  $0xb
	ISB  $0xf
	RET
