// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the L2 guest that make migrate moves between two QEMUs: it
 * writes one word of a random page of its buffer at a set rate, flat out
 * when the rate is 0, and prints its running count of writes ten times a
 * second on the console ("@@W n=<writes>").  The L1 driver (migrate-run)
 * timestamps those lines, so the guest's throughput before, during and
 * after the migration is measured on the L1 clock, blackout included.
 *
 * Kernel command line: w.rate=<writes per second, 0: no limit>
 * w.buf=<buffer MiB>.  Static, no libc beyond what glibc's static
 * startup needs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>

#define PAGE		4096UL
#define REPORT_NS	100000000ULL

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned long cmdline_ul(const char *cmdline, const char *key,
				unsigned long def)
{
	const char *p = strstr(cmdline, key);

	return p ? strtoul(p + strlen(key), NULL, 0) : def;
}

int main(void)
{
	char cmdline[4096] = "";
	unsigned long rate, buf_mib, npages;
	uint64_t x = 0x9e3779b97f4a7c15ULL, n = 0, last, next;
	double credit = 0;
	volatile uint64_t *buf;
	FILE *f;

	mount("proc", "/proc", "proc", 0, NULL);
	f = fopen("/proc/cmdline", "r");
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	rate = cmdline_ul(cmdline, "w.rate=", 0);
	buf_mib = cmdline_ul(cmdline, "w.buf=", 256);
	npages = buf_mib * (1024 * 1024 / PAGE);

	buf = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		printf("@@W error: cannot map %lu MiB\n", buf_mib);
		for (;;)
			pause();
	}
	/* Every page written once, so that the whole buffer is guest RAM in use. */
	for (unsigned long i = 0; i < npages; i++)
		buf[i * PAGE / 8] = i;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("@@W ready rate=%lu buf=%lu\n", rate, buf_mib);
	last = now_ns();
	next = last + REPORT_NS;
	for (;;) {
		uint64_t t = now_ns();

		if (t >= next) {
			printf("@@W n=%llu\n", (unsigned long long)n);
			next += REPORT_NS;
			if (next < t)
				next = t + REPORT_NS;
		}
		/*
		 * Paced in slices of 64 writes.  Time the guest did not get
		 * (write faults, a throttle, the blackout) is not made up for
		 * later beyond 10 ms worth of writes: what it could not write
		 * then is lost work, as for a guest serving requests.
		 */
		if (rate) {
			credit += (double)rate * (t - last) / 1e9;
			last = t;
			if (credit > 64 + rate / 100.0)
				credit = 64 + rate / 100.0;
			if (credit < 64) {
				struct timespec d = { 0, 200000 };

				nanosleep(&d, NULL);
				continue;
			}
			credit -= 64;
		}
		for (int i = 0; i < 64; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[(x % npages) * PAGE / 8 + (x >> 59)] = n + i;
		}
		n += 64;
	}
}
