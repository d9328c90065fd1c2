/*
 * memory: page faults and the allocator. Anonymous mappings are created,
 * touched page by page (one fault each: huge pages are declined with
 * madvise(MADV_NOHUGEPAGE) so the host's run faults as often as a guest's),
 * read back and unmapped; mremap grows one; malloc and free churn through
 * many small blocks. Self-check: every page and block reads back what was
 * written.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define AREA (2u << 20)
#define SMALL 20000

static int touch_area(size_t size, uint64_t *sum, uint64_t seed)
{
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return 0;
    }
    madvise(p, size, MADV_NOHUGEPAGE);
    for (size_t off = 0; off < size; off += 4096) {
        *(uint64_t *)(p + off) = seed + off;
    }
    /* grow it: the new half faults in too */
    uint8_t *q = mremap(p, size, 2 * size, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) {
        munmap(p, size);
        return 0;
    }
    madvise(q, 2 * size, MADV_NOHUGEPAGE);
    int ok = 1;
    for (size_t off = 0; off < 2 * size; off += 4096) {
        uint64_t v = *(uint64_t *)(q + off);
        ok &= off < size ? v == seed + off : v == 0;
        *sum += v;
        q[off + 8] = 1;
    }
    munmap(q, 2 * size);
    return ok;
}

int main(int argc, char **argv)
{
    long reps = bench_scaled(9, bench_scale(argc, argv));
    static void *blocks[SMALL];
    uint64_t s = 42, sum = 0;
    int ok = 1;
    uint64_t t0 = bench_now_ns();
    for (long r = 0; r < reps; r++) {
        ok &= touch_area(AREA, &sum, (uint64_t)r << 32);
        for (int i = 0; i < SMALL; i++) {
            size_t n = 16 + bench_rand(&s) % 2000;
            blocks[i] = malloc(n);
            if (!blocks[i]) {
                ok = 0;
                break;
            }
            memset(blocks[i], (int)(i & 0xff), n);
            /* free every third one early, so the free lists fragment */
            if (i % 3 == 2) {
                free(blocks[i - 1]);
                blocks[i - 1] = NULL;
            }
        }
        for (int i = 0; i < SMALL; i++) {
            if (blocks[i]) {
                ok &= ((uint8_t *)blocks[i])[15] == (i & 0xff);
                sum += ((uint8_t *)blocks[i])[0];
                free(blocks[i]);
                blocks[i] = NULL;
            }
        }
    }
    uint64_t ns = bench_now_ns() - t0;
    char check[32];
    snprintf(check, sizeof(check), "%016llx", (unsigned long long)sum);
    return bench_report("memory", ns, check, ok);
}
