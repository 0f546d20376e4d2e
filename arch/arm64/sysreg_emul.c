/*
 * Trapped system-register accesses (ESR_EL2.EC == 0x18): the ID registers
 * (HCR_EL2.TID3), with the features Domus hides taken out; the GIC's SGI
 * generation registers; ACTLR_EL1 (TACR), which reads as the vCPU's copy and
 * ignores writes, as on Xen; and data-cache maintenance by set/way (TSW),
 * which Domus performs itself, an invalidate made a clean-and-invalidate so
 * that no guest can throw away another's or Domus's dirty lines.
 * Everything else that traps (implementation-defined registers: TIDCP) is an
 * UNDEF for the guest.
 */
#include <asm/traps.h>
#include <asm/sysreg.h>
#include <domus/domain.h>

#define KEY(op0, op1, crn, crm, op2) ((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))
#define KEY_ICC_SGI1R   KEY(3, 0, 12, 11, 5)
#define KEY_ICC_ASGI1R  KEY(3, 0, 12, 11, 6)
#define KEY_ICC_SGI0R   KEY(3, 0, 12, 11, 7)
#define KEY_PFR0        KEY(3, 0, 0, 4, 0)
#define KEY_PFR1        KEY(3, 0, 0, 4, 1)
#define KEY_ZFR0        KEY(3, 0, 0, 4, 4)
#define KEY_SMFR0       KEY(3, 0, 0, 4, 5)
#define KEY_DFR0        KEY(3, 0, 0, 5, 0)
#define KEY_ISAR1       KEY(3, 0, 0, 6, 1)
#define KEY_ISAR2       KEY(3, 0, 0, 6, 2)
#define KEY_ID_DFR0     KEY(3, 0, 0, 1, 2)
#define KEY_ACTLR_EL1   KEY(3, 0, 1, 0, 1)
#define KEY_DC_ISW      KEY(1, 0, 7, 6, 2)
#define KEY_DC_CSW      KEY(1, 0, 7, 10, 2)
#define KEY_DC_CISW     KEY(1, 0, 7, 14, 2)

#define FIELD(shift)    (0xfull << (shift))

/* What the guest must not see: SVE, SME, MPAM, AMU, MTE, PMU, SPE, trace, PAuth. */
static uint64_t hide_features(unsigned key, uint64_t v)
{
	switch (key) {
	case KEY_PFR0:
		return v & ~(FIELD(32) | FIELD(40) | FIELD(44));
	case KEY_PFR1:
		return v & ~(FIELD(8) | FIELD(16) | FIELD(24) | FIELD(28) | FIELD(40));
	case KEY_ZFR0:
	case KEY_SMFR0:
		return 0;
	case KEY_DFR0:
		return v & ~(FIELD(4) | FIELD(8) | FIELD(32) | FIELD(40) | FIELD(44) |
			     FIELD(48) | FIELD(52) | FIELD(56));
	case KEY_ISAR1:
		return v & ~(FIELD(4) | FIELD(8) | FIELD(24) | FIELD(28));
	case KEY_ISAR2:
		return v & ~(FIELD(8) | FIELD(12));
	case KEY_ID_DFR0:
		return v & ~(FIELD(24) | FIELD(28));	/* AArch32 PerfMon, TraceFilt */
	default:
		return v;
	}
}

#define ID_CASE(crm, op2) case KEY(3, 0, 0, crm, op2): return read_sysreg(S3_0_C0_C##crm##_##op2);
#define ID_ROW(crm) ID_CASE(crm, 0) ID_CASE(crm, 1) ID_CASE(crm, 2) ID_CASE(crm, 3) \
	ID_CASE(crm, 4) ID_CASE(crm, 5) ID_CASE(crm, 6) ID_CASE(crm, 7)

static bool is_id_register(unsigned key)
{
	return key >= KEY(3, 0, 0, 1, 0) && key <= KEY(3, 0, 0, 7, 7);
}

static uint64_t read_id_register(unsigned key)
{
	switch (key) {
	ID_ROW(1) ID_ROW(2) ID_ROW(3) ID_ROW(4) ID_ROW(5) ID_ROW(6) ID_ROW(7)
	default:
		return 0;
	}
}

bool sysreg_trap(struct vcpu *v, uint32_t esr)
{
	unsigned op0 = (esr >> 20) & 3, op2 = (esr >> 17) & 7, op1 = (esr >> 14) & 7;
	unsigned crn = (esr >> 10) & 0xf, rt = (esr >> 5) & 0x1f, crm = (esr >> 1) & 0xf;
	bool read = esr & 1;
	unsigned key = KEY(op0, op1, crn, crm, op2);
	uint64_t *reg = rt == 31 ? NULL : &v->arch.regs.x[rt];

	if (is_id_register(key) && read) {
		if (reg)
			*reg = hide_features(key, read_id_register(key));
		return true;
	}
	if (key == KEY_ICC_SGI1R && !read) {
		vgic_send_sgi(v, reg ? *reg : 0);
		return true;
	}
	if ((key == KEY_ICC_ASGI1R || key == KEY_ICC_SGI0R) && !read)
		return true;	/* group 0 and the secure alias do not exist for the guest */
	if (key == KEY_ACTLR_EL1) {
		if (read && reg)
			*reg = v->arch.sys[SR_ACTLR];
		return true;
	}
	if ((key == KEY_DC_ISW || key == KEY_DC_CISW) && !read) {
		asm volatile("dc cisw, %0" : : "r"(reg ? *reg : 0) : "memory");
		return true;
	}
	if (key == KEY_DC_CSW && !read) {
		asm volatile("dc csw, %0" : : "r"(reg ? *reg : 0) : "memory");
		return true;
	}
	return false;
}
