/*
 * sieve: integer compute and streaming byte stores. The sieve of Eratosthenes
 * over [0, 1,000,000), repeated; each pass must count pi(1e6) = 78498 primes
 * (a known value of the prime-counting function).
 */
#include "bench.h"

#include <string.h>

#define LIMIT 1000000
#define PI_LIMIT 78498

static unsigned char composite[LIMIT];

static long sieve_count(void)
{
    memset(composite, 0, sizeof(composite));
    long count = 0;
    for (long i = 2; i < LIMIT; i++) {
        if (composite[i]) {
            continue;
        }
        count++;
        for (long j = i * i; j < LIMIT; j += i) {
            composite[j] = 1;
        }
    }
    return count;
}

int main(int argc, char **argv)
{
    long reps = bench_scaled(60, bench_scale(argc, argv));
    uint64_t t0 = bench_now_ns();
    long total = 0;
    int ok = 1;
    for (long r = 0; r < reps; r++) {
        long c = sieve_count();
        ok &= c == PI_LIMIT;
        total += c;
    }
    uint64_t ns = bench_now_ns() - t0;
    char check[32];
    snprintf(check, sizeof(check), "%ld", total);
    return bench_report("sieve", ns, check, ok);
}
