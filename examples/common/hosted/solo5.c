// SPDX-License-Identifier: ISC
/* The device-independent Solo5 calls of the hosted platform: console, clocks, exit, yield. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "hosted.h"

void solo5_console_write(const char *buf, size_t size)
{
	while (size) {
		ssize_t n = write(STDOUT_FILENO, buf, size);

		if (n <= 0)
			return;
		buf += n;
		size -= (size_t)n;
	}
}

void solo5_exit(int status)
{
	exit(status);
}

void solo5_abort(void)
{
	solo5_console_write("solo5: abort\n", 13);
	_exit(SOLO5_EXIT_ABORT);
}

static solo5_time_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts))
		solo5_abort();
	return (solo5_time_t)ts.tv_sec * 1000000000ULL + (solo5_time_t)ts.tv_nsec;
}

solo5_time_t solo5_clock_monotonic(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

solo5_time_t solo5_clock_wall(void)
{
	return clock_ns(CLOCK_REALTIME);
}

/*
 * A net device backed by a file has input until it has replayed its last
 * frame; after that only the deadline can end the wait.
 */
void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
	solo5_handle_set_t ready = 0;
	uint32_t i;

	for (i = 1; hosted_mft && i < hosted_mft->entries; i++)
		if (hosted_mft->e[i].type == MFT_DEV_NET_BASIC && hosted_mft->e[i].attached &&
		    !hosted_net_eof[i])
			ready |= 1ULL << i;
	if (!ready) {
		solo5_time_t now = solo5_clock_monotonic();

		if (deadline > now) {
			struct timespec ts = {
				.tv_sec = (time_t)((deadline - now) / 1000000000ULL),
				.tv_nsec = (long)((deadline - now) % 1000000000ULL),
			};

			nanosleep(&ts, NULL);
		}
	}
	if (ready_set)
		*ready_set = ready;
}
