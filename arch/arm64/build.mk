# What the arm64 port builds: its own files and the drivers it selects.
arm64_SRCS := $(wildcard arch/arm64/*.c arch/arm64/*.S) drivers/pl011.c

# Its pure logic (no system registers, no assembly), which the host unit tests
# build on the fake machine (arch/fake/machine.c).
arm64_HOST_SRCS := $(addprefix arch/arm64/, \
	vgic.c vpl011.c vpsci.c guest_dt.c image.c mmio_decode.c platform_dt.c \
	domain_build.c pv_abi.c dom0_dt.c)
