/*
 * IRQ lines: a line is a handler, its opaque and a pin number. A device holds
 * the lines it drives and calls irq_set(); the machine decides where each line
 * goes, so wiring is data set up in one place (hw/pc/pc.c).
 */
#ifndef HW_CORE_IRQ_H
#define HW_CORE_IRQ_H

typedef void (*IrqHandler)(void *opaque, int n, int level);

typedef struct IrqLine {
    IrqHandler handler;
    void *opaque;
    int n;
} IrqLine;

/* Allocate count lines that call handler(opaque, first + i, level). */
IrqLine *irq_lines_new(IrqHandler handler, void *opaque, int first, int count);
IrqLine *irq_line_new(IrqHandler handler, void *opaque, int n);
void irq_lines_free(IrqLine *lines);

/* Drive a line; an unconnected (NULL) line goes nowhere. */
static inline void irq_set(IrqLine *line, int level)
{
    if (line && line->handler) {
        line->handler(line->opaque, line->n, level);
    }
}

static inline void irq_raise(IrqLine *line)
{
    irq_set(line, 1);
}

static inline void irq_lower(IrqLine *line)
{
    irq_set(line, 0);
}

static inline void irq_pulse(IrqLine *line)
{
    irq_set(line, 1);
    irq_set(line, 0);
}

#endif
