# Domus — a Xen-compatible type-1 hypervisor for arm64.
#
#   make          build the hypervisor image (build/domus.bin)
#   make run      set up, build, boot Domus with its default domains (interactive):
#                 two Linux guests and the demo micro-guest
#   make test     set up, build, run every test; ends with "N passed, N failed"
#   make bench    boot-time and CPU-loop benchmarks against bare QEMU (scripts/bench.py),
#                 then scheduler, timer-latency and PV benchmarks (scripts/bench_hv.py)

ARCH        ?= arm64
CROSS       ?= aarch64-linux-gnu-
CC          := $(CROSS)gcc
LD          := $(CROSS)ld
OBJCOPY     := $(CROSS)objcopy
HOSTCC      ?= gcc
PYTHON      ?= /usr/bin/python3
BUILD       := build
CACHE       := cache
LIBFDT      := $(CACHE)/libfdt

# The hypervisor is freestanding: no libc headers, no FP/SIMD (guest FP state
# stays live in the registers while Domus runs), strict alignment because
# early code runs with the MMU off, and position independence so the Image
# can be loaded at any 2 MiB-aligned address.
# The UART used only when the boot device tree cannot be read (QEMU virt's).
EARLY_UART  ?= 0x09000000

HV_CFLAGS := -DEARLY_UART_BASE=$(EARLY_UART) -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -Iinclude/lib -Iarch/$(ARCH)/include -I$(LIBFDT)/include \
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics -fpie \
	-fno-omit-frame-pointer -fstack-protector-strong -fno-common \
	-ffunction-sections -fdata-sections -MMD -MP
HV_ASFLAGS := -Iinclude -Iarch/$(ARCH)/include -D__ASSEMBLY__ -MMD -MP
HV_LDFLAGS := -nostdlib -static -pie --no-dynamic-linker -z noexecstack \
	-z norelro --no-warn-rwx-segments --gc-sections -T arch/$(ARCH)/domus.ld

HV_SRCS := $(wildcard arch/$(ARCH)/*.c arch/$(ARCH)/*.S common/*.c lib/*.c drivers/*.c)
HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))

.PHONY: all setup run test bench unit guests clean
all: $(BUILD)/domus.bin

$(LIBFDT)/libfdt.a:
	@bash scripts/setup.sh

$(BUILD)/hv/%.c.o: %.c | $(LIBFDT)/libfdt.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/domus.elf: $(HV_OBJS) $(LIBFDT)/libfdt.a arch/$(ARCH)/domus.ld
	@echo "  LD      $@"
	@$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(LIBFDT)/libfdt.a

$(BUILD)/domus.bin: $(BUILD)/domus.elf
	@echo "  IMAGE   $@"
	@$(OBJCOPY) -O binary $< $@

# Host unit tests: the common code that has no architecture dependency,
# built for x86-64 with sanitizers.
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Itests/unit/fake -Iinclude \
	-Iarch/$(ARCH)/include -DDOMUS_HOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_COMMON := $(shell cat tests/unit/common-sources 2>/dev/null)
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h tests/unit/host_support.c $(UNIT_COMMON)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< tests/unit/host_support.c $(UNIT_COMMON) -lfdt

# lib/vsnprintf.c is included by its test under other names (libc has its own).
$(BUILD)/unit/test_vsnprintf: lib/vsnprintf.c

unit: $(UNIT_TESTS)

guests:
	@$(MAKE) -s -C tests/guests CROSS=$(CROSS)

setup:
	@bash scripts/setup.sh

run: setup all guests
	@$(PYTHON) scripts/domus_run.py --interactive $(if $(DOMAINS),--domains $(DOMAINS))

test: setup
	@bash tests/run-all.sh

bench: setup all guests
	@$(PYTHON) scripts/bench.py && $(PYTHON) scripts/bench_hv.py

clean:
	rm -rf $(BUILD)
	@$(MAKE) -s -C tests/guests clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
