# Domus — a Xen-compatible type-1 hypervisor for arm64.
#
#   make          build the hypervisor image (build/domus.bin)
#   make run      set up, build, boot Domus with its default domains (interactive):
#                 two Linux guests and the demo micro-guest
#   make test     set up, build, run every test; ends with "N passed, N failed, N skipped"
#   make bench    boot-time and CPU-loop benchmarks against bare QEMU (scripts/bench.py),
#                 then scheduler, timer-latency and PV benchmarks (scripts/bench_hv.py)

ARCH        ?= arm64
CROSS       ?= aarch64-linux-gnu-
CC          := $(CROSS)gcc
OBJCOPY     := $(CROSS)objcopy
HOSTCC      ?= gcc
PYTHON      ?= /usr/bin/python3
BUILD       := build
CACHE       := cache
LIBFDT      := $(CACHE)/libfdt

# The hypervisor is freestanding: no libc headers, no FP/SIMD (guest FP state
# stays live in the registers while Domus runs), strict alignment because
# early code runs with the MMU off, and position independence so the Image
# can be loaded at any 2 MiB-aligned address.  Link-time optimization inlines
# the exit path's small functions across files: under emulation each call's
# return costs a lookup of the next translated block (-15 % per hypercall).
# The UART used only when the boot device tree cannot be read (QEMU virt's).
EARLY_UART  ?= 0x09000000

HV_CODEGEN := -O2 -g -flto=auto -ffreestanding -mgeneral-regs-only -mstrict-align -mno-outline-atomics \
	-fpie -fno-omit-frame-pointer -fstack-protector-strong -fno-common -ffunction-sections -fdata-sections
HV_CFLAGS := $(HV_CODEGEN) -DEARLY_UART_BASE=$(EARLY_UART) -std=gnu11 -Wall -Wextra -Werror -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -Iinclude/lib -Iarch/$(ARCH)/include -I$(LIBFDT)/include -MMD -MP
HV_ASFLAGS := -Iinclude -Iarch/$(ARCH)/include -D__ASSEMBLY__ -MMD -MP
HV_LDFLAGS := $(HV_CODEGEN) -nostdlib -nostartfiles -Wl,-static,-pie,--no-dynamic-linker \
	-Wl,-z,noexecstack,--build-id=sha1,-z,norelro,--no-warn-rwx-segments,--gc-sections \
	-Wl,-T,arch/$(ARCH)/domus.ld

