/* The IR optimizer: see optimize.c. */
#ifndef ACCEL_TCG_OPTIMIZE_H
#define ACCEL_TCG_OPTIMIZE_H

#include "accel/tcg/ir.h"

/* Optimize a finished block in place; it must be the current block. */
void ir_optimize(IRBlock *b);

#endif
