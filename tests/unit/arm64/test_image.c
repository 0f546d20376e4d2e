/*
 * arm64 Image validation, against the header Linux's
 * Documentation/arch/arm64/booting.rst defines:
 *   0 code0, 4 code1, 8 text_offset, 16 image_size, 24 flags, 32..55 reserved,
 *   56 magic "ARM\x64", 60 offset of the PE header (EFI stub kernels).
 * All fields are little-endian.
 */
#include <stdlib.h>

#include "../unit.h"
#include <asm/image.h>

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* A module of size bytes holding an Image header. */
static uint8_t *image(size_t size, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	uint8_t *p = calloc(1, size < 64 ? 64 : size);

	REQUIRE(p);
	put_le32(p, 0x91005a4d);		/* "MZ" + add x13, x18, #0x16 */
	put_le32(p + 4, 0x14000000);
	put_le64(p + 8, text_offset);
	put_le64(p + 16, image_size);
	put_le64(p + 24, flags);
	put_le32(p + 56, 0x644d5241);		/* "ARM\x64" */
	return p;
}

/* A PE/COFF header at 0x40 with one section [raw_ptr, raw_ptr + raw_size) of the file. */
static void add_pe(uint8_t *p, uint32_t raw_ptr, uint32_t raw_size)
{
	const unsigned pe = 0x40, opt_size = 0xa0, sect = pe + 24 + opt_size;

	put_le32(p + 60, pe);
	memcpy(p + pe, "PE\0\0", 4);
	p[pe + 4] = 0x64;			/* machine: arm64 (0xaa64) */
	p[pe + 5] = 0xaa;
	p[pe + 6] = 1;				/* NumberOfSections */
	p[pe + 20] = opt_size;			/* SizeOfOptionalHeader */
	memcpy(p + sect, ".text\0\0\0", 8);
	put_le32(p + sect + 8, raw_size);	/* VirtualSize */
	put_le32(p + sect + 12, raw_ptr);	/* VirtualAddress */
	put_le32(p + sect + 16, raw_size);	/* SizeOfRawData */
	put_le32(p + sect + 20, raw_ptr);	/* PointerToRawData */
}

#define MOD_SIZE 0x4000

TEST(good_header)
{
	uint8_t *p = image(MOD_SIZE, 0, 0x10000, 0xa);	/* 4K pages, anywhere */
	struct arm64_image img;

	CHECK(arm64_image_check(p, MOD_SIZE, &img) == NULL);
	CHECK_EQ(img.text_offset, 0);
	CHECK_EQ(img.image_size, 0x10000);
	CHECK_EQ(img.flags, 0xa);
	/* image_size equal to the module is fine too. */
	put_le64(p + 16, MOD_SIZE);
	CHECK(arm64_image_check(p, MOD_SIZE, &img) == NULL);
	free(p);
}

TEST(good_header_with_pe_sections)
{
	uint8_t *p = image(MOD_SIZE, 0, 0x8000, 0);
	struct arm64_image img;

	add_pe(p, 0x1000, MOD_SIZE - 0x1000);
	CHECK(arm64_image_check(p, MOD_SIZE, &img) == NULL);
	CHECK_EQ(img.image_size, 0x8000);
	free(p);
}

TEST(text_offset_kept)
{
	uint8_t *p = image(MOD_SIZE, 0x80000, 0x10000, 0);
	struct arm64_image img;

	CHECK(arm64_image_check(p, MOD_SIZE, &img) == NULL);
	CHECK_EQ(img.text_offset, 0x80000);
	free(p);
}

TEST(no_magic)
{
	uint8_t *p = image(MOD_SIZE, 0, 0x10000, 0);
	struct arm64_image img;

	p[59] = 0x65;
	CHECK_CONTAINS(arm64_image_check(p, MOD_SIZE, &img), "magic");
	memset(p, 0, MOD_SIZE);			/* e.g. a ramdisk given as the kernel */
	CHECK(arm64_image_check(p, MOD_SIZE, &img) != NULL);
	free(p);
}

TEST(smaller_than_a_header)
{
	uint8_t *p = image(64, 0, 0x10000, 0);
	struct arm64_image img;

	CHECK(arm64_image_check(p, 64, &img) == NULL);
	CHECK(arm64_image_check(p, 63, &img) != NULL);
	CHECK(arm64_image_check(p, 0, &img) != NULL);
	free(p);
}

TEST(big_endian_rejected)
{
	uint8_t *p = image(MOD_SIZE, 0, 0x10000, 1);
	struct arm64_image img;

	CHECK_CONTAINS(arm64_image_check(p, MOD_SIZE, &img), "big-endian");
	free(p);
}

TEST(text_offset_not_page_aligned)
{
	uint8_t *p = image(MOD_SIZE, 0x80010, 0x10000, 0);
	struct arm64_image img;

	CHECK_CONTAINS(arm64_image_check(p, MOD_SIZE, &img), "text_offset");
	put_le64(p + 8, 0x800);
	CHECK(arm64_image_check(p, MOD_SIZE, &img) != NULL);
	free(p);
}

TEST(legacy_image_without_size)
{
	/* Before Linux 3.17: image_size 0, and text_offset is to be taken as 0x80000. */
	uint8_t *p = image(MOD_SIZE, 0, 0, 0);
	struct arm64_image img;

	CHECK(arm64_image_check(p, MOD_SIZE, &img) == NULL);
	CHECK_EQ(img.text_offset, 0x80000);
	CHECK(img.image_size >= MOD_SIZE);
	free(p);
}

TEST(truncated_pe_image)
{
	uint8_t *p = image(MOD_SIZE, 0, 0x100000, 0);
	struct arm64_image img;

	/* The section table says the file is 0x11000 bytes; the module holds 0x4000. */
	add_pe(p, 0x1000, 0x10000);
	CHECK_CONTAINS(arm64_image_check(p, MOD_SIZE, &img), "truncated");
	free(p);
}

TEST(image_size_smaller_than_the_image)
{
	uint8_t *p = image(MOD_SIZE, 0, MOD_SIZE - 0x1000, 0);
	struct arm64_image img;

	CHECK_CONTAINS(arm64_image_check(p, MOD_SIZE, &img), "image_size");
	/* With a PE header: the file the sections describe counts, not padding after it. */
	add_pe(p, 0x1000, 0x1000);		/* the file ends at 0x2000 */
	put_le64(p + 16, 0x2000);
	CHECK(arm64_image_check(p, MOD_SIZE, &img) == NULL);
	put_le64(p + 16, 0x1fff);
	CHECK(arm64_image_check(p, MOD_SIZE, &img) != NULL);
	free(p);
}
