// Fixed-width integer names used throughout the kernel and user space.
#pragma once

typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long uint64;
typedef unsigned int uint;

// A page-table page: 512 PTEs.
typedef uint64 pte_t;
typedef uint64 *pagetable_t;
