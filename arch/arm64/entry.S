/*
 * EL2 exception vectors and the world switch.  enter_guest() runs a vCPU until
 * it traps back to EL2 and then returns, like a function, the kind of exit, so
 * the rest of Domus is an ordinary loop in C that never nests exceptions.
 */
#include <asm/exits.h>

#define GREGS_PC    248
#define HOST_FRAME  112		/* x19-x30 plus the guest register pointer */

	.text

/* uint64_t enter_guest(struct cpu_regs *regs) */
	.global enter_guest
enter_guest:
	sub	sp, sp, #HOST_FRAME
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	str	x0, [sp, #96]
	ldp	x1, x2, [x0, #GREGS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0, #0]
	eret
	dsb	nsh
	isb

/* Entered from a lower-EL vector with the guest's x0/x1 pushed and x0 = exit kind. */
guest_exit:
	ldr	x1, [sp, #16 + 96]
	stp	x2, x3, [x1, #16]
	stp	x4, x5, [x1, #32]
	stp	x6, x7, [x1, #48]
	stp	x8, x9, [x1, #64]
	stp	x10, x11, [x1, #80]
	stp	x12, x13, [x1, #96]
	stp	x14, x15, [x1, #112]
	stp	x16, x17, [x1, #128]
	stp	x18, x19, [x1, #144]
	stp	x20, x21, [x1, #160]
	stp	x22, x23, [x1, #176]
	stp	x24, x25, [x1, #192]
	stp	x26, x27, [x1, #208]
	stp	x28, x29, [x1, #224]
	str	x30, [x1, #240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x1, #0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x1, #GREGS_PC]
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #HOST_FRAME
	ret

/* An exception taken from EL2 itself is a Domus bug: save everything and report it. */
hyp_exception:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #GREGS_PC]
	mov	x0, sp
	bl	hyp_trap
1:	wfe
	b	1b

.macro hyp_vector kind
	.balign	0x80
	sub	sp, sp, #(36 * 8)
	stp	x0, x1, [sp, #0]
	mov	x1, #\kind
	b	hyp_exception
.endm

.macro guest_vector kind
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mov	x0, #\kind
	b	guest_exit
.endm

	.balign	0x800
	.global el2_vectors
el2_vectors:
	hyp_vector HYP_EXC_SYNC
	hyp_vector HYP_EXC_IRQ
	hyp_vector HYP_EXC_FIQ
	hyp_vector HYP_EXC_SERROR
	hyp_vector HYP_EXC_SYNC
	hyp_vector HYP_EXC_IRQ
	hyp_vector HYP_EXC_FIQ
	hyp_vector HYP_EXC_SERROR
	guest_vector EXIT_SYNC
	guest_vector EXIT_IRQ
	guest_vector EXIT_FIQ
	guest_vector EXIT_SERROR
	guest_vector EXIT_AARCH32
	guest_vector EXIT_AARCH32
	guest_vector EXIT_AARCH32
	guest_vector EXIT_AARCH32
