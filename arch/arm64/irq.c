/* Dispatch of physical interrupts.  EL2 runs with interrupts masked and polls here. */
#include <asm/irq.h>
#include <asm/gic.h>
#include <domus/console.h>

#define MAX_INTID 1020

static irq_handler_t handlers[MAX_INTID];

void irq_register(uint32_t intid, irq_handler_t handler)
{
	if (intid < MAX_INTID)
		handlers[intid] = handler;
}

void irq_handle_pending(void)
{
	for (;;) {
		uint32_t intid = gic_ack();

		if (intid >= MAX_INTID)
			return;
		if (handlers[intid])
			handlers[intid](intid);
		else if (intid >= 16)
			pr_warn("unexpected interrupt %u\n", intid);
		gic_eoi(intid);
	}
}