# Every port's object lists (arch/<arch>/build.mk); the build takes its own.
include $(wildcard arch/*/build.mk)
CORE_SRCS := $(wildcard core/*.c core/sched/*.c xen/*.c)
HV_SRCS := $($(ARCH)_SRCS) $(CORE_SRCS) $(wildcard lib/*.c)
HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))

.PHONY: all setup run test bench unit guests dom0 clean
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
	@$(CC) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(LIBFDT)/libfdt.a

$(BUILD)/domus.bin: $(BUILD)/domus.elf
	@echo "  IMAGE   $@"
	@$(OBJCOPY) -O binary $< $@

# Host unit tests, built for x86-64 with sanitizers, grouped like the code:
# tests/unit/core and tests/unit/xen run the whole core on the fake port
# (arch/fake); tests/unit/arm64 run the arm64 port's pure logic with the same
# core on the fake machine.  Each group's objects are built once and linked
# into every test of the group with the harness.
UNIT_FLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -DDOMUS_HOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP
UNIT_INC_fake  := -Iarch/fake/host -Iarch/fake/include -Iinclude
UNIT_INC_arm64 := -Iarch/fake/host -Iarch/arm64/include -Iinclude
UNIT_SRCS_fake  := $(CORE_SRCS) $(fake_MACHINE_SRCS) $(fake_PORT_SRCS) tests/unit/harness.c
UNIT_SRCS_arm64 := $(CORE_SRCS) $(fake_MACHINE_SRCS) $(arm64_HOST_SRCS) tests/unit/harness.c
UNIT_OBJS_fake  := $(patsubst %.c,$(BUILD)/unit/fake/%.o,$(UNIT_SRCS_fake))
UNIT_OBJS_arm64 := $(patsubst %.c,$(BUILD)/unit/arm64/%.o,$(UNIT_SRCS_arm64))

$(BUILD)/unit/fake/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $< (fake port)"
	@$(HOSTCC) $(UNIT_FLAGS) $(UNIT_INC_fake) -c $< -o $@

$(BUILD)/unit/arm64/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $< (arm64 on the fake machine)"
	@$(HOSTCC) $(UNIT_FLAGS) $(UNIT_INC_arm64) -c $< -o $@

UNIT_TESTS_fake  := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/core/test_*.c tests/unit/xen/test_*.c))
UNIT_TESTS_arm64 := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/arm64/test_*.c))

$(UNIT_TESTS_fake): $(BUILD)/unit/%: $(BUILD)/unit/fake/tests/unit/%.o $(UNIT_OBJS_fake)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(HOSTCC) $(UNIT_FLAGS) -o $@ $^ -lfdt

$(UNIT_TESTS_arm64): $(BUILD)/unit/%: $(BUILD)/unit/arm64/tests/unit/%.o $(UNIT_OBJS_arm64)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(HOSTCC) $(UNIT_FLAGS) -o $@ $^ -lfdt

unit: $(UNIT_TESTS_fake) $(UNIT_TESTS_arm64)

guests:
	@$(MAKE) -s -C tests/guests CROSS=$(CROSS)

# Dom0's initramfs: the guests' one, plus Debian's Xen tools (cache/xentools),
# the script that starts them (dom0/rc.local) and Domus's probe (dom0/xenctl.c).
$(BUILD)/dom0/xenctl: dom0/xenctl.c $(wildcard include/public/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (arm64 Linux, static)"
	@$(CC) -static -O2 -Wall -Wextra -Werror -Iinclude $< -o $@

$(BUILD)/dom0/initramfs.cpio.gz: $(BUILD)/dom0/xenctl scripts/mkinitramfs.py dom0/rc.local \
		cache/busybox cache/modules cache/xentools/.complete
	@echo "  CPIO    $@"
	@$(PYTHON) scripts/mkinitramfs.py cache/busybox $@ --hostname domus-dom0 \
		--modules cache/modules --tree cache/xentools \
		--extra dom0/rc.local:etc/init.d/rc.local --extra $(BUILD)/dom0/xenctl:usr/bin/xenctl

dom0: $(BUILD)/dom0/initramfs.cpio.gz

setup:
	@bash scripts/setup.sh

# make run: Dom0 (the stock kernel, Debian's Xen tools) with the set-up's
# virtio disk, in the configuration Xen is judged with; DOMAINS=FILE boots
# the dom0less domains FILE lists instead (configs/dom0less-demo.domains).
DOM0_XEN_BOOTARGS := console=dtuart dtuart=/pl011@9000000 dom0_mem=512M dom0_max_vcpus=2 \
	console_timestamps=boot loglvl=all guest_loglvl=all
DOM0_RUN := --dom0 "kernel=cache/Image,ramdisk=$(BUILD)/dom0/initramfs.cpio.gz,bootargs=console=hvc0 rdinit=/sbin/init" \
	--xen-bootargs "$(DOM0_XEN_BOOTARGS)" --smp 2 --mem 2048M \
	--extra-qemu=-drive --extra-qemu=file=cache/dom0-disk.img,if=none,id=disk0,format=raw \
	--extra-qemu=-device --extra-qemu=virtio-blk-device,drive=disk0

run: setup all guests dom0
	@$(if $(DOMAINS),echo "run: Domus with the domains in $(DOMAINS)",echo "run: Domus with Dom0 (Debian's kernel and Xen 4.17 tools) and cache/dom0-disk.img as its virtio disk")
	@$(PYTHON) scripts/domus_run.py --interactive $(if $(DOMAINS),--domains $(DOMAINS),$(DOM0_RUN))

test: setup
	@bash tests/run-all.sh

bench: setup all guests dom0
	@$(PYTHON) scripts/bench.py && $(PYTHON) scripts/bench_hv.py

clean:
	rm -rf $(BUILD)
	@$(MAKE) -s -C tests/guests clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
