/*
 * forkexec: process creation. fork + _exit, then fork + execve of the static
 * program `nop` that sits next to this one (found through /proc/self/exe),
 * each reaped with waitpid. Self-check: every child's exit status is the one
 * it was asked for.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long reps = bench_scaled(150, bench_scale(argc, argv));
    char self[PATH_MAX], nop[PATH_MAX + 8];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n < 0) {
        perror("forkexec: /proc/self/exe");
        return 1;
    }
    self[n] = 0;
    snprintf(nop, sizeof(nop), "%s/nop", dirname(self));
    if (access(nop, X_OK) != 0) {
        fprintf(stderr, "forkexec: %s: not found\n", nop);
        return 1;
    }
    uint64_t sum = 0;
    int ok = 1;
    uint64_t t0 = bench_now_ns();
    for (long r = 0; r < reps; r++) {
        int want = (int)(r % 100);
        char arg[16];
        snprintf(arg, sizeof(arg), "%d", want);
        for (int exec = 0; exec < 2; exec++) {
            pid_t pid = fork();
            if (pid < 0) {
                ok = 0;
                break;
            }
            if (pid == 0) {
                if (exec) {
                    char *args[] = { nop, arg, NULL };
                    char *env[] = { NULL };
                    execve(nop, args, env);
                    _exit(127);
                }
                _exit(want);
            }
            int st;
            if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != want) {
                ok = 0;
            } else {
                sum += (uint64_t)WEXITSTATUS(st);
            }
        }
    }
    uint64_t ns = bench_now_ns() - t0;
    char check[32];
    snprintf(check, sizeof(check), "%llu", (unsigned long long)sum);
    return bench_report("forkexec", ns, check, ok);
}
