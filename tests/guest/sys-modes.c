/* mimic-test: */
/*
 * Operating-mode switches at CPL 0, after Intel SDM vol. 3A chapter 9
 * (9.9 mode switching, 9.8.5 initializing IA-32e mode, 9.8.5.4 leaving
 * it) and 3.4 (segment registers and their hidden parts), 5.2.1 (code
 * segments in IA-32e mode), 3.4.4 (segment loads in 64-bit mode), 6.14
 * (64-bit exception delivery), vol. 1 3.6 (operand size of stack
 * operations):
 *
 *   32-bit protected mode -> 16-bit protected mode -> real mode ->
 *   32-bit protected mode -> compatibility mode (IA-32e, paging on) ->
 *   64-bit mode -> compatibility mode -> 32-bit protected mode (paging and
 *   IA-32e off)
 *
 * one far jump or MOV to CR0 at a time. In each mode the tour records
 * what the mode implies: the stack bytes of PUSH, CALL and far CALL, CR0.PE
 * and EFER.LMA, CS, the segment base a data access uses (selector * 16 in
 * real mode, the descriptor's base in protected and compatibility mode,
 * none in 64-bit mode except FS/GS), the descriptor attributes LAR sees
 * (CS/SS), a 16-bit stack that wraps at 64 KiB, a descriptor cache kept
 * across the switch to real mode, the segment limit that compatibility
 * mode checks and 64-bit mode ignores, and far calls and returns between
 * 16-bit, 32-bit and 64-bit code. Test_main prints it afterwards.
 */
#include "sys.h"

/* Low memory: 16-bit code and real-mode data must sit below 1 MiB. */
#define LOW_CODE 0x1000    /* the 16-bit code, copied here (real mode CS 0x0100) */
#define LOW_SEG 0x0100
#define RES 0x2000         /* results, one dword per slot */
#define SCRATCH 0x3000     /* data reached through different segment bases */
#define LOW_STACK 0x7000   /* the 16-bit and real-mode stack */
#define MAGIC_AT_3020 0x600df00du
#define UNREAL_MAGIC 0x0badcafeu

#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18    /* base LOW_CODE, limit 64 KiB, D=0 */
#define SEL_DATA16 0x20    /* base 0, limit 64 KiB, B=0 */
#define SEL_CODE64 0x28
#define SEL_LIMDATA 0x30   /* base 0, limit 0xfff */
#define SEL_BASEDATA 0x38  /* base SCRATCH, limit 64 KiB */
#define SEL_UNUSED 0x40    /* never loaded */

/* Result slots (dwords at RES) */
#define R_NO_LAR 0         /* set by test_main: LAR is not run (KVM) */
#define R_STAGE 1          /* last stage reached */
#define R_PM32_PUSH 2
#define R_PM32_PUSHW 3
#define R_PM32_LAR_CS 4
#define R_PM32_LAR_SS 5
#define R_PM32_DSBASE 6
#define R_PM16_CS 7
#define R_PM16_PUSH 8
#define R_PM16_PUSHL 9
#define R_PM16_CALL 10
#define R_PM16_FARCALL 11
#define R_PM16_FARCALL32 12
#define R_PM16_WRAP_ESP 13
#define R_PM16_WRAP_VAL 14
#define R_PM16_DSBASE 15
#define R_PM16_LAR_CS 16
#define R_PM16_LAR_SS 17
#define R_RM_MSW 18
#define R_RM_CS 19
#define R_RM_PUSH 20
#define R_RM_PUSHL 21
#define R_RM_FARCALL 22
#define R_RM_INT_COUNT 23
#define R_RM_INT_PUSHED 24
#define R_RM_INT_CS 25
#define R_RM_DSREAD 26
#define R_RM_UNREAL 27
#define R_PM32B_CR0 28
#define R_CM_EFER 29
#define R_CM_CR0 30
#define R_CM_PUSH 31
#define R_CM_LAR_CS 32
#define R_LM_CS 33
#define R_LM_PUSH 34
#define R_LM_PUSHW 35
#define R_LM_CALL 36
#define R_LM_LAR_CS 37
#define R_LM_LAR_SS 38
#define R_LM_DSBASE 39
#define R_LM_DSLIM 40
#define R_LM_FSBASE_MSR 41
#define R_LM_FSREAD 42
#define R_LM_FSMSR_READ 43
#define R_LM_FARCALL 44
#define R_LM_LRETQ 45
#define R_CM_LIM_NOFAULT 46
#define R_EXC_VEC 47
#define R_EXC_ERR 48
#define R_EXC_RIP 49
#define R_PM32C_EFER 50
#define R_PM32C_CR0 51
#define R_PM32C_PUSH 52
#define R_CM_LIM_RIP 53
#define R_PM16_ESP_HI 54
#define R_LM_NULLSS 55
#define R_LM_NULLSS_SEL 56
#define R_COUNT 57

