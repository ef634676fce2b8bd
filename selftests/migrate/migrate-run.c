// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-run: one live migration of an L2 guest between two QEMUs in the
 * rig's guest (make migrate, and make check's migrate.* entries).
 *
 * The L2 guest (l2-writer) writes random pages of its buffer at a set rate
 * and prints its count of writes; this driver timestamps those lines on the
 * L1 clock.  It starts a source and a paused destination QEMU
 * (-incoming), lets the writer settle, migrates over a unix socket with
 * QEMU's default dirty logging (KVM_GET_DIRTY_LOG + KVM_CLEAR_DIRTY_LOG) or
 * the dirty ring, polls query-migrate and the source VM's KVM stats, and,
 * when the migration completes, compares the RAM of the stopped source with
 * that of the destination page by page before letting the destination run.
 * The control: after it has run, the destination's RAM must differ from the
 * source's, or the comparison proves nothing.
 *
 * It prints one "@@MIG key=value..." line, "@@ROUND" lines (one per dirty
 * sync) and "@@CURVE" lines (the guest's writes per second in 250 ms bins,
 * time 0 at the start of the migration; the destination's pause for the
 * comparison is cut out of the time axis).  Exit 1 when the RAM differs or
 * the control finds no difference; with -c also when the migration did not
 * converge or the strategy is not the one asked for.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define DIR_MIG		"/tmp/mig"
#define RAM_BASE	0x40000000ULL
#define PAGE		4096
#define MAX_SAMPLES	(1 << 16)
#define BIN_S		0.25

struct sample {
	double t;
	unsigned long long n;
};

struct qemu {
	const char *side;
	pid_t pid;
	int out;		/* the L2 console (-serial stdio) */
	int qmp;
	FILE *log;		/* the L2 console, kept */
	char line[4096];
	int len;
	int ready;
	struct sample *s;
	int ns;
};

