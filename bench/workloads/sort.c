/*
 * sort: branches, compares and memory traffic. Pseudo-random 32-bit integers
 * sorted by the C library's qsort (indirect calls to a comparator) and by a
 * quicksort of our own (median of three, insertion sort below 16 elements).
 * Self-check: both results are in order and agree element by element.
 */
#include "bench.h"

#include <string.h>

#define N 25000

static int32_t a[N], b[N];

static int cmp_i32(const void *x, const void *y)
{
    int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
    return (p > q) - (p < q);
}

static void swap(int32_t *x, int32_t *y)
{
    int32_t t = *x;
    *x = *y;
    *y = t;
}

static void quicksort(int32_t *v, long n)
{
    while (n > 16) {
        long m = n / 2;
        if (v[m] < v[0]) {
            swap(&v[m], &v[0]);
        }
        if (v[n - 1] < v[0]) {
            swap(&v[n - 1], &v[0]);
        }
        if (v[n - 1] < v[m]) {
            swap(&v[n - 1], &v[m]);
        }
        int32_t pivot = v[m];
        long i = 0, j = n - 1;
        for (;;) {
            while (v[i] < pivot) {
                i++;
            }
            while (v[j] > pivot) {
                j--;
            }
            if (i >= j) {
                break;
            }
            swap(&v[i++], &v[j--]);
        }
        /* recurse into the smaller part, loop on the larger: O(log n) stack */
        if (j + 1 < n - j - 1) {
            quicksort(v, j + 1);
            v += j + 1;
            n -= j + 1;
        } else {
            quicksort(v + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    for (long i = 1; i < n; i++) {
        int32_t x = v[i];
        long k = i;
        for (; k > 0 && v[k - 1] > x; k--) {
            v[k] = v[k - 1];
        }
        v[k] = x;
    }
}

int main(int argc, char **argv)
{
    long reps = bench_scaled(36, bench_scale(argc, argv));
    uint64_t s = 0x9e3779b97f4a7c15ull;
    uint64_t sum = 0;
    int ok = 1;
    uint64_t t0 = bench_now_ns();
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < N; i++) {
            a[i] = (int32_t)bench_rand(&s);
        }
        memcpy(b, a, sizeof(a));
        qsort(a, N, sizeof(a[0]), cmp_i32);
        quicksort(b, N);
        for (long i = 0; i < N; i++) {
            ok &= a[i] == b[i] && (i == 0 || a[i - 1] <= a[i]);
            sum = sum * 31 + (uint32_t)a[i];
        }
    }
    uint64_t ns = bench_now_ns() - t0;
    char check[32];
    snprintf(check, sizeof(check), "%016llx", (unsigned long long)sum);
    return bench_report("sort", ns, check, ok);
}
