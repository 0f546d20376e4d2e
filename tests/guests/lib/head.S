/*
 * Entry code of every test guest: arm64 Image header, boot and secondary
 * vCPU entry, and the EL1 exception vector table.
 *
 * Boot protocol (Linux arm64 / Xen dom0less): entered at EL1h, MMU off,
 * x0 = device tree IPA.  Secondary vCPUs enter at secondary_entry through
 * PSCI CPU_ON with x0 = context.  The MMU stays off on every vCPU: all data
 * accesses are Device-nGnRnE, hence -mstrict-align and no exclusives.
 */
#include "platform.h"

/* SCTLR_EL1: RES1 bits only (MMU, caches, alignment checks off, little-endian). */
#define SCTLR_EL1_INIT  0x30d00800

#define FRAME_SIZE      288     /* struct exc_regs */

        .macro  set_cpu_stack, tmp1, tmp2
        mrs     \tmp1, mpidr_el1
        and     \tmp1, \tmp1, #0xff
        cmp     \tmp1, #NR_CPUS
        b.hs    park
        add     \tmp1, \tmp1, #1
        lsl     \tmp1, \tmp1, #STACK_SHIFT
        adrp    \tmp2, cpu_stacks
        add     \tmp2, \tmp2, :lo12:cpu_stacks
        add     \tmp2, \tmp2, \tmp1
        mov     sp, \tmp2
        .endm

        .macro  cpu_init, tmp
        msr     daifset, #0xf
        ldr     \tmp, =SCTLR_EL1_INIT
        msr     sctlr_el1, \tmp
        adrp    \tmp, exception_vectors
        add     \tmp, \tmp, :lo12:exception_vectors
        msr     vbar_el1, \tmp
        isb
        .endm

        .section .text.head, "ax"
        .globl  _start
_start:
        b       primary_entry           /* code0 */
        .long   0                       /* code1 */
        .quad   0                       /* text_offset */
        .quad   _image_size             /* image_size, bss included */
        .quad   0xa                     /* flags: LE, 4K pages, anywhere */
        .quad   0, 0, 0                 /* res2..res4 */
        .long   0x644d5241              /* magic "ARM\x64" */
        .long   0                       /* res5 */

primary_entry:
        mov     x19, x0
        cpu_init x1
        /* Zero .bss (stacks included) before anything touches it. */
        adrp    x1, __bss_start
        add     x1, x1, :lo12:__bss_start
        adrp    x2, __bss_end
        add     x2, x2, :lo12:__bss_end
1:      cmp     x1, x2
        b.hs    2f
        stp     xzr, xzr, [x1], #16
        b       1b
2:      set_cpu_stack x1, x2
        mov     x0, x19
        bl      guest_start             /* never returns */
        b       park

        .globl  secondary_entry
secondary_entry:
        mov     x19, x0
        cpu_init x1
        set_cpu_stack x1, x2
        mov     x0, x19
        bl      secondary_start         /* never returns */
        /* fall through */
        .globl  park
park:
        msr     daifset, #0xf
        wfi
        b       park

        .ltorg

/* ---------------------------------------------------------------------- */
/* Exception vectors: every entry saves x0/x1, passes its index in x0.     */

        .macro  vector_entry, idx
        .balign 0x80
        sub     sp, sp, #FRAME_SIZE
        stp     x0, x1, [sp, #0]
        mov     x0, #\idx
        b       exception_common
        .endm

        .text
        .balign 0x800
        .globl  exception_vectors
exception_vectors:
        .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        vector_entry \i
        .endr

exception_common:
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x19, [sp, #144]
        stp     x20, x21, [sp, #160]
        stp     x22, x23, [sp, #176]
        stp     x24, x25, [sp, #192]
        stp     x26, x27, [sp, #208]
        stp     x28, x29, [sp, #224]
        mrs     x1, elr_el1
        stp     x30, x1, [sp, #240]
        mrs     x1, spsr_el1
        mrs     x2, esr_el1
        stp     x1, x2, [sp, #256]
        mrs     x1, far_el1
        str     x1, [sp, #272]
        mov     x1, sp
        bl      exception_dispatch      /* (index, struct exc_regs *) */
        ldr     x1, [sp, #248]
        ldr     x2, [sp, #256]
        msr     elr_el1, x1
        msr     spsr_el1, x2
        ldp     x0, x1, [sp, #0]
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x19, [sp, #144]
        ldp     x20, x21, [sp, #160]
        ldp     x22, x23, [sp, #176]
        ldp     x24, x25, [sp, #192]
        ldp     x26, x27, [sp, #208]
        ldp     x28, x29, [sp, #224]
        ldr     x30, [sp, #240]
        add     sp, sp, #FRAME_SIZE
        eret

/* ---------------------------------------------------------------------- */
        .bss
        .balign 16
        .globl  cpu_stacks
cpu_stacks:
        .space  NR_CPUS << STACK_SHIFT  /* vCPU n: [n << SHIFT, (n + 1) << SHIFT) */