static struct qemu src = { .side = "src" }, dst = { .side = "dst" };
static const char *name = "run", *strategy = "dbm";
static char qbuf[65536];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The guest's files die with it: the last lines of the logs go to the console. */
static void show_logs(void)
{
	static const char * const logs[] = { "src.err", "dst.err", "src.console", "dst.console" };
	char cmd[256];

	fflush(NULL);
	for (unsigned int i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		snprintf(cmd, sizeof(cmd), "tail -n 15 " DIR_MIG "/%s 2>/dev/null | sed 's|^|%s: |'",
			 logs[i], logs[i]);
		if (system(cmd) < 0)
			break;
	}
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	printf("migrate-run %s: error: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (src.pid > 0)
		kill(src.pid, SIGKILL);
	if (dst.pid > 0)
		kill(dst.pid, SIGKILL);
	show_logs();
	exit(2);
}

/* One line of the L2 console: a count sample, or kept in the log. */
static void console_line(struct qemu *q, char *l, double t)
{
	char *p = strstr(l, "@@W n=");

	fprintf(q->log, "[%.3f] %s\n", t, l);
	if (p && q->ns < MAX_SAMPLES) {
		q->s[q->ns].t = t;
		q->s[q->ns].n = strtoull(p + 6, NULL, 10);
		q->ns++;
	} else if (strstr(l, "@@W ready")) {
		q->ready = 1;
	} else if (strstr(l, "@@W")) {
		printf("%s: %s\n", q->side, l);
	}
}

/* Read whatever the consoles have for up to @ms milliseconds. */
static void pump(int ms)
{
	double end = now() + ms / 1000.0;
	struct qemu *qs[2] = { &src, &dst };

	do {
		struct pollfd p[2] = { { src.out, POLLIN, 0 }, { dst.out, POLLIN, 0 } };
		int left = (int)((end - now()) * 1000);

		if (poll(p, 2, left > 0 ? left : 0) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (int i = 0; i < 2; i++) {
			struct qemu *q = qs[i];
			ssize_t r;

			if (!(p[i].revents & (POLLIN | POLLHUP)) || q->out < 0)
				continue;
			r = read(q->out, q->line + q->len, sizeof(q->line) - 1 - q->len);
			if (r <= 0) {
				close(q->out);
				q->out = -1;
				continue;
			}
			q->len += r;
			for (;;) {
				char *nl = memchr(q->line, '\n', q->len);
				int l;

				if (!nl) {
					if (q->len == sizeof(q->line) - 1)
						q->len = 0;
					break;
				}
				*nl = 0;
				if (nl > q->line && nl[-1] == '\r')
					nl[-1] = 0;
				console_line(q, q->line, now());
				l = nl + 1 - q->line;
				memmove(q->line, nl + 1, q->len - l);
				q->len -= l;
			}
		}
	} while (now() < end);
}

static void spawn(struct qemu *q, char **argv)
{
	int p[2], err;
	char path[128];

	snprintf(path, sizeof(path), DIR_MIG "/%s.console", q->side);
	q->log = fopen(path, "w");
	snprintf(path, sizeof(path), DIR_MIG "/%s.err", q->side);
	err = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!q->log || err < 0 || pipe(p))
		die("cannot set up %s's console: %s", q->side, strerror(errno));
	q->s = calloc(MAX_SAMPLES, sizeof(*q->s));
	q->pid = fork();
	if (q->pid < 0)
		die("fork: %s", strerror(errno));
	if (!q->pid) {
		int null = open("/dev/null", O_RDONLY);

		/* No QEMU outlives the driver, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);

		dup2(null, 0);
		dup2(p[1], 1);
		dup2(err, 2);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	close(err);
	q->out = p[0];
	fcntl(q->out, F_SETFL, O_NONBLOCK);
}

/* One line from QMP; the QMP socket is blocking. */
static char *qmp_line(struct qemu *q)
{
	size_t len = 0;

	for (;;) {
		char c;
		ssize_t r = read(q->qmp, &c, 1);

		if (r <= 0)
			die("%s QMP closed (QEMU exited?)", q->side);
		if (c == '\n')
			break;
		if (len < sizeof(qbuf) - 1)
			qbuf[len++] = c;
	}
	qbuf[len] = 0;
	return qbuf;
}

/* The reply to the last command: events ({"timestamp": ..., "event": ...}) are skipped. */
static char *qmp_read(struct qemu *q)
{
	for (;;) {
		char *l = qmp_line(q);

		if (!strncmp(l, "{\"return\"", 9) || !strncmp(l, "{\"error\"", 8))
			return l;
	}
}

static char *__attribute__((format(printf, 2, 3))) qmp(struct qemu *q, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int l;
	char *r;

	va_start(ap, fmt);
	l = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	cmd[l++] = '\n';
	if (write(q->qmp, cmd, l) != l)
		die("%s QMP write: %s", q->side, strerror(errno));
	r = qmp_read(q);
	if (strstr(r, "\"error\""))
		die("%s QMP %.*s: %s", q->side, l - 1, cmd, r);
	return r;
}

static void qmp_connect(struct qemu *q)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	double end = now() + 60;

	snprintf(a.sun_path, sizeof(a.sun_path), DIR_MIG "/%s.qmp", q->side);
	for (;;) {
		q->qmp = socket(AF_UNIX, SOCK_STREAM, 0);
		if (!connect(q->qmp, (struct sockaddr *)&a, sizeof(a)))
			break;
		close(q->qmp);
		if (now() > end || waitpid(q->pid, NULL, WNOHANG) == q->pid)
			die("%s QEMU gave no QMP socket; see " DIR_MIG "/%s.err", q->side, q->side);
		pump(100);
	}
	qmp_line(q);	/* the greeting */
	qmp(q, "{\"execute\":\"qmp_capabilities\"}");
}

/* The number after "key": in @s, searched from @from (or -1). */
static long long jnum(const char *s, const char *from, const char *key)
{
	char k[64];
	const char *p = s;

	if (from) {
		p = strstr(s, from);
		if (!p)
			return -1;
	}
	/* QEMU writes "key": value; a space after the colon or not. */
	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(p, k);
	return p ? strtoll(p + strlen(k), NULL, 10) : -1;
}

static int jstatus(const char *s, const char *want)
{
	char k[64];

	snprintf(k, sizeof(k), "\"status\": \"%s\"", want);
	if (strstr(s, k))
		return 1;
	snprintf(k, sizeof(k), "\"status\":\"%s\"", want);
	return strstr(s, k) != NULL;
}

/* The source VM's KVM stats in debugfs (<pid>-<fd>), or -1. */
static char statdir[512];

static void find_statdir(pid_t pid)
{
	char pre[32];
	struct dirent *d;
	DIR *dir = opendir("/sys/kernel/debug/kvm");

	snprintf(pre, sizeof(pre), "%d-", pid);
	while (dir && (d = readdir(dir)))
		if (!strncmp(d->d_name, pre, strlen(pre)))
			snprintf(statdir, sizeof(statdir), "/sys/kernel/debug/kvm/%s", d->d_name);
	if (dir)
		closedir(dir);
}

static long long stat_of(const char *stat)
{
	char path[600], v[32] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/%s", statdir, stat);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (read(fd, v, sizeof(v) - 1) < 0)
		v[0] = 0;
	close(fd);
	return strtoll(v, NULL, 10);
}

static void write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, v, strlen(v)) != (ssize_t)strlen(v))
		die("cannot write %s to %s: %s", v, path, strerror(errno));
	close(fd);
}

