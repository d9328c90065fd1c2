/*
 * A small AML encoder (ACPI 6.3 §20) and resource descriptors (§6.4), enough
 * for the DSDT in tables.c. Terms are byte arrays composed inside out, so a
 * definition reads like its ASL:
 *
 *   aml_device("PCI0", aml_list(aml_name("_HID", aml_eisaid("PNP0A03")), ...))
 *
 * Every function that takes Aml arguments consumes (frees) them. Names and
 * opcodes come from mimic's own code, never from the guest: a malformed one
 * is a programming error and asserts.
 */
#ifndef HW_ACPI_AML_H
#define HW_ACPI_AML_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef GByteArray Aml;

Aml *aml_new(void);
void aml_free(Aml *a);
/* Concatenate the terms, freeing them, up to a NULL: a TermList. */
Aml *aml_list(Aml *first, ...) G_GNUC_NULL_TERMINATED;
/* Append src to dst and free src. */
void aml_append(Aml *dst, Aml *src);

/* ---- data (§20.2.3) ---- */
Aml *aml_int(uint64_t v);                  /* the shortest integer encoding */
Aml *aml_eisaid(const char *id);           /* "PNP0A03" as a compressed EISA ID DWordConst */
Aml *aml_path(const char *path);           /* a NameString: "\\_SB.PCI0", "^LNKA", "_CRS" */
Aml *aml_arg(unsigned n);                  /* Arg0-Arg6 */
Aml *aml_local(unsigned n);                /* Local0-Local7 */
Aml *aml_package(uint8_t count, Aml *elements);
Aml *aml_buffer(const uint8_t *bytes, size_t len);

/* ---- named objects (§20.2.5) ---- */
Aml *aml_name(const char *path, Aml *object);
Aml *aml_scope(const char *path, Aml *body);
Aml *aml_device(const char *path, Aml *body);
Aml *aml_method(const char *path, unsigned nargs, bool serialized, Aml *body);

#define AML_REGION_PCI_CONFIG 0x02
Aml *aml_opregion(const char *path, uint8_t space, uint64_t offset, uint64_t len);

typedef struct AmlField {
    const char *name; /* NULL: reserved bits (skipped) */
    unsigned bits;
} AmlField;
/* FieldFlags (§19.6.48): access type in bits 3:0, lock rule bit 4, update rule bits 6:5. */
#define AML_FIELD_BYTE_ACC 0x01
Aml *aml_field(const char *region, uint8_t flags, const AmlField *fields, size_t n);

/* ---- statements and expressions (§20.2.5.3, §20.2.5.4) ---- */
Aml *aml_return(Aml *value);
Aml *aml_if(Aml *predicate, Aml *body);
Aml *aml_store(Aml *value, Aml *target);
Aml *aml_and(Aml *a, Aml *b);              /* result only, no target */
Aml *aml_or(Aml *a, Aml *b);
Aml *aml_index(Aml *object, Aml *index);   /* a reference to an element */
Aml *aml_derefof(Aml *ref);

/* ---- resource descriptors (§6.4), appended to a template under construction ---- */
/* Address space descriptors (§6.4.3.5): resource type and general flags. */
#define AML_RES_MEMORY 0
#define AML_RES_IO 1
#define AML_RES_BUS 2
#define AML_RES_CONSUMER 0x01
#define AML_RES_SUB_DECODE 0x02
#define AML_RES_MIN_FIXED 0x04
#define AML_RES_MAX_FIXED 0x08
/* type-specific flags of a memory and of an I/O range */
#define AML_RES_MEM_RW 0x01
#define AML_RES_MEM_CACHEABLE (1 << 1)
#define AML_RES_IO_ENTIRE_RANGE 0x03
/* Extended interrupt flags (§6.4.3.6). */
#define AML_IRQ_CONSUMER 0x01
#define AML_IRQ_EDGE 0x02
#define AML_IRQ_ACTIVE_LOW 0x04
#define AML_IRQ_SHARED 0x08

void aml_res_io(GByteArray *r, uint16_t min, uint16_t max, uint8_t align, uint8_t len);
void aml_res_word(GByteArray *r, uint8_t type, uint8_t flags, uint8_t type_flags, uint16_t min, uint16_t max);
void aml_res_dword(GByteArray *r, uint8_t type, uint8_t flags, uint8_t type_flags, uint32_t min, uint32_t max);
void aml_res_ext_irq(GByteArray *r, uint8_t flags, const uint32_t *irqs, uint8_t n);
/*
 * Close the template with an End Tag and wrap it in a Buffer, freeing r.
 * With checksum the End Tag makes all bytes sum to zero; without, it holds
 * 0, which the spec defines as "treat as valid" (for a template a method
 * patches before returning it).
 */
Aml *aml_resource_template(GByteArray *r, bool checksum);

#endif
