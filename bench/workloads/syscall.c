/*
 * syscall: system-call entry and exit. Raw getpid (glibc no longer caches
 * it, and syscall() rules out any caching), a 64-byte write to /dev/null, a
 * 64-byte read from /dev/zero and an lseek, in a loop. Self-check: every
 * call returns what it must (pid, byte counts, zero bytes).
 */
#define _GNU_SOURCE
#include "bench.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long reps = bench_scaled(20000, bench_scale(argc, argv));
    int out = open("/dev/null", O_WRONLY);
    int in = open("/dev/zero", O_RDONLY);
    if (out < 0 || in < 0) {
        perror("syscall: /dev/null or /dev/zero");
        return 1;
    }
    pid_t pid = getpid();
    char buf[64] = "mimic";
    uint64_t bytes = 0;
    int ok = 1;
    uint64_t t0 = bench_now_ns();
    for (long r = 0; r < reps; r++) {
        ok &= syscall(SYS_getpid) == pid;
        ssize_t w = write(out, buf, sizeof(buf));
        ssize_t n = read(in, buf, sizeof(buf));
        ok &= w == sizeof(buf) && n == sizeof(buf) && buf[0] == 0 && buf[63] == 0;
        ok &= lseek(in, 0, SEEK_SET) == 0;
        bytes += (uint64_t)(w + n);
        buf[0] = 'm';
    }
    uint64_t ns = bench_now_ns() - t0;
    char check[32];
    snprintf(check, sizeof(check), "%llu", (unsigned long long)bytes);
    return bench_report("syscall", ns, check, ok);
}