/* Pages that differ between two RAM dumps. */
static long long ram_diff(const char *a, const char *b, unsigned long long size)
{
	static char pa[1 << 20], pb[1 << 20];
	int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);
	long long diff = 0;

	if (fa < 0 || fb < 0)
		die("cannot open the RAM dumps %s, %s", a, b);
	for (unsigned long long off = 0; off < size; off += sizeof(pa)) {
		if (read(fa, pa, sizeof(pa)) != sizeof(pa) || read(fb, pb, sizeof(pb)) != sizeof(pb))
			die("short RAM dump");
		for (int i = 0; i < (int)sizeof(pa); i += PAGE)
			diff += memcmp(pa + i, pb + i, PAGE) != 0;
	}
	close(fa);
	close(fb);
	return diff;
}

static void dump(struct qemu *q, const char *file, unsigned long long size)
{
	qmp(q, "{\"execute\":\"pmemsave\",\"arguments\":{\"val\":%llu,\"size\":%llu,\"filename\":\"%s\"}}",
	    RAM_BASE, size, file);
}

/* The writer's count at time @t, interpolated between samples. */
static double count_at(struct qemu *q, double t)
{
	int i;

	if (!q->ns)
		return 0;
	if (t <= q->s[0].t)
		return q->s[0].n;
	for (i = 1; i < q->ns && q->s[i].t < t; i++)
		;
	if (i == q->ns)
		return q->s[q->ns - 1].n;
	return q->s[i - 1].n + (q->s[i].n - q->s[i - 1].n) *
	       (t - q->s[i - 1].t) / (q->s[i].t - q->s[i - 1].t);
}

static void curve(struct qemu *q, double from, double to, double shift)
{
	for (double t = from; t + BIN_S <= to + 1e-9; t += BIN_S)
		printf("@@CURVE %s %s %.2f %.0f\n", name, q->side, t + shift,
		       (count_at(q, t + BIN_S) - count_at(q, t)) / BIN_S);
}

/*
 * The source's trace: each dirty sync (migration_bitmap_sync_start..end:
 * KVM_GET_DIRTY_LOG of every slot and the bitmap merge) as "@@SYNC" lines,
 * their total and longest time, and the number of KVM_CLEAR_DIRTY_LOG calls.
 */
static void syncs_of_trace(double *total_ms, double *max_ms, long *clears)
{
	char l[512];
	double start = -1;
	int k = 0;
	FILE *f = fopen(DIR_MIG "/src.trace", "r");

	*total_ms = *max_ms = 0;
	*clears = 0;
	while (f && fgets(l, sizeof(l), f)) {
		char *at = strchr(l, '@');
		double t = at ? strtod(at + 1, NULL) : -1;
		char *e = strstr(l, "migration_bitmap_sync_end dirty_pages ");

		if (strstr(l, "migration_bitmap_sync_start")) {
			start = t;
		} else if (e && start >= 0 && t >= start) {
			double ms = (t - start) * 1000;

			printf("@@SYNC %s %d ms=%.2f dirty_pages=%s", name, ++k, ms,
			       e + strlen("migration_bitmap_sync_end dirty_pages "));
			*total_ms += ms;
			if (ms > *max_ms)
				*max_ms = ms;
			start = -1;
		} else if (strstr(l, "kvm_clear_dirty_log ")) {
			(*clears)++;
		}
	}
	if (f)
		fclose(f);
}

/* The last resort against a hang: the QEMUs go with the driver (PDEATHSIG). */
static void watchdog(int sig)
{
	static const char msg[] = "migrate-run: error: watchdog: no result in time, giving up\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(2);
}

