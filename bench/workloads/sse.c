/*
 * sse: packed SIMD. Compiled with -O3 -msse4.2 -mpopcnt, so GCC vectorizes
 * the loops: float multiply-add over arrays (MULPS/ADDPS), 32-bit integer
 * max and multiply (SSE4.1 PMAXSD/PMULLD), CRC-32C with the SSE4.2 CRC32
 * instruction and POPCNT. Self-checks: the vectorized loops agree bit for
 * bit with a scalar pass over the same data; CRC-32C of "123456789" is
 * 0xe3069283 (the catalogued check value of CRC-32/ISCSI).
 */
#include "bench.h"

#include <nmmintrin.h>
#include <string.h>

#define N 4096

static float x[N], y[N], z[N], z0[N];
static int32_t ia[N], ib[N], ic[N];

static void kernel_float(float a)
{
    for (int i = 0; i < N; i++) {
        y[i] = a * x[i] + y[i];
        z[i] = x[i] * y[i] - z[i] * 0.5f;
    }
}

static void kernel_int(void)
{
    for (int i = 0; i < N; i++) {
        int32_t m = ia[i] > ib[i] ? ia[i] : ib[i];
        ic[i] = m * 3 + (ia[i] ^ ib[i]);
    }
}

/* The same loops, not vectorized, on copies of the inputs of one more pass. */
__attribute__((optimize("no-tree-vectorize"))) static int scalar_check(void)
{
    static float sy[N], sz[N];
    memcpy(sy, y, sizeof(y));
    memcpy(sz, z, sizeof(z));
    kernel_float(0.5f);
    kernel_int();
    int ok = 1;
    for (int i = 0; i < N; i++) {
        sy[i] = 0.5f * x[i] + sy[i];
        sz[i] = x[i] * sy[i] - sz[i] * 0.5f;
        ok &= memcmp(&sy[i], &y[i], 4) == 0 && memcmp(&sz[i], &z[i], 4) == 0;
        int32_t m = ia[i] > ib[i] ? ia[i] : ib[i];
        ok &= ic[i] == m * 3 + (ia[i] ^ ib[i]);
    }
    return ok;
}

static uint32_t crc32c(const uint8_t *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        crc = (uint32_t)_mm_crc32_u64(crc, w);
    }
    for (; i < n; i++) {
        crc = _mm_crc32_u8(crc, p[i]);
    }
    return ~crc;
}

int main(int argc, char **argv)
{
    long reps = bench_scaled(5000, bench_scale(argc, argv));
    uint64_t s = 99;
    for (int i = 0; i < N; i++) {
        x[i] = (float)(bench_rand(&s) % 1000) / 1000.0f;
        y[i] = (float)(bench_rand(&s) % 1000) / 1000.0f;
        z[i] = z0[i] = (float)(bench_rand(&s) % 1000) / 1000.0f;
        ia[i] = (int32_t)bench_rand(&s);
        ib[i] = (int32_t)bench_rand(&s);
    }
    int ok = crc32c((const uint8_t *)"123456789", 9, 0) == 0xe3069283u;
    uint64_t t0 = bench_now_ns();
    uint32_t crc = 0;
    uint64_t pop = 0;
    for (long r = 0; r < reps; r++) {
        /* keep y bounded: a = -0.25 .. 0.25 alternating */
        kernel_float((r & 1) ? 0.25f : -0.25f);
        ia[r % N] ^= ic[(r * 7) % N];
        kernel_int();
        crc = crc32c((const uint8_t *)ic, sizeof(ic), crc);
        for (int i = 0; i < N; i += 2) {
            uint64_t w;
            memcpy(&w, &ic[i], 8);
            pop += (uint64_t)__builtin_popcountll(w);
        }
    }
    double fsum = 0;
    for (int i = 0; i < N; i++) {
        fsum += (double)y[i] + (double)z[i];
    }
    uint64_t ns = bench_now_ns() - t0;
    ok &= scalar_check();
    uint64_t bits;
    memcpy(&bits, &fsum, 8);
    char check[80];
    snprintf(check, sizeof(check), "%08x-%llx-%016llx", crc, (unsigned long long)pop,
             (unsigned long long)bits);
    return bench_report("sse", ns, check, ok);
}
