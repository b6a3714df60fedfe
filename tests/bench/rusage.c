/* SPDX-License-Identifier: ISC */
/* Runs one command with stdout on /dev/null and prints its wall time and peak RSS. */

/*
 * usage: rusage COMMAND [ARG...]
 *
 * Prints one line "SECONDS PEAK_KIB CPU_SECONDS" on stdout: the wall time from fork to
 * reap (CLOCK_MONOTONIC), ru_maxrss from wait4(), which on Linux is in KiB and covers the
 * command and every descendant it waited for, and user plus system CPU time, which other
 * load on the machine disturbs less than wall time.  The command's stdin and stdout are
 * /dev/null; its stderr is ours.  The exit status is the command's, 128+N if it was
 * killed by signal N, 127 if it could not be run, and 2 for a usage or system error.
 *
 * This replaces /usr/bin/time -f '%e %M' (Debian package "time"), which is not always
 * installed and prints only centiseconds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

/* In the child: never returns. */
static void run_child(char **argv)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "rusage: cannot redirect to '/dev/null': %s\n", strerror(errno));
		_exit(127);
	}
	if (fd > STDOUT_FILENO)
		close(fd);
	execvp(argv[0], argv);
	fprintf(stderr, "rusage: cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	pid_t pid, r;
	int status;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs("usage: rusage COMMAND [ARG...]\n", argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	/* Flush now, or the child would inherit and repeat our buffered output. */
	fflush(stdout);
	t0 = now();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rusage: cannot fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0)
		run_child(argv + 1);
	do
		r = wait4(pid, &status, 0, &ru);
	while (r < 0 && errno == EINTR);
	t1 = now();
	if (r < 0) {
		fprintf(stderr, "rusage: cannot wait for '%s': %s\n", argv[1], strerror(errno));
		return 2;
	}
	printf("%.6f %ld %.6f\n", t1 - t0, ru.ru_maxrss, tv_seconds(&ru.ru_utime) +
	       tv_seconds(&ru.ru_stime));
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "rusage: cannot write the result: %s\n", strerror(errno));
		return 2;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
