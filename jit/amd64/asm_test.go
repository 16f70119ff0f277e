package amd64

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/arch/x86/x86asm"
)

// disasm decodes code completely into Intel-syntax lines.
func disasm(t *testing.T, code []byte) []string {
	t.Helper()
	var out []string
	for len(code) > 0 {
		in, err := x86asm.Decode(code, 64)
		require.NoError(t, err, "bytes % x", code)
		out = append(out, x86asm.IntelSyntax(in, 0, nil))
		code = code[in.Len:]
	}
	return out
}

func TestEncodings(t *testing.T) {
	tests := []struct {
		name string
		emit func(a *Asm)
		want string
	}{
		{"add r,r", func(a *Asm) { a.AluRR(ADD, RAX, RBX) }, "add rax, rbx"},
		{"sub r15,r8", func(a *Asm) { a.AluRR(SUB, R15, R8) }, "sub r15, r8"},
		{"cmp r,m", func(a *Asm) { a.AluRM(CMP, RCX, M(R15, 0x108)) }, "cmp rcx, qword ptr [r15+0x108]"},
		{"or r,m r13 base", func(a *Asm) { a.AluRM(OR, RCX, M(R13, 0)) }, "or rcx, qword ptr [r13]"},
		{"and r,m r12 base", func(a *Asm) { a.AluRM(AND, RDX, M(R12, 8)) }, "and rdx, qword ptr [r12+0x8]"},
		{"xor m,r", func(a *Asm) { a.AluMR(XOR, M(RSP, -8), RSI) }, "xor qword ptr [rsp-0x8], rsi"},
		{"add r,imm8", func(a *Asm) { a.AluRI(ADD, RDI, -5) }, "add rdi, -0x5"},
		{"and r,imm32", func(a *Asm) { a.AluRI(AND, R9, 0xfff0) }, "and r9, 0xfff0"},
		{"cmp m,imm", func(a *Asm) { a.AluMI(CMP, M(R15, 16), 3) }, "cmp qword ptr [r15+0x10], 0x3"},
		{"xor32", func(a *Asm) { a.Alu32RR(XOR, R10, R10) }, "xor r10d, r10d"},
		{"and32 imm", func(a *Asm) { a.Alu32RI(AND, RCX, 0xfff) }, "and ecx, 0xfff"},
		{"mov r,r", func(a *Asm) { a.MovRR(R11, RBX) }, "mov r11, rbx"},
		{"mov32", func(a *Asm) { a.Mov32RR(RAX, R9) }, "mov eax, r9d"},
		{"mov r,m idx", func(a *Asm) { a.MovRM(RAX, MI(R14, RAX, 0)) }, "mov rax, qword ptr [r14+rax]"},
		{"mov r,m r13 idx", func(a *Asm) { a.MovRM(RAX, MI(R13, RDX, 0)) }, "mov rax, qword ptr [r13+rdx]"},
		{"mov m,r disp32", func(a *Asm) { a.MovMR(M(R15, 0x1234), R12) }, "mov qword ptr [r15+0x1234], r12"},
		{"mov m,imm", func(a *Asm) { a.MovMI(M(R15, 8), -1) }, "mov qword ptr [r15+0x8], -0x1"},
		{"mov imm32 zx", func(a *Asm) { a.MovRI(R8, 0x80001000) }, "mov r8d, -0x7ffff000"},
		{"mov imm sx", func(a *Asm) { a.MovRI(RAX, 0xffffffffffff0000) }, "mov rax, -0x10000"},
		{"mov imm64", func(a *Asm) { a.MovRI(RBX, 0x3ffffff000) }, "mov rbx, 0x3ffffff000"},
		{"mov 0", func(a *Asm) { a.MovRI(RSI, 0) }, "xor esi, esi"},
		{"movsx8", func(a *Asm) { a.LoadRM(RSI, MI(R14, RAX, 0), W8, true) }, "movsx rsi, byte ptr [r14+rax]"},
		{"movzx8", func(a *Asm) { a.LoadRM(R9, MI(R14, RAX, 0), W8, false) }, "movzx r9d, byte ptr [r14+rax]"},
		{"movsx16", func(a *Asm) { a.LoadRM(RAX, MI(R14, RAX, 0), W16, true) }, "movsx rax, word ptr [r14+rax]"},
		{"movzx16", func(a *Asm) { a.LoadRM(RAX, MI(R14, RAX, 0), W16, false) }, "movzx eax, word ptr [r14+rax]"},
		{"movsxd m", func(a *Asm) { a.LoadRM(RDI, MI(R14, RAX, 0), W32, true) }, "movsxd rdi, dword ptr [r14+rax]"},
		{"mov32 m", func(a *Asm) { a.LoadRM(RDI, MI(R14, RAX, 0), W32, false) }, "mov edi, dword ptr [r14+rax]"},
		{"store8 sil", func(a *Asm) { a.StoreMR(MI(R14, RAX, 0), RSI, W8) }, "mov byte ptr [r14+rax], sil"},
		{"store8 al", func(a *Asm) { a.StoreMR(M(RDX, 0), RAX, W8) }, "mov byte ptr [rdx], al"},
		{"store16", func(a *Asm) { a.StoreMR(MI(R14, RAX, 0), R9, W16) }, "mov word ptr [r14+rax], r9w"},
		{"store32", func(a *Asm) { a.StoreMR(MI(R14, RAX, 0), RBX, W32) }, "mov dword ptr [r14+rax], ebx"},
		{"store64", func(a *Asm) { a.StoreMR(MI(R14, RAX, 0), RBX, W64) }, "mov qword ptr [r14+rax], rbx"},
		{"movsxd r", func(a *Asm) { a.Movsxd(RAX, R10) }, "movsxd rax, r10d"},
		{"movzx8 r", func(a *Asm) { a.Movzx8(RAX, RAX) }, "movzx eax, al"},
		{"lea", func(a *Asm) { a.Lea(RAX, M(RBX, -2048)) }, "lea rax, ptr [rbx+0xfffff800]"},
		{"shl imm", func(a *Asm) { a.ShiftRI(SHL, R8, 12, true) }, "shl r8, 0xc"},
		{"sar32 imm", func(a *Asm) { a.ShiftRI(SAR, RAX, 3, false) }, "sar eax, 0x3"},
		{"shr cl", func(a *Asm) { a.ShiftRCL(SHR, RSI, true) }, "shr rsi, cl"},
		{"imul", func(a *Asm) { a.ImulRR(RAX, R11, true) }, "imul rax, r11"},
		{"imul32", func(a *Asm) { a.ImulRR(RAX, RBX, false) }, "imul eax, ebx"},
		{"mul", func(a *Asm) { a.UnaryR(MUL, RCX, true) }, "mul rcx"},
		{"idiv32", func(a *Asm) { a.UnaryR(IDIV, RCX, false) }, "idiv ecx"},
		{"neg", func(a *Asm) { a.UnaryR(NEG, RAX, true) }, "neg rax"},
		{"cqo", func(a *Asm) { a.Cqo() }, "cqo"},
		{"cdq", func(a *Asm) { a.Cdq() }, "cdq"},
		{"test", func(a *Asm) { a.TestRR(RCX, RCX) }, "test rcx, rcx"},
		{"setl", func(a *Asm) { a.Setcc(CondL, RAX) }, "setl al"},
		{"setb sil", func(a *Asm) { a.Setcc(CondB, RSI) }, "setb sil"},
		{"cmove", func(a *Asm) { a.Cmovcc(CondE, RAX, R12) }, "cmovz rax, r12"},
		{"jmp m", func(a *Asm) { a.JmpM(M(R15, 0x40)) }, "jmp qword ptr [r15+0x40]"},
		{"jmp r", func(a *Asm) { a.JmpR(RAX) }, "jmp rax"},
		{"ret", func(a *Asm) { a.Ret() }, "ret"},
		{"cmp32 scaled", func(a *Asm) { a.Cmp32MI(MIS(RAX, RDX, 4, 0), 0) }, "cmp dword ptr [rax+4*rdx], 0x0"},
		{"cmp8", func(a *Asm) { a.Cmp8MI(M(R15, 0x120), 1) }, "cmp byte ptr [r15+0x120], 0x1"},
		{"test32", func(a *Asm) { a.Test32RI(RAX, 7) }, "test eax, 0x7"},
		{"testm", func(a *Asm) { a.TestMI(M(R15, 8), 0x100000) }, "test qword ptr [r15+0x8], 0x100000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a Asm
			tc.emit(&a)
			code, err := a.Finish(0)
			require.NoError(t, err)
			require.Equal(t, []string{tc.want}, disasm(t, code))
		})
	}
}

