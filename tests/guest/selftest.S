/* The harness's own check: a program whose check 7 fails on purpose, so
 * the tests prove a failure is reported (finisher code 7 and the FAIL line)
 * rather than passing silently. */
#include "guest.h"

	.text
	.globl main
main:
	PUTS "selftest: start\n"
	li a0, 1
	CHECK 6, a0, 1
	CHECK 7, a0, 2
	PUTS "selftest: not reached\n"
	li a0, 0
	ret
