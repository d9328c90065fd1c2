/*
 * Shared by the CPU benchmark workloads (the programs in bench/workloads/): the work scale,
 * the in-guest clock, a deterministic pseudo-random source and the one result
 * line bench/cpu.py parses.
 *
 * Every workload is a static program run as `NAME [SCALE]`, SCALE a
 * percentage of the default amount of work (100). It times only its work,
 * with clock_gettime(CLOCK_MONOTONIC) (POSIX.1-2008), so the figure is the
 * same whether it runs on the host or in a guest, and prints
 *
 *   bench-result: NAME ns=ELAPSED check=VALUE status=ok|FAIL
 *
 * check is the workload's result in a form that must be identical wherever
 * the same binary runs (the harness compares it against the host's own run);
 * status is the workload's self-check. Exit status 0 only when it passed.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Scale from argv[1]: 1..100000 percent of the default work. */
static inline long bench_scale(int argc, char **argv)
{
    if (argc < 2) {
        return 100;
    }
    char *end;
    long s = strtol(argv[1], &end, 10);
    if (*end || s < 1 || s > 100000) {
        fprintf(stderr, "%s: scale must be a percentage from 1 to 100000\n", argv[0]);
        exit(2);
    }
    return s;
}

/* n * scale / 100, at least 1: the number of repetitions for this run. */
static inline long bench_scaled(long n, long scale)
{
    long r = n * scale / 100;
    return r > 0 ? r : 1;
}

/* xorshift64* (Vigna): fast, deterministic, good enough to feed sorts and hashes. */
static inline uint64_t bench_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static inline int bench_report(const char *name, uint64_t ns, const char *check, int ok)
{
    printf("bench-result: %s ns=%llu check=%s status=%s\n", name, (unsigned long long)ns, check,
           ok ? "ok" : "FAIL");
    fflush(stdout);
    return ok ? 0 : 1;
}

#endif
