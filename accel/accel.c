/* The accelerator table: every -accel name mimic knows, built or not. */
#include "accel/accel.h"

#include <string.h>

extern const AccelOps kvm_accel_ops;

#ifdef CONFIG_TCG
extern const AccelOps tcg_accel_ops;
#else
static bool tcg_available(char **why)
{
    *why = g_strdup("this mimic was built without the tcg accelerator (-Dtcg=false); use -accel kvm");
    return false;
}

/* In a build without the translator (-Dtcg=false), tcg is still listed
 * so that asking for it gets a reason, not "unknown". */
static const AccelOps tcg_accel_ops = {
    .name = "tcg",
    .available = tcg_available,
};
#endif

static const AccelOps *const accels[] = { &kvm_accel_ops, &tcg_accel_ops };

const AccelOps *accel_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(accels); i++) {
        if (!strcmp(accels[i]->name, name)) {
            return accels[i];
        }
    }
    return NULL;
}

void accel_list(void (*print)(const char *name, const char *desc))
{
    for (size_t i = 0; i < G_N_ELEMENTS(accels); i++) {
        char *why = NULL;
        bool ok = accels[i]->available(&why);
        print(accels[i]->name, ok ? "available" : why);
        g_free(why);
    }
}