static void usage(void)
{
	printf("usage: migrate-run [-n name] [-s dbm|wp|ring] [-r writes/s] [-m MiB] [-b MiB]\n"
	       "  [-l downtime-ms] [-w link-MiB/s] [-t timeout-s] [-a] [-e eager-split-bytes]\n"
	       "  [-H never|madvise] [-c]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long rate = 20000, mem = 512, buf = 256, downtime = 300, link = 32, timeout = 45;
	unsigned long eager = 0, warm = 4, after = 3;
	const char *thp = "madvise";
	int autoconv = 0, check = 0, opt, converged, failed = 0;
	char append[256], mach[128], accel[128], memsz[32], qmpa[128], qmpb[128];
	long long syncs = 0, last_syncs = 0, total_ms = -1, down_ms = -1, bytes = -1, remaining = -1;
	long long diff = -1, control = -1, hw0, harv0, wf0, tlbi0;
	long long hw, harv = -1, wf = -1, tlbi = -1;
	double t_ready, t0, t_end, t_stop, t_cont = 0, t_after = 0, steady, during, after_rate = -1;
	double lost, t_poll = 0, sync_ms, sync_max_ms;
	long clears;
	char *r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "n:s:r:m:b:l:w:t:ae:H:c")) != -1) {
		switch (opt) {
		case 'n': name = optarg; break;
		case 's': strategy = optarg; break;
		case 'r': rate = strtoul(optarg, NULL, 0); break;
		case 'm': mem = strtoul(optarg, NULL, 0); break;
		case 'b': buf = strtoul(optarg, NULL, 0); break;
		case 'l': downtime = strtoul(optarg, NULL, 0); break;
		case 'w': link = strtoul(optarg, NULL, 0); break;
		case 't': timeout = strtoul(optarg, NULL, 0); break;
		case 'a': autoconv = 1; break;
		case 'e': eager = strtoul(optarg, NULL, 0); break;
		case 'H': thp = optarg; break;
		case 'c': check = 1; break;
		default: usage();
		}
	}
	if (strcmp(strategy, "dbm") && strcmp(strategy, "wp") && strcmp(strategy, "ring"))
		usage();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, watchdog);
	/* L2 boot, warm-up, the migration, the comparisons: generous bounds. */
	alarm(timeout + 300);
	if (buf + 64 > mem)
		die("the buffer (%lu MiB) must leave the L2 kernel 64 MiB of %lu", buf, mem);

	mkdir(DIR_MIG, 0755);
	unlink(DIR_MIG "/mig.sock");
	unlink(DIR_MIG "/src.qmp");
	unlink(DIR_MIG "/dst.qmp");
	/*
	 * The strategy is chosen when the VM is created (kvm.stage2_dbm).  The
	 * ring runs with the parameter on: the kernel must keep
	 * write-protection for it by itself (-c checks hw_dirty_log is 0).
	 */
	if (access("/sys/module/kvm/parameters/stage2_dbm", W_OK) == 0)
		write_file("/sys/module/kvm/parameters/stage2_dbm", strcmp(strategy, "wp") ? "Y" : "N");
	else if (!strcmp(strategy, "dbm"))
		die("no kvm.stage2_dbm parameter: this kernel has no hardware dirty logging");
	write_file("/sys/kernel/mm/transparent_hugepage/enabled", thp);

	snprintf(append, sizeof(append), "console=ttyAMA0 quiet panic=-1 w.rate=%lu w.buf=%lu", rate, buf);
	snprintf(mach, sizeof(mach), "virt,gic-version=3");
	snprintf(accel, sizeof(accel), "kvm%s", !strcmp(strategy, "ring") ? ",dirty-ring-size=4096" : "");
	if (eager)
		snprintf(accel + strlen(accel), sizeof(accel) - strlen(accel), ",eager-split-size=%lu", eager);
	snprintf(memsz, sizeof(memsz), "%luM", mem);
	snprintf(qmpa, sizeof(qmpa), "unix:" DIR_MIG "/src.qmp,server=on,wait=off");
	snprintf(qmpb, sizeof(qmpb), "unix:" DIR_MIG "/dst.qmp,server=on,wait=off");
	{
		char *a[40] = { "/usr/bin/qemu-system-aarch64", "-M", mach, "-cpu", "host",
			"-accel", accel, "-smp", "1", "-m", memsz, "-nodefaults", "-display", "none",
			"-serial", "stdio", "-kernel", "/migrate/Image", "-initrd", "/migrate/l2.cpio",
			"-append", append, "-qmp" };
		int n = 23;

		a[n] = qmpa;
		/* The source's dirty syncs (GET) and CLEARs, timestamped. */
		a[n + 1] = "-msg";
		a[n + 2] = "timestamp=on";
		a[n + 3] = "-trace";
		a[n + 4] = "migration_bitmap_sync_*";
		a[n + 5] = "-trace";
		a[n + 6] = "kvm_clear_dirty_log,file=" DIR_MIG "/src.trace";
		spawn(&src, a);
		a[n] = qmpb;
		a[n + 1] = "-incoming";
		a[n + 2] = "unix:" DIR_MIG "/mig.sock";
		a[n + 3] = "-S";
		a[n + 4] = NULL;
		spawn(&dst, a);
	}
	qmp_connect(&src);
	qmp_connect(&dst);

	for (double end = now() + 180; !src.ready; pump(100))
		if (now() > end || src.out < 0)
			die("the L2 writer did not start in 180 s; see " DIR_MIG "/src.console");
	t_ready = now();
	pump(warm * 1000);
	find_statdir(src.pid);
	hw0 = stat_of("hw_dirty_log");
	harv0 = stat_of("hw_dirty_harvested");
	wf0 = stat_of("dirty_log_write_faults");
	tlbi0 = stat_of("clear_log_tlbi_pages");
	steady = (count_at(&src, now()) - count_at(&src, t_ready + 1)) / (now() - t_ready - 1);

	if (autoconv)
		qmp(&src, "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":"
			  "[{\"capability\":\"auto-converge\",\"state\":true}]}}");
	qmp(&src, "{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"downtime-limit\":%lu,"
		  "\"max-bandwidth\":%lu}}", downtime, link << 20);
	t0 = now();
	qmp(&src, "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:" DIR_MIG "/mig.sock\"}}");
	for (;;) {
		pump(50);
		if (now() - t_poll < 0.25)
			continue;
		t_poll = now();
		r = qmp(&src, "{\"execute\":\"query-migrate\"}");
		syncs = jnum(r, "\"ram\"", "dirty-sync-count");
		/* A cancelled migration's last reply has no "ram": keep the last. */
		if (syncs >= 0) {
			bytes = jnum(r, "\"ram\"", "transferred");
			remaining = jnum(r, "\"ram\"", "remaining");
		}
		if (syncs > last_syncs) {
			/* Counts at the poll after the sync: GET + CLEAR of that round. */
			printf("@@ROUND %s %lld t=%.2f sent=%lld remaining=%lld dirty_rate=%lld harvested=%lld write_faults=%lld throttle=%lld\n",
			       name, syncs, now() - t0, jnum(r, "\"ram\"", "transferred"),
			       jnum(r, "\"ram\"", "remaining"), jnum(r, "\"ram\"", "dirty-pages-rate"),
			       stat_of("hw_dirty_harvested") - harv0, stat_of("dirty_log_write_faults") - wf0,
			       jnum(r, NULL, "cpu-throttle-percentage"));
			last_syncs = syncs;
		}
		if (jstatus(r, "completed") || jstatus(r, "failed"))
			break;
		if (now() - t0 > timeout) {
			double end = now() + 60;

			qmp(&src, "{\"execute\":\"migrate_cancel\"}");
			/* It may have completed just before the cancel. */
			do {
				pump(100);
				r = qmp(&src, "{\"execute\":\"query-migrate\"}");
				if (now() > end)
					die("the migration did not end 60 s after migrate_cancel");
			} while (!jstatus(r, "cancelled") && !jstatus(r, "failed") &&
				 !jstatus(r, "completed"));
			break;
		}
	}
	t_end = now();
	converged = jstatus(r, "completed");
	failed = jstatus(r, "failed");
	total_ms = jnum(r, NULL, "total-time");
	down_ms = jnum(r, NULL, "downtime");
	if (jnum(r, "\"ram\"", "dirty-sync-count") >= 0) {
		bytes = jnum(r, "\"ram\"", "transferred");
		remaining = jnum(r, "\"ram\"", "remaining");
		last_syncs = jnum(r, "\"ram\"", "dirty-sync-count");
	}
	syncs = last_syncs;
	hw = stat_of("hw_dirty_log");
	harv = stat_of("hw_dirty_harvested") - harv0;
	wf = stat_of("dirty_log_write_faults") - wf0;
	tlbi = stat_of("clear_log_tlbi_pages") - tlbi0;
	t_stop = converged && down_ms > 0 ? t_end - down_ms / 1000.0 : t_end;

	if (converged) {
		unsigned long long size = (unsigned long long)mem << 20;

		double end = now() + 120;

		do {
			pump(100);
			r = qmp(&dst, "{\"execute\":\"query-migrate\"}");
			if (now() > end)
				die("the destination did not complete 120 s after the source");
		} while (!jstatus(r, "completed") && !jstatus(r, "failed"));
		if (jstatus(r, "failed"))
			die("the destination failed to load the migration; see " DIR_MIG "/dst.err");
		dump(&src, DIR_MIG "/src.ram", size);
		dump(&dst, DIR_MIG "/dst.ram", size);
		diff = ram_diff(DIR_MIG "/src.ram", DIR_MIG "/dst.ram", size);
		unlink(DIR_MIG "/dst.ram");
		t_cont = now();
		qmp(&dst, "{\"execute\":\"cont\"}");
		pump(after * 1000);
		t_after = now();
		qmp(&dst, "{\"execute\":\"stop\"}");
		dump(&dst, DIR_MIG "/dst.ram", size);
		control = ram_diff(DIR_MIG "/src.ram", DIR_MIG "/dst.ram", size);
		unlink(DIR_MIG "/src.ram");
		unlink(DIR_MIG "/dst.ram");
		/* The destination's first samples come after "cont". */
		after_rate = (count_at(&dst, t_after) - count_at(&dst, t_cont + 0.5)) / (t_after - t_cont - 0.5);
	}
	qmp(&src, "{\"execute\":\"quit\"}");
	waitpid(src.pid, NULL, 0);
	/* A cancelled migration ends the destination: its stream broke off. */
	if (converged)
		qmp(&dst, "{\"execute\":\"quit\"}");
	else
		kill(dst.pid, SIGTERM);
	waitpid(dst.pid, NULL, 0);
	src.pid = dst.pid = 0;

	syncs_of_trace(&sync_ms, &sync_max_ms, &clears);
	during = (count_at(&src, t_stop) - count_at(&src, t0)) / (t_stop - t0);
	lost = steady * (t_end - t0) - (count_at(&src, t_stop) - count_at(&src, t0));
	curve(&src, t0 - 2, t_stop, -t0);
	if (converged)
		curve(&dst, t_cont + 0.5, t_after, t_end - t_cont - t0);

	printf("@@MIG name=%s strategy=%s hw_dirty_log=%lld rate=%lu mem_mib=%lu buf_mib=%lu autoconverge=%d eager=%lu thp=%s "
	       "link_mib_s=%lu downtime_limit_ms=%lu converged=%d total_ms=%lld syncs=%lld bytes=%lld remaining=%lld "
	       "downtime_ms=%lld steady=%.0f during=%.0f after=%.0f lost_writes=%.0f lost_s=%.2f "
	       "harvested=%lld write_faults=%lld clear_tlbi_pages=%lld sync_ms=%.1f sync_max_ms=%.1f clears=%ld "
	       "diff_pages=%lld control_diff_pages=%lld\n",
	       name, strategy, hw, rate, mem, buf, autoconv, eager, thp, link, downtime, converged,
	       converged ? total_ms : (long long)((t_end - t0) * 1000), syncs, bytes, remaining,
	       converged ? down_ms : -1, steady, during, after_rate, lost,
	       steady > 0 ? lost / steady : 0, harv, wf, tlbi, sync_ms, sync_max_ms, clears, diff, control);
	(void)hw0;

	if (failed)
		printf("migrate-run %s: FAIL: the migration failed (see " DIR_MIG "/src.err)\n", name), failed = 1;
	if (converged && diff != 0)
		printf("migrate-run %s: FAIL: %lld pages differ between source and destination\n", name, diff), failed = 1;
	if (converged && control == 0)
		printf("migrate-run %s: FAIL: control: the destination's RAM did not change after it ran; the comparison proves nothing\n", name), failed = 1;
	if (check && !converged)
		printf("migrate-run %s: FAIL: did not converge in %lu s\n", name, timeout), failed = 1;
	if (check && hw != !strcmp(strategy, "dbm"))
		printf("migrate-run %s: FAIL: hw_dirty_log=%lld, the %s strategy wants %d\n", name, hw, strategy,
		       !strcmp(strategy, "dbm")), failed = 1;
	if (check && !strcmp(strategy, "dbm") && harv <= 0)
		printf("migrate-run %s: FAIL: no page harvested from hardware dirty state\n", name), failed = 1;
	if (failed)
		show_logs();
	return failed;
}
