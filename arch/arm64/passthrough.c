/*
 * Host interrupts given to Dom0.  A passed-through SPI is masked at the
 * physical GIC when it fires and raised as the line of Dom0's virtual SPI;
 * once Dom0 has handled it (its list register is idle again: vgic_lr_sync),
 * the line drops and the physical SPI is unmasked, so a device still
 * asserting it fires again, as a level-sensitive line would.
 */
#include <asm/passthrough.h>
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/vgic.h>
#include <domus/domain.h>

#define MAX_SPI (32 + VGIC_NR_SPIS)

static struct domain *owner[MAX_SPI];

static void forward(uint32_t intid)
{
	gic_mask_spi(intid);
	vgic_set_spi_level(owner[intid], intid, true);
}

bool passthrough_spi(struct domain *d, uint32_t intid)
{
	if (intid >= 32 && intid < MAX_SPI && owner[intid] == d)
		return true;	/* listed twice (an interrupt-map shares its lines) */
	if (intid < 32 || intid >= MAX_SPI || owner[intid])
		return false;
	owner[intid] = d;
	vgic_set_hw(d, intid);
	irq_register(intid, forward);
	gic_route_spi(intid, 0);
	return true;
}

void passthrough_handled(uint32_t intid)
{
	gic_unmask_spi(intid);
}
