/* ACPI power management block (PM1a event/control, PM timer); see pm.c. */
#ifndef HW_ACPI_PM_H
#define HW_ACPI_PM_H

#include "hw/core/machine.h"

/* Layout of the block at pm_base: PM1a_EVT (4 bytes), PM1a_CNT (2), PM_TMR (4). */
#define ACPI_PM1_EVT_OFF 0x00
#define ACPI_PM1_CNT_OFF 0x04
#define ACPI_PM_TMR_OFF 0x08
#define ACPI_PM_LEN 0x10
#define ACPI_PM_TIMER_FREQ 3579545
/* SLP_TYP values the DSDT's \_S5 package hands the OS for soft-off. */
#define ACPI_SLP_TYP_S5 0

typedef struct AcpiPMState AcpiPMState;

AcpiPMState *acpi_pm_create(Machine *m, uint16_t pm_base, IrqLine *sci);

#endif
