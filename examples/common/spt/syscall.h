/* SPDX-License-Identifier: ISC */
/* Raw x86-64 Linux system calls for the freestanding spt guest (no libc). */
#ifndef MA_EXAMPLES_SPT_SYSCALL_H
#define MA_EXAMPLES_SPT_SYSCALL_H

#include <stdint.h>

#define SYS_READ 0
#define SYS_WRITE 1
#define SYS_PREAD64 17
#define SYS_PWRITE64 18
#define SYS_NANOSLEEP 35
#define SYS_CLOCK_GETTIME 228
#define SYS_EXIT_GROUP 231

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

struct sys_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* Return the raw kernel result: >= 0 on success, -errno on failure. */
static inline long sys_call1(long n, long a)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
	return r;
}

static inline long sys_call2(long n, long a, long b)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return r;
}

static inline long sys_call3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

static inline long sys_call4(long n, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

#endif
