/*
 * hash: integer multiply, shift and rotate over a buffer that stays in cache.
 * Two 64-bit hashes over a 256 KiB pseudo-random buffer, repeated: FNV-1a
 * (byte at a time, a dependent multiply per byte) and a four-lane
 * multiply-rotate hash in the style of xxHash64 (its published primes).
 * Self-check: the FNV-1a of the test vector "a" is 0xaf63dc4c8601ec8c (the
 * FNV reference's test suite).
 */
#include "bench.h"

#include <string.h>

#define BUF_SIZE (256 * 1024)
#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull

static uint8_t buf[BUF_SIZE];

static uint64_t fnv1a(const uint8_t *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static inline uint64_t rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static uint64_t lanes(const uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t v[4] = { seed + P1 + P2, seed + P2, seed, seed - P1 };
    for (size_t i = 0; i + 32 <= n; i += 32) {
        for (int l = 0; l < 4; l++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * l, 8);
            v[l] = rotl(v[l] + w * P2, 31) * P1;
        }
    }
    uint64_t h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    return h ^ (h >> 32);
}

int main(int argc, char **argv)
{
    long reps = bench_scaled(576, bench_scale(argc, argv));
    uint64_t s = 0x1234567887654321ull;
    for (size_t i = 0; i < BUF_SIZE; i += 8) {
        uint64_t x = bench_rand(&s);
        memcpy(buf + i, &x, 8);
    }
    int ok = fnv1a((const uint8_t *)"a", 1, 0xcbf29ce484222325ull) == 0xaf63dc4c8601ec8cull;
    uint64_t t0 = bench_now_ns();
    uint64_t h = 0;
    for (long r = 0; r < reps; r++) {
        h = fnv1a(buf, BUF_SIZE, h ^ 0xcbf29ce484222325ull);
        h ^= lanes(buf, BUF_SIZE, h);
        buf[r % BUF_SIZE] ^= (uint8_t)h;   /* each pass hashes different data */
    }
    uint64_t ns = bench_now_ns() - t0;
    char check[32];
    snprintf(check, sizeof(check), "%016llx", (unsigned long long)h);
    return bench_report("hash", ns, check, ok);
}