#define RS(i) "RES+4*" XSTR(i)

static volatile uint32_t *const res = (volatile uint32_t *)RES;

__asm__(".set LOW_SEG, " XSTR(LOW_SEG) "\n"
        ".set RES, " XSTR(RES) "\n"
        ".set LOW_STACK, " XSTR(LOW_STACK) "\n"
        ".set SEL_CODE32, " XSTR(SEL_CODE32) "\n"
        ".set SEL_DATA32, " XSTR(SEL_DATA32) "\n"
        ".set SEL_CODE16, " XSTR(SEL_CODE16) "\n"
        ".set SEL_DATA16, " XSTR(SEL_DATA16) "\n"
        ".set SEL_CODE64, " XSTR(SEL_CODE64) "\n"
        ".set SEL_LIMDATA, " XSTR(SEL_LIMDATA) "\n"
        ".set SEL_BASEDATA, " XSTR(SEL_BASEDATA) "\n");

/*
 * The tour. Registers: EBX holds a stack pointer before a call, DI the
 * slot a callee writes. Results go through SS, which has base 0 in every
 * mode, so data-segment experiments cannot redirect them.
 */
__asm__(".pushsection .text\n"
        ".code32\n"
        ".globl modes_tour\n"
        "modes_tour:\n"
        "  pushal\n"
        "  movl %esp, saved_esp\n"
        "  sidt saved_idt\n"
        /* ---- 32-bit protected mode ---- */
        "  movl $1, " RS(R_STAGE) "\n"
        "  mov %esp, %eax; push $0x55; sub %esp, %eax; add %eax, %esp\n"
        "  mov %eax, " RS(R_PM32_PUSH) "\n"
        "  mov %esp, %eax; pushw $0x55; sub %esp, %eax; add %eax, %esp\n"
        "  mov %eax, " RS(R_PM32_PUSHW) "\n"
        "  cmpb $0, " RS(R_NO_LAR) "; jne 1f\n"
        "  mov %cs, %ecx; lar %ecx, %eax; mov %eax, " RS(R_PM32_LAR_CS) "\n"
        "  mov %ss, %ecx; lar %ecx, %eax; mov %eax, " RS(R_PM32_LAR_SS) "\n"
        "1:mov $SEL_BASEDATA, %eax; mov %eax, %ds\n"
        "  mov 0x20, %eax; mov %eax, %ss:" RS(R_PM32_DSBASE) "\n"
        "  mov $SEL_DATA32, %eax; mov %eax, %ds; mov %eax, %fs\n"
        "  ljmp $SEL_CODE16, $(pm16 - low_start)\n"
        /* ---- 16-bit code, copied to LOW_CODE ---- */
        ".code16\n"
        ".globl low_start\n"
        "low_start:\n"
        "pm16:\n"
        "  movl $2, %ss:" RS(R_STAGE) "\n"
        "  mov $SEL_DATA16, %ax; mov %ax, %ds; mov %ax, %es; mov %ax, %ss\n"
        "  mov $(0x12340000 + LOW_STACK), %esp\n"
        "  mov %cs, " RS(R_PM16_CS) "\n"
        "  mov %sp, %ax; push $0x55; sub %sp, %ax; add %ax, %sp; mov %ax, " RS(R_PM16_PUSH) "\n"
        "  mov %sp, %ax; pushl $0x55; sub %sp, %ax; add %ax, %sp; mov %ax, " RS(R_PM16_PUSHL) "\n"
        "  mov %sp, %bx; mov $" RS(R_PM16_CALL) ", %edi; call near16\n"
        "  mov %sp, %bx; mov $" RS(R_PM16_FARCALL) ", %edi\n"
        "  lcall $SEL_CODE16, $(far16 - low_start)\n"
        "  mov %sp, %bx; mov $" RS(R_PM16_FARCALL32) ", %edi\n"
        "  lcalll $SEL_CODE32, $far32\n"
        "  mov %esp, %eax; shr $16, %eax; mov %eax, " RS(R_PM16_ESP_HI) "\n"
        /* SS.B=0: PUSH with SP = 0 writes at 0xfffe, ESP[31:16] kept */
        "  mov $0x12340000, %esp; pushw $0x4242; mov %esp, " RS(R_PM16_WRAP_ESP) "\n"
        "  mov 0xfffe, %ax; mov %ax, " RS(R_PM16_WRAP_VAL) "\n"
        "  mov $LOW_STACK, %esp\n"
        "  mov $SEL_BASEDATA, %ax; mov %ax, %es; mov %es:0x20, %eax\n"
        "  mov %eax, " RS(R_PM16_DSBASE) "\n"
        "  cmpb $0, " RS(R_NO_LAR) "; jne 1f\n"
        "  mov %cs, %cx; lar %ecx, %eax; mov %eax, " RS(R_PM16_LAR_CS) "\n"
        "  mov %ss, %cx; lar %ecx, %eax; mov %eax, " RS(R_PM16_LAR_SS) "\n"
        /* FS keeps the flat 4 GiB descriptor loaded in 32-bit mode */
        "1:mov %cr0, %eax; and $~1, %eax; mov %eax, %cr0\n"
        "  ljmp $LOW_SEG, $(rm - low_start)\n"
        /* ---- real mode ---- */
        "rm:\n"
        "  xor %ax, %ax; mov %ax, %ds; mov %ax, %es; mov %ax, %ss\n"
        "  mov $LOW_STACK, %esp\n"
        "  movl $3, " RS(R_STAGE) "\n"
        "  lidt %cs:(rm_idt - low_start)\n"
        "  smsw %ax; and $1, %ax; mov %ax, " RS(R_RM_MSW) "\n"
        "  mov %cs, " RS(R_RM_CS) "\n"
        "  mov %sp, %ax; push $0x55; sub %sp, %ax; add %ax, %sp; mov %ax, " RS(R_RM_PUSH) "\n"
        "  mov %sp, %ax; pushl $0x55; sub %sp, %ax; add %ax, %sp; mov %ax, " RS(R_RM_PUSHL) "\n"
        "  mov %sp, %bx; mov $" RS(R_RM_FARCALL) ", %edi\n"
        "  lcall $LOW_SEG, $(far16 - low_start)\n"
        "  mov %sp, %bx\n"
        "  int $0x30\n"
        /* selector * 16: ES 0x0300 -> 0x3000; DS 0x0302 -> 0x3020 */
        "  mov $0x0300, %ax; mov %ax, %es; movw $0xbeef, %es:0x10\n"
        "  mov $0x0302, %ax; mov %ax, %ds; mov 0, %eax\n"
        "  xor %cx, %cx; mov %cx, %ds; mov %eax, " RS(R_RM_DSREAD) "\n"
        "  mov $unreal_word, %esi; mov %fs:(%esi), %eax; mov %eax, " RS(R_RM_UNREAL) "\n"
        "  movl $4, " RS(R_STAGE) "\n"
        "  mov %cr0, %eax; or $1, %eax; mov %eax, %cr0\n"
        "  ljmpl $SEL_CODE32, $pm32_back\n"
        "near16:\n"
        "  mov %bx, %ax; sub %sp, %ax; mov %ax, %ss:(%di); ret\n"
        "far16:\n"
        "  mov %bx, %ax; sub %sp, %ax; mov %ax, %ss:(%di); lret\n"
        "rmint:\n"
        "  incw " RS(R_RM_INT_COUNT) "\n"
        "  mov %bx, %ax; sub %sp, %ax; mov %ax, " RS(R_RM_INT_PUSHED) "\n"
        "  mov %sp, %si; mov %ss:2(%si), %ax; mov %ax, " RS(R_RM_INT_CS) "\n"
        "  iret\n"
        "rm_idt: .word 0x3ff\n"
        "  .long 0\n"
        ".globl low_end\n"
        "low_end:\n"
        /* 32-bit code called from 16-bit code: its stack is still SP-based */
        ".code32\n"
        "far32:\n"
        "  mov %ebx, %eax; sub %esp, %eax; mov %ax, %ss:(%edi); lret\n"
        /* ---- 32-bit protected mode again ---- */
        "pm32_back:\n"
        "  mov $SEL_DATA32, %eax; mov %eax, %ds; mov %eax, %es; mov %eax, %ss; mov %eax, %fs\n"
        "  mov %eax, %gs\n"
        "  mov saved_esp, %esp\n"
        "  lidt saved_idt\n"
        "  movl $5, " RS(R_STAGE) "\n"
        "  mov %cr0, %eax; mov %eax, " RS(R_PM32B_CR0) "\n"
        /* ---- IA-32e: paging with PAE on, LME set: compatibility mode ---- */
        "  mov $modes_pml4, %eax; mov %eax, %cr3\n"
        "  mov %cr4, %eax; or $0x20, %eax; mov %eax, %cr4\n"
        "  mov $0xc0000080, %ecx; rdmsr; or $0x100, %eax; wrmsr\n"
        "  mov %cr0, %eax; or $0x80000000, %eax; mov %eax, %cr0\n"
        "  movl $6, " RS(R_STAGE) "\n"
        "  lidt modes_idt64_desc\n"
        "  mov $0xc0000080, %ecx; rdmsr; mov %eax, " RS(R_CM_EFER) "\n"
        "  mov %cr0, %eax; mov %eax, " RS(R_CM_CR0) "\n"
        "  mov %esp, %eax; push $0x55; sub %esp, %eax; add %eax, %esp\n"
        "  mov %eax, " RS(R_CM_PUSH) "\n"
        "  cmpb $0, " RS(R_NO_LAR) "; jne 1f\n"
        "  mov %cs, %ecx; lar %ecx, %eax; mov %eax, " RS(R_CM_LAR_CS) "\n"
        "1:ljmp $SEL_CODE64, $lm64\n"
        /* ---- 64-bit mode ---- */
        ".code64\n"
        "lm64:\n"
        "  movl %esp, %esp\n"
        "  mov %rsp, saved_rsp(%rip)\n"
        "  lea lm_bail(%rip), %rax; mov %rax, exc_resume(%rip)\n"
        "  movl $7, " RS(R_STAGE) "\n"
        "  mov %cs, %eax; mov %eax, " RS(R_LM_CS) "\n"
        "  mov %rsp, %rax; push $0x55; sub %rsp, %rax; add %rax, %rsp\n"
        "  mov %eax, " RS(R_LM_PUSH) "\n"
        "  mov %rsp, %rax; pushw $0x55; sub %rsp, %rax; add %rax, %rsp\n"
        "  mov %eax, " RS(R_LM_PUSHW) "\n"
        "  mov %rsp, %rbx; call near64\n"
        "  cmpb $0, " RS(R_NO_LAR) "; jne 1f\n"
        "  mov %cs, %ecx; lar %ecx, %eax; mov %eax, " RS(R_LM_LAR_CS) "\n"
        "  mov %ss, %ecx; lar %ecx, %eax; mov %eax, " RS(R_LM_LAR_SS) "\n"
        /* DS base and limit do not apply in 64-bit mode */
        "1:mov $SEL_BASEDATA, %eax; mov %eax, %ds; mov 0x3020, %eax\n"
        "  mov %eax, " RS(R_LM_DSBASE) "\n"
        "  mov $SEL_LIMDATA, %eax; mov %eax, %ds; mov 0x3020, %eax; mov %eax, " RS(R_LM_DSLIM) "\n"
        "  mov $SEL_DATA32, %eax; mov %eax, %ds\n"
        /* FS: a selector load takes the descriptor's base, WRMSR sets all 64 bits */
        "  mov $SEL_BASEDATA, %eax; mov %eax, %fs\n"
        "  mov $0xc0000100, %ecx; rdmsr; mov %eax, " RS(R_LM_FSBASE_MSR) "\n"
        "  mov %fs:0x20, %eax; mov %eax, " RS(R_LM_FSREAD) "\n"
        "  mov $0xc0000100, %ecx; mov $0x3010, %eax; xor %edx, %edx; wrmsr\n"
        "  mov %fs:0x10, %eax; mov %eax, " RS(R_LM_FSMSR_READ) "\n"
        "  mov $SEL_DATA32, %eax; mov %eax, %fs\n"
        /* far call with a 32-bit offset into compatibility mode, back by a 32-bit far return */
        "  mov %rsp, %rbx; lcall *fp_compat_sub(%rip)\n"
        "  movl %esp, %esp\n"
        /* far return with REX.W: 8-byte RIP and CS */
        "  pushq $SEL_CODE64; lea 2f(%rip), %rax; push %rax; lretq\n"
        "2:movl $1, " RS(R_LM_LRETQ) "\n"
        /* a null SS is allowed at CPL 0 in 64-bit mode */
        "  xor %eax, %eax; mov %eax, %ss; push $0x66; pop %rax; mov %eax, " RS(R_LM_NULLSS) "\n"
        "  mov %ss, %eax; mov %eax, " RS(R_LM_NULLSS_SEL) "\n"
        "  mov $SEL_DATA32, %eax; mov %eax, %ss\n"
        /* compatibility mode checks DS's limit: #GP(0) */
        "  lea lm_recover(%rip), %rax; mov %rax, exc_resume(%rip)\n"
        "  mov $SEL_LIMDATA, %eax; mov %eax, %ds\n"
        "  ljmpl *fp_compat_lim(%rip)\n"
        "lm_recover:\n"
        "  mov $SEL_DATA32, %eax; mov %eax, %ds\n"
        "  lea lm_bail(%rip), %rax; mov %rax, exc_resume(%rip)\n"
        "lm_bail:\n"
        "  mov $SEL_DATA32, %eax; mov %eax, %ds\n"
        "  movl $8, " RS(R_STAGE) "\n"
        "  ljmpl *fp_compat_exit(%rip)\n"
        "near64:\n"
        "  mov %rbx, %rax; sub %rsp, %rax; mov %eax, " RS(R_LM_CALL) "; ret\n"
        ".balign 8\n"
        "fp_compat_sub: .long compat_sub\n .word SEL_CODE32\n"
        "fp_compat_lim: .long compat_lim\n .word SEL_CODE32\n"
        "fp_compat_exit: .long compat_exit\n .word SEL_CODE32\n"
        "fp_lm_recover: .long lm_recover\n .word SEL_CODE64\n"
        /* 64-bit exception stubs: vector, error code, RIP to the slots, then exc_resume */
        ".balign 16\n"
        ".globl modes_exc64\n"
        "modes_exc64:\n"
        ".set vec, 0\n"
        ".rept 32\n"
        ".balign 16\n"
        ".if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17)\n"
        ".else\n"
        "  pushq $0\n"
        ".endif\n"
        "  pushq $vec\n"
        "  jmp exc64_common\n"
        ".set vec, vec + 1\n"
        ".endr\n"
        "exc64_common:\n"
        "  popq %rax; mov %eax, %ss:" RS(R_EXC_VEC) "\n"
        "  popq %rax; mov %eax, %ss:" RS(R_EXC_ERR) "\n"
        "  popq %rax; mov %eax, %ss:" RS(R_EXC_RIP) "\n"
        "  mov saved_rsp(%rip), %rsp\n"
        "  jmp *exc_resume(%rip)\n"
        /* ---- compatibility-mode pieces ---- */
        ".code32\n"
        "compat_sub:\n"
        "  mov %ebx, %eax; sub %esp, %eax; mov %eax, " RS(R_LM_FARCALL) "; lret\n"
        "compat_lim:\n"
        "  movl $compat_lim_load, %ss:" RS(R_CM_LIM_RIP) "\n"
        "compat_lim_load:\n"
        "  mov 0x3020, %eax\n"
        "  mov %eax, %ss:" RS(R_CM_LIM_NOFAULT) "\n"
        "  ljmp *%ss:fp_lm_recover\n"
        "compat_exit:\n"
        "  movl $9, " RS(R_STAGE) "\n"
        "  mov %cr0, %eax; and $0x7fffffff, %eax; mov %eax, %cr0\n"
        "  mov $0xc0000080, %ecx; rdmsr; and $~0x100, %eax; wrmsr\n"
        "  rdmsr; mov %eax, " RS(R_PM32C_EFER) "\n"
        "  mov %cr4, %eax; and $~0x20, %eax; mov %eax, %cr4\n"
        "  mov %cr0, %eax; mov %eax, " RS(R_PM32C_CR0) "\n"
        "  lidt saved_idt\n"
        "  mov %esp, %eax; push $0x55; sub %esp, %eax; add %eax, %esp\n"
        "  mov %eax, " RS(R_PM32C_PUSH) "\n"
        "  movl $10, " RS(R_STAGE) "\n"
        "  mov saved_esp, %esp\n"
        "  popal\n"
        "  ret\n"
        ".popsection\n");

