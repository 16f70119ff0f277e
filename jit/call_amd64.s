#include "textflag.h"

// func Call(code uintptr, ctx, mem unsafe.Pointer, left uint64) (reason, leftOut uint64)
//
// The frame holds the registers generated code clobbers that Go code
// after us may still expect (R14 is g in ABIInternal; the wrapper restores
// it too, but keeping it costs two moves). The generated code runs on this
// goroutine's stack with nothing below the return address CALL pushes.
TEXT ·Call(SB), NOSPLIT, $16-48
	MOVQ R14, 0(SP)
	MOVQ R15, 8(SP)
	MOVQ code+0(FP), AX
	MOVQ ctx+8(FP), R15
	MOVQ mem+16(FP), R14
	MOVQ left+24(FP), R13
	CALL AX
	MOVQ AX, reason+32(FP)
	MOVQ R13, leftOut+40(FP)
	MOVQ 0(SP), R14
	MOVQ 8(SP), R15
	RET
