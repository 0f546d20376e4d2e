/*
 * Entry from the boot loader: the arm64 Image header, self-relocation (the
 * image is linked at 0 as a PIE so it runs wherever it is loaded), BSS
 * clearing, stacks, and the secondary-CPU entry used by PSCI CPU_ON.
 */
#include <domus/config.h>

#define R_AARCH64_RELATIVE 1027

	.section .text.head, "ax"
	.global _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	_image_size		/* image_size: includes BSS */
	.quad	0xa			/* flags: LE, 4K pages, anywhere in RAM */
	.quad	0, 0, 0
	.ascii	"ARM\x64"		/* magic */
	.long	0

primary_entry:
	mov	x19, x0			/* host DTB */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	not_at_el2

	adr	x20, _head		/* load address == relocation delta */
	adrp	x2, __rela_start
	add	x2, x2, :lo12:__rela_start
	adrp	x3, __rela_end
	add	x3, x3, :lo12:__rela_end
1:	cmp	x2, x3
	b.hs	2f
	ldp	x4, x5, [x2], #16	/* r_offset, r_info */
	ldr	x6, [x2], #8		/* r_addend */
	cmp	w5, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x6, x6, x20
	str	x6, [x4, x20]
	b	1b
2:
	adrp	x2, __bss_start
	add	x2, x2, :lo12:__bss_start
	adrp	x3, __bss_end
	add	x3, x3, :lo12:__bss_end
3:	cmp	x2, x3
	b.hs	4f
	stp	xzr, xzr, [x2], #16
	b	3b
4:
	mov	x0, #0
	bl	setup_cpu_stack
	mov	x0, x19
	mov	x1, x20
	b	boot_cpu_main

not_at_el2:
	wfe
	b	not_at_el2

/* PSCI CPU_ON lands here with x0 = the logical CPU number. */
	.global secondary_entry
secondary_entry:
	mov	x19, x0
	bl	setup_cpu_stack
	mov	x0, x19
	b	secondary_cpu_main

/* x0 = CPU number: point SP at the top of that CPU's stack and install the vectors. */
setup_cpu_stack:
	adrp	x1, cpu_stacks
	add	x1, x1, :lo12:cpu_stacks
	add	x2, x0, #1
	mov	x3, #CPU_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	adrp	x1, el2_vectors
	add	x1, x1, :lo12:el2_vectors
	msr	vbar_el2, x1
	isb
	ret

	.bss
	.balign	16
	.global cpu_stacks
cpu_stacks:
	.space	NR_CPUS * CPU_STACK_SIZE
