/* Linker script of a test guest: a flat arm64 Image linked at LOAD_ADDR. */
#include "platform.h"

OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_start)

SECTIONS
{
    . = LOAD_ADDR;
    .text : {
        KEEP(*(.text.head))
        *(.text .text.*)
    }
    .rodata : { *(.rodata .rodata.*) }
    .data : ALIGN(16) { *(.data .data.*) }
    .bss (NOLOAD) : ALIGN(16) {
        __bss_start = .;
        *(.bss .bss.* COMMON)
        . = ALIGN(16);
        __bss_end = .;
    }
    _end = .;
    _image_size = _end - _start;
    /DISCARD/ : { *(.comment) *(.note .note.*) *(.eh_frame*) *(.interp) *(.dynamic) }
}
