/* Decoding a stage-2 data abort with a valid instruction syndrome (ESR_EL2.ISV). */
#include <asm/traps.h>

#define ISS_ISV     (1u << 24)
#define ISS_SAS(e)  (((e) >> 22) & 3)
#define ISS_SSE     (1u << 21)
#define ISS_SRT(e)  (((e) >> 16) & 0x1f)
#define ISS_SF      (1u << 15)
#define ISS_WNR     (1u << 6)

bool mmio_decode_dabt(uint32_t esr, uint64_t ipa, const uint64_t *xregs, struct mmio_access *a)
{
	if (!(esr & ISS_ISV))
		return false;
	a->addr = ipa;
	a->size = 1u << ISS_SAS(esr);
	a->write = esr & ISS_WNR;
	a->sign_extend = esr & ISS_SSE;
	a->reg64 = esr & ISS_SF;
	a->reg = ISS_SRT(esr);
	a->data = 0;
	if (a->write && a->reg != 31) {
		a->data = xregs[a->reg];
		if (a->size < 8)
			a->data &= (1ull << (a->size * 8)) - 1;
	}
	return true;
}
