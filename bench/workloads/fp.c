/*
 * fp: double-precision arithmetic. The five-body simulation of the Sun and
 * the outer planets (initial state from JPL ephemerides in AU, years and
 * solar masses, as the Computer Language Benchmarks Game's n-body uses it),
 * a matrix product, and a sum over libm's sin, exp, log and atan.
 * Self-checks: the initial energy is -0.169075164; the energy drifts by less
 * than 1e-4 over the run; the matrix product of small integers equals the
 * same product in 64-bit integers, exactly.
 * The libm sum is printed to 9 significant digits only: static glibc picks
 * its libm variant from CPUID (FMA on the host, SSE2 in the guest), and the
 * variants may round the last bit differently.
 */
#include "bench.h"

#include <math.h>

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define NB 5
#define MN 64

struct body {
    double x[3], v[3], mass;
};

static struct body bodies[NB] = {
    { { 0, 0, 0 }, { 0, 0, 0 }, SOLAR_MASS },
    { { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01 },
      { 1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
        -6.90460016972063023e-05 * DAYS_PER_YEAR },
      9.54791938424326609e-04 * SOLAR_MASS },
    { { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01 },
      { -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
        2.30417297573763929e-05 * DAYS_PER_YEAR },
      2.85885980666130812e-04 * SOLAR_MASS },
    { { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01 },
      { 2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
        -2.96589568540237556e-05 * DAYS_PER_YEAR },
      4.36624404335156298e-05 * SOLAR_MASS },
    { { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01 },
      { 2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
        -9.51592254519715870e-05 * DAYS_PER_YEAR },
      5.15138902046611451e-05 * SOLAR_MASS },
};

static void offset_momentum(void)
{
    double p[3] = { 0, 0, 0 };
    for (int i = 0; i < NB; i++) {
        for (int k = 0; k < 3; k++) {
            p[k] += bodies[i].v[k] * bodies[i].mass;
        }
    }
    for (int k = 0; k < 3; k++) {
        bodies[0].v[k] = -p[k] / SOLAR_MASS;
    }
}

static double energy(void)
{
    double e = 0;
    for (int i = 0; i < NB; i++) {
        struct body *b = &bodies[i];
        e += 0.5 * b->mass * (b->v[0] * b->v[0] + b->v[1] * b->v[1] + b->v[2] * b->v[2]);
        for (int j = i + 1; j < NB; j++) {
            double d[3], d2 = 0;
            for (int k = 0; k < 3; k++) {
                d[k] = b->x[k] - bodies[j].x[k];
                d2 += d[k] * d[k];
            }
            e -= b->mass * bodies[j].mass / sqrt(d2);
        }
    }
    return e;
}

static void advance(double dt)
{
    for (int i = 0; i < NB; i++) {
        struct body *b = &bodies[i];
        for (int j = i + 1; j < NB; j++) {
            struct body *c = &bodies[j];
            double d[3], d2 = 0;
            for (int k = 0; k < 3; k++) {
                d[k] = b->x[k] - c->x[k];
                d2 += d[k] * d[k];
            }
            double mag = dt / (d2 * sqrt(d2));
            for (int k = 0; k < 3; k++) {
                b->v[k] -= d[k] * c->mass * mag;
                c->v[k] += d[k] * b->mass * mag;
            }
        }
    }
    for (int i = 0; i < NB; i++) {
        for (int k = 0; k < 3; k++) {
            bodies[i].x[k] += dt * bodies[i].v[k];
        }
    }
}

static double ma[MN][MN], mb[MN][MN], mc[MN][MN];

static int matmul_check(uint64_t *s)
{
    static int64_t ia[MN][MN], ib[MN][MN];
    for (int i = 0; i < MN; i++) {
        for (int j = 0; j < MN; j++) {
            ia[i][j] = (int64_t)(bench_rand(s) % 2001) - 1000;
            ib[i][j] = (int64_t)(bench_rand(s) % 2001) - 1000;
            ma[i][j] = (double)ia[i][j];
            mb[i][j] = (double)ib[i][j];
        }
    }
    for (int i = 0; i < MN; i++) {
        for (int j = 0; j < MN; j++) {
            double acc = 0;
            for (int k = 0; k < MN; k++) {
                acc += ma[i][k] * mb[k][j];
            }
            mc[i][j] = acc;
        }
    }
    int ok = 1;
    for (int i = 0; i < MN; i++) {
        for (int j = 0; j < MN; j++) {
            int64_t acc = 0;
            for (int k = 0; k < MN; k++) {
                acc += ia[i][k] * ib[k][j];
            }
            ok &= mc[i][j] == (double)acc;
        }
    }
    return ok;
}

int main(int argc, char **argv)
{
    long scale = bench_scale(argc, argv);
    long steps = bench_scaled(300000, scale);
    long mats = bench_scaled(24, scale);
    long points = bench_scaled(300000, scale);
    offset_momentum();
    double e0 = energy();
    int ok = fabs(e0 - -0.169075164) < 5e-10;
    uint64_t s = 7;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < steps; i++) {
        advance(0.01);
    }
    double e1 = energy();
    ok &= fabs(e1 - e0) < 1e-4;
    for (long i = 0; i < mats; i++) {
        ok &= matmul_check(&s);
    }
    double lsum = 0;
    for (long i = 1; i <= points; i++) {
        double x = (double)i / (double)points * 10.0;
        lsum += sin(x) + exp(-x) + log(x) + atan(x);
    }
    uint64_t ns = bench_now_ns() - t0;
    char check[80];
    snprintf(check, sizeof(check), "e=%.9f,l=%.9e", e1, lsum);
    return bench_report("fp", ns, check, ok);
}
