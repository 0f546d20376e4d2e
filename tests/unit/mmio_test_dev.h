/* A device model for MMIO tests that records each access it serves. */
#ifndef UNIT_MMIO_TEST_DEV_H
#define UNIT_MMIO_TEST_DEV_H

#include <domus/mmio.h>

struct test_dev {
	unsigned calls;
	uint64_t offset;
	unsigned size;
	bool write;
	uint64_t val;
	bool refuse;
};

static bool dev_read(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct test_dev *t = dev;

	(void)v;
	*t = (struct test_dev){ t->calls + 1, off, size, false, 0, t->refuse };
	*val = 0xabcd0000 | off;
	return !t->refuse;
}

static bool dev_write(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct test_dev *t = dev;

	(void)v;
	*t = (struct test_dev){ t->calls + 1, off, size, true, val, t->refuse };
	return !t->refuse;
}

static const struct mmio_ops test_ops = { "test", dev_read, dev_write };

#endif