extern const char low_start[], low_end[], rmint[], modes_exc64[];
extern const char compat_lim_load[];
void modes_tour(void);

uint32_t saved_esp;
uint64_t saved_rsp;
uint64_t exc_resume;
uint8_t saved_idt[6];
uint32_t unreal_word = UNREAL_MAGIC;

uint64_t modes_pml4[512] __attribute__((aligned(4096)));
static uint64_t modes_pdpt[512] __attribute__((aligned(4096)));
static uint64_t modes_pd[512] __attribute__((aligned(4096)));

struct gate64 {
    uint16_t offset_lo, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_hi, reserved;
} __attribute__((packed));
static struct gate64 idt64[32];
struct {
    uint16_t limit;
    uint32_t base_lo, base_hi;
} __attribute__((packed)) modes_idt64_desc;

static uint64_t gdt[9];

static void setup(void)
{
    gdt[SEL_CODE32 / 8] = seg_desc(0, 0xfffff, ACC_CODE, DESC_G | DESC_DB);
    gdt[SEL_DATA32 / 8] = seg_desc(0, 0xfffff, ACC_DATA, DESC_G | DESC_DB);
    gdt[SEL_CODE16 / 8] = seg_desc(LOW_CODE, 0xffff, ACC_CODE, 0);
    gdt[SEL_DATA16 / 8] = seg_desc(0, 0xffff, ACC_DATA, 0);
    gdt[SEL_CODE64 / 8] = seg_desc(0, 0xfffff, ACC_CODE, DESC_G | DESC_L);
    gdt[SEL_LIMDATA / 8] = seg_desc(0, 0xfff, ACC_DATA, DESC_DB);
    gdt[SEL_BASEDATA / 8] = seg_desc(SCRATCH, 0xffff, ACC_DATA, DESC_DB);
    gdt[SEL_UNUSED / 8] = seg_desc(0, 0xfffff, ACC_DATA, DESC_G | DESC_DB);
    lgdt_at(gdt, sizeof(gdt));
    /* CS and SS from this GDT, so their descriptors are marked accessed */
    __asm__ volatile("ljmp $" XSTR(SEL_CODE32) ", $1f\n1:\n"
                     "mov %0, %%ss" : : "r"(SEL_DATA32) : "memory");

    volatile uint8_t *low = phys(LOW_CODE);
    for (const char *p = low_start; p < low_end; p++) {
        *low++ = (uint8_t)*p;
    }
    /* real-mode interrupt vector 0x30 -> LOW_SEG:rmint */
    volatile uint16_t *ivt = phys(0);
    ivt[0x30 * 2] = (uint16_t)(rmint - low_start);
    ivt[0x30 * 2 + 1] = LOW_SEG;
    *(volatile uint32_t *)phys(SCRATCH + 0x10) = 0;
    *(volatile uint32_t *)phys(SCRATCH + 0x20) = MAGIC_AT_3020;

    /* identity map of the low 8 MiB, 2 MiB pages */
    modes_pml4[0] = (uint32_t)(uintptr_t)modes_pdpt | 3;
    modes_pdpt[0] = (uint32_t)(uintptr_t)modes_pd | 3;
    for (uint32_t i = 0; i < 4; i++) {
        modes_pd[i] = (i << 21) | 0x83;
    }
    for (int v = 0; v < 32; v++) {
        uint32_t a = (uint32_t)(uintptr_t)(modes_exc64 + 16 * v);
        idt64[v] = (struct gate64){ .offset_lo = a & 0xffff, .selector = SEL_CODE64, .type = 0x8e,
                                    .offset_mid = a >> 16 };
    }
    modes_idt64_desc.limit = sizeof(idt64) - 1;
    modes_idt64_desc.base_lo = (uint32_t)(uintptr_t)idt64;

    for (int i = 0; i < R_COUNT; i++) {
        res[i] = 0;
    }
    res[R_EXC_VEC] = 0xffffffff;
}

