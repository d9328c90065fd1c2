/* IRQ line allocation; see irq.h. */
#include "hw/core/irq.h"

#include <glib.h>

IrqLine *irq_lines_new(IrqHandler handler, void *opaque, int first, int count)
{
    IrqLine *lines = g_new0(IrqLine, count);
    for (int i = 0; i < count; i++) {
        lines[i] = (IrqLine){ .handler = handler, .opaque = opaque, .n = first + i };
    }
    return lines;
}

IrqLine *irq_line_new(IrqHandler handler, void *opaque, int n)
{
    return irq_lines_new(handler, opaque, n, 1);
}

void irq_lines_free(IrqLine *lines)
{
    g_free(lines);
}
