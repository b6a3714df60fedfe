// SPDX-License-Identifier: ISC
/*
 * Deliberately dead facilities (ground truth for mirage-audit facilities, see
 * truth.txt): global functions that nothing calls and nothing takes the
 * address of, kept because the link has no --gc-sections. Their names are
 * the ones the facility catalogue knows: a libc-style execve() shim
 * (process-spawning), dlopen()/dlsym() stubs (dynamic-loading) and a
 * mirage-crypto-style mc_ helper (crypto).
 */
#include <stddef.h>
#include <stdint.h>

#include "syscall.h"

#define SYS_EXECVE 59
#define ENOSYS 38

int execve(const char *path, char *const argv[], char *const envp[]);
void *dlopen(const char *file, int mode);
void *dlsym(void *handle, const char *name);
void mc_xor_into(const uint8_t *src, uint8_t *dst, size_t n);

static int dl_errno;

/* A shim like a libc's: the raw system call, -1 and the error on failure. */
int execve(const char *path, char *const argv[], char *const envp[])
{
	long r = sys_call3(SYS_EXECVE, (long)path, (long)argv, (long)envp);

	if (r < 0) {
		dl_errno = (int)-r;
		return -1;
	}
	return 0;
}

/* No loader in a unikernel: both fail, as a static libc's stubs do. */
void *dlopen(const char *file, int mode)
{
	dl_errno = file && mode ? ENOSYS : ENOSYS + 1;
	return NULL;
}

void *dlsym(void *handle, const char *name)
{
	dl_errno = handle && name && *name ? ENOSYS : ENOSYS + 2;
	return NULL;
}

/* mirage-crypto's xor helper, byte by byte: dst ^= src. */
void mc_xor_into(const uint8_t *src, uint8_t *dst, size_t n)
{
	while (n--)
		*dst++ ^= *src++;
}