SYS_CATCH_DEFINE

/* A LAR result, or a FAIL under KVM, where LAR at CPL 0 stops the VM.
 * Bits 19:16 (the limit's top) are undefined in what LAR returns. */
static void check_lar(bool kvm, uint32_t got, uint32_t want, const char *what)
{
    if (kvm) {
        check(false, "%s", what);
    } else {
        check_eq(got & 0x00f0ff00u, want, "%s", what);
    }
}

static bool accessed(uint16_t sel)
{
    return (gdt[sel / 8] >> 40) & DESC_A;
}

void test_main(void)
{
    sys_catch_init();
    bool kvm = on_kvm();
    setup();
    res[R_NO_LAR] = kvm;
    modes_tour();
    check_eq(res[R_STAGE], 10, "tour completed");

    printf("32-bit protected mode:\n");
    check_eq(res[R_PM32_PUSH], 4, "PUSH imm: bytes");
    check_eq(res[R_PM32_PUSHW], 2, "PUSH imm with 66h: bytes");
    check_lar(kvm, res[R_PM32_LAR_CS], 0x00c09b00, "LAR CS (32-bit code, accessed)");
    check_lar(kvm, res[R_PM32_LAR_SS], 0x00c09300, "LAR SS (32-bit data, accessed)");
    check_eq(res[R_PM32_DSBASE], MAGIC_AT_3020, "DS with base 0x3000: DS:0x20 reads 0x3020");

    printf("16-bit protected mode:\n");
    check_eq(res[R_PM16_CS], SEL_CODE16, "CS");
    check_eq(res[R_PM16_PUSH], 2, "PUSH imm: bytes");
    check_eq(res[R_PM16_PUSHL], 4, "PUSH imm with 66h: bytes");
    check_eq(res[R_PM16_CALL], 2, "near CALL pushes IP");
    check_eq(res[R_PM16_FARCALL], 4, "far CALL pushes CS:IP");
    check_eq(res[R_PM16_FARCALL32], 8, "far CALL with 66h into 32-bit code pushes CS:EIP");
    check_eq(res[R_PM16_ESP_HI], 0x1234, "16-bit stack: ESP[31:16] untouched by PUSH/CALL/RET");
    check_eq(res[R_PM16_WRAP_ESP], 0x1234fffe, "16-bit stack: PUSH at SP 0 wraps to SP 0xfffe");
    check_eq(res[R_PM16_WRAP_VAL], 0x4242, "16-bit stack: the word went to SS:0xfffe");
    check_eq(res[R_PM16_DSBASE], MAGIC_AT_3020, "ES with base 0x3000: ES:0x20 reads 0x3020");
    check_lar(kvm, res[R_PM16_LAR_CS], 0x00009b00, "LAR CS (16-bit code)");
    check_lar(kvm, res[R_PM16_LAR_SS], 0x00009300, "LAR SS (16-bit data)");

    printf("real mode:\n");
    check_eq(res[R_RM_MSW], 0, "SMSW: PE clear");
    check_eq(res[R_RM_CS], LOW_SEG, "CS");
    check_eq(res[R_RM_PUSH], 2, "PUSH imm: bytes");
    check_eq(res[R_RM_PUSHL], 4, "PUSH imm with 66h: bytes");
    check_eq(res[R_RM_FARCALL], 4, "far CALL pushes CS:IP");
    check_eq(res[R_RM_INT_COUNT], 1, "INT 30h through the vector table at IDTR.base 0");
    check_eq(res[R_RM_INT_PUSHED], 6, "INT pushes FLAGS, CS, IP");
    check_eq(res[R_RM_INT_CS], LOW_SEG, "INT: pushed CS");
    check_eq(*(volatile uint16_t *)phys(SCRATCH + 0x10), 0xbeef, "ES 0x0300: ES:0x10 is 0x3010");
    check_eq(res[R_RM_DSREAD], MAGIC_AT_3020, "DS 0x0302: DS:0 reads 0x3020");
    check_eq(res[R_RM_UNREAL], UNREAL_MAGIC, "FS keeps its 4 GiB limit from protected mode");

    printf("back to 32-bit protected mode, then IA-32e:\n");
    check_eq(res[R_PM32B_CR0] & (CR0_PE | CR0_PG), CR0_PE, "CR0: PE set, PG clear");
    check_eq(res[R_CM_EFER] & (EFER_LME | EFER_LMA), EFER_LME | EFER_LMA, "EFER: LME and LMA");
    check_eq(res[R_CM_CR0] & (CR0_PE | CR0_PG), CR0_PE | CR0_PG, "CR0: PE and PG");
    check_eq(res[R_CM_PUSH], 4, "compatibility mode: PUSH imm: bytes");
    check_lar(kvm, res[R_CM_LAR_CS], 0x00c09b00, "compatibility mode: LAR CS");

    printf("64-bit mode:\n");
    check_eq(res[R_LM_CS], SEL_CODE64, "CS");
    check_eq(res[R_LM_PUSH], 8, "PUSH imm: bytes");
    check_eq(res[R_LM_PUSHW], 2, "PUSH imm with 66h: bytes");
    check_eq(res[R_LM_CALL], 8, "near CALL pushes RIP");
    check_lar(kvm, res[R_LM_LAR_CS], 0x00a09b00, "LAR CS (L set)");
    check_lar(kvm, res[R_LM_LAR_SS], 0x00c09300, "LAR SS");
    check_eq(res[R_LM_DSBASE], MAGIC_AT_3020, "DS base ignored: [0x3020] with DS base 0x3000");
    check_eq(res[R_LM_DSLIM], MAGIC_AT_3020, "DS limit ignored: [0x3020] with DS limit 0xfff");
    check_eq(res[R_LM_FSBASE_MSR], 0x3000, "MOV to FS loads FS_BASE from the descriptor");
    check_eq(res[R_LM_FSREAD], MAGIC_AT_3020, "FS:0x20 with FS base 0x3000");
    check_eq(res[R_LM_FSMSR_READ], MAGIC_AT_3020, "FS:0x10 after WRMSR FS_BASE 0x3010");
    check_eq(res[R_LM_FARCALL], 8, "far CALL m16:32 into compatibility mode pushes CS and EIP");
    check_eq(res[R_LM_LRETQ], 1, "far RET with REX.W back into 64-bit mode");
    check_eq(res[R_LM_NULLSS], 0x66, "null SS at CPL 0: PUSH and POP work");
    check_eq(res[R_LM_NULLSS_SEL], 0, "null SS at CPL 0: SS reads 0");
    check_eq(res[R_EXC_VEC], 13, "compatibility mode, DS limit 0xfff: [0x3020] raises #GP");
    check_eq(res[R_EXC_ERR], 0, "#GP error code");
    check_eq(res[R_EXC_RIP], (uint32_t)(uintptr_t)compat_lim_load, "#GP at the load");
    check_eq(res[R_CM_LIM_NOFAULT], 0, "nothing loaded past the limit");

    printf("IA-32e off:\n");
    check_eq(res[R_PM32C_EFER] & (EFER_LME | EFER_LMA), 0, "EFER: LME and LMA clear");
    check_eq(res[R_PM32C_CR0] & (CR0_PE | CR0_PG), CR0_PE, "CR0: PE set, PG clear");
    check_eq(res[R_PM32C_PUSH], 4, "32-bit protected mode: PUSH imm: bytes");

    printf("descriptors:\n");
    check(accessed(SEL_CODE16) && accessed(SEL_DATA16) && accessed(SEL_CODE64) &&
              accessed(SEL_LIMDATA) && accessed(SEL_BASEDATA),
          "accessed bit set in every descriptor the tour loaded");
    check(!accessed(SEL_UNUSED), "accessed bit clear in a descriptor never loaded");
}