func TestLabels(t *testing.T) {
	var a Asm
	top := a.NewLabel()
	end := a.NewLabel()
	a.Bind(top)
	a.AluRR(CMP, RAX, RBX)
	a.Jcc(CondE, end)
	a.AluRI(ADD, RAX, 1)
	a.Jmp(top)
	a.Bind(end)
	a.Ret()
	code, err := a.Finish(0)
	require.NoError(t, err)
	require.Equal(t, []string{
		"cmp rax, rbx",
		"jz .+0x9",
		"add rax, 0x1",
		"jmp .-0x12",
		"ret",
	}, disasm(t, code))
}

func TestRipSlot(t *testing.T) {
	var a Asm
	a.JmpAbsM(0x10000 + 0x100)
	code, err := a.Finish(0x10000)
	require.NoError(t, err)
	require.Equal(t, []string{"jmp qword ptr [rip+0xfa]"}, disasm(t, code))
	_, err = (&Asm{ripFixups: []ripFixup{{at: 0, end: 4, target: 1 << 40}}, buf: make([]byte, 4)}).Finish(0)
	require.Error(t, err)
}

func TestUnboundLabel(t *testing.T) {
	var a Asm
	a.Jmp(a.NewLabel())
	_, err := a.Finish(0)
	require.Error(t, err)
}
