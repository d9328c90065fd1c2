/*
 * The IR optimizer's results on hand-built blocks (accel/tcg/optimize.c):
 * what "into globals" may rewrite ("op t; mov G, t" into "op G") and what
 * it must leave alone because the guest state could be observed in
 * between (a fault, a helper) or the old value is still read.
 */
#include <glib.h>
#include <stddef.h>

#include "accel/tcg/ir.h"
#include "accel/tcg/optimize.h"

static IRv g_a, g_b, g_c, g_d;

/* X86CPUState-like offsets: the test never runs the block */
static void make_globals(void)
{
    if (!g_a) {
        g_a = ir_global(IR_I64, 0, "ga");
        g_b = ir_global(IR_I64, 8, "gb");
        g_c = ir_global(IR_I64, 16, "gc");
        g_d = ir_global(IR_I64, 24, "gd");
    }
}

static void dump_line(const char *line, void *opaque)
{
    g_string_append(opaque, line);
    g_string_append_c(opaque, '\n');
}

/* The optimized block as text, from its first insn_start on. */
static char *optimized(IRBlock *b)
{
    ir_optimize(b);
    GString *s = g_string_new(NULL);
    ir_dump(b, dump_line, s);
    return g_string_free(s, FALSE);
}

static void finish(void)
{
    ir_movi(g_d, 0x1000); /* stands for rIP */
    ir_exit_tb(IR_EXIT_NOCHAIN);
}

/* "add t, ga, 1; mov ga, t; sub t2, gb, t; mov gc, t2": computed in place */
static void test_mov_into_global(void)
{
    make_globals();
    IRBlock *b = ir_block_begin();
    ir_insn_start(0x1000, 1);
    IRv t = ir_temp(IR_I64), t2 = ir_temp(IR_I64);
    ir_addi(t, g_a, 1);
    ir_mov(g_a, t);
    ir_sub(t2, g_b, t);
    ir_mov(g_c, t2);
    finish();
    char *text = optimized(b);
    g_assert_nonnull(strstr(text, "add ga, ga, $0x1"));
    g_assert_nonnull(strstr(text, "sub gc, gb, ga"));
    g_assert_null(strstr(text, "mov ga"));
    g_assert_null(strstr(text, "mov gc"));
    g_free(text);
    ir_block_free(b);
}

/* A load between the op and the move may fault: the guest must then see
 * the old ga, so the temp stays. */
static void test_fault_between(void)
{
    make_globals();
    IRBlock *b = ir_block_begin();
    ir_insn_start(0x1000, 1);
    IRv t = ir_temp(IR_I64), x = ir_temp(IR_I64);
    ir_addi(t, g_a, 1);
    ir_ld(x, g_b, MO_64, 0);
    ir_mov(g_c, x);
    ir_mov(g_a, t);
    finish();
    char *text = optimized(b);
    g_assert_null(strstr(text, "add ga"));
    g_assert_nonnull(strstr(text, "mov ga"));
    g_free(text);
    ir_block_free(b);
}

/* The old value of ga is read between the op and the move. */
static void test_old_value_read(void)
{
    make_globals();
    IRBlock *b = ir_block_begin();
    ir_insn_start(0x1000, 1);
    IRv t = ir_temp(IR_I64);
    ir_addi(t, g_a, 1);
    ir_mov(g_b, g_a);
    ir_mov(g_a, t);
    finish();
    char *text = optimized(b);
    g_assert_null(strstr(text, "add ga"));
    g_assert_nonnull(strstr(text, "mov gb, ga"));
    g_free(text);
    ir_block_free(b);
}

/* t is read after ga is written again: it must stay a temp. */
static void test_read_after_rewrite(void)
{
    make_globals();
    IRBlock *b = ir_block_begin();
    ir_insn_start(0x1000, 1);
    IRv t = ir_temp(IR_I64), x = ir_temp(IR_I64);
    ir_addi(t, g_a, 1);
    ir_mov(g_a, t);
    ir_ld(x, g_b, MO_64, 0); /* keeps "mov ga, t" alive: ga is observed here */
    ir_mov(g_c, x);
    ir_movi(g_a, 5);
    ir_st(t, g_b, MO_64, 0);
    finish();
    char *text = optimized(b);
    g_assert_null(strstr(text, "add ga"));
    g_free(text);
    ir_block_free(b);
}

/* "xor t, ga, gb; mul ga, t, gc" (t dies there): both work on ga in place,
 * even across an instruction boundary with no store or call before it. */
static void test_consumer_in_place(void)
{
    make_globals();
    IRBlock *b = ir_block_begin();
    ir_insn_start(0x1000, 1);
    IRv t = ir_temp(IR_I64), t2 = ir_temp(IR_I64);
    ir_xor(t, g_a, g_b);
    ir_insn_start(0x1003, 1);
    ir_mul(t2, t, g_c);
    ir_mov(g_a, t2);
    finish();
    char *text = optimized(b);
    g_assert_nonnull(strstr(text, "xor ga, ga, gb"));
    g_assert_nonnull(strstr(text, "mul ga, ga, gc"));
    g_free(text);
    ir_block_free(b);
}

/* A consumer that also reads the global's old value cannot take it. */
static void test_consumer_reads_old(void)
{
    make_globals();
    IRBlock *b = ir_block_begin();
    ir_insn_start(0x1000, 1);
    IRv t = ir_temp(IR_I64);
    ir_xor(t, g_b, g_c);
    ir_sub(g_a, t, g_a);
    finish();
    char *text = optimized(b);
    g_assert_null(strstr(text, "xor ga"));
    g_free(text);
    ir_block_free(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/optimize/into-globals/mov", test_mov_into_global);
    g_test_add_func("/optimize/into-globals/fault-between", test_fault_between);
    g_test_add_func("/optimize/into-globals/old-value-read", test_old_value_read);
    g_test_add_func("/optimize/into-globals/read-after-rewrite", test_read_after_rewrite);
    g_test_add_func("/optimize/into-globals/consumer", test_consumer_in_place);
    g_test_add_func("/optimize/into-globals/consumer-reads-old", test_consumer_reads_old);
    return g_test_run();
}
