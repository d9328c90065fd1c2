/* Machine bookkeeping: reset hooks, owned state, the current machine. */
#include "hw/core/machine.h"

#include <string.h>

typedef struct MachineResetHook {
    MachineResetFn fn;
    void *opaque;
} MachineResetHook;

static Machine *current;

Machine *machine_current(void)
{
    return current;
}

void machine_set_current(Machine *m)
{
    current = m;
}

void machine_add_reset(Machine *m, MachineResetFn fn, void *opaque)
{
    if (!m->reset_hooks) {
        m->reset_hooks = g_array_new(FALSE, TRUE, sizeof(MachineResetHook));
    }
    MachineResetHook h = { fn, opaque };
    g_array_append_val(m->reset_hooks, h);
}

typedef struct Owned {
    void *ptr;
    GDestroyNotify free_fn;
} Owned;

static void owned_free(gpointer p)
{
    Owned *o = p;
    o->free_fn(o->ptr);
    g_free(o);
}

void machine_own(Machine *m, void *ptr, GDestroyNotify free_fn)
{
    if (!m->owned) {
        m->owned = g_ptr_array_new_with_free_func(owned_free);
    }
    Owned *o = g_new(Owned, 1);
    *o = (Owned){ ptr, free_fn };
    g_ptr_array_add(m->owned, o);
}

void machine_reset(Machine *m)
{
    for (guint i = 0; m->reset_hooks && i < m->reset_hooks->len; i++) {
        MachineResetHook *h = &g_array_index(m->reset_hooks, MachineResetHook, i);
        h->fn(h->opaque);
    }
}
