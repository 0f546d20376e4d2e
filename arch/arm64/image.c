/*
 * Validation of arm64 Image kernels.  Besides the 64-byte header, a Linux
 * Image carries a PE/COFF header (for EFI) whose section table gives the
 * size of the file, which catches truncated modules.
 */
#include <asm/image.h>

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Bytes of file the PE sections cover, or 0 when there is no usable PE header. */
static uint64_t pe_file_size(const uint8_t *data, uint64_t size)
{
	uint64_t pe = le32(data + 60), end = 0;
	unsigned nsect, opt_size;

	if (pe < 64 || pe + 24 > size || memcmp(data + pe, "PE\0\0", 4))
		return 0;
	nsect = data[pe + 6] | data[pe + 7] << 8;
	opt_size = data[pe + 20] | data[pe + 21] << 8;
	for (unsigned i = 0; i < nsect; i++) {
		uint64_t s = pe + 24 + opt_size + 40ull * i;
		if (s + 40 > size)
			return 0;
		end = MAX(end, (uint64_t)le32(data + s + 20) + le32(data + s + 16));
	}
	return end;
}

const char *arm64_image_check(const uint8_t *data, uint64_t size, struct arm64_image *img)
{
	uint64_t file_size;

	if (size < 64)
		return "module is smaller than an arm64 Image header";
	if (le32(data + 56) != ARM64_IMAGE_MAGIC)
		return "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)";
	img->text_offset = le64(data + 8);
	img->image_size = le64(data + 16);
	img->flags = le64(data + 24);
	if (img->image_size == 0) {
		/* Kernels before 3.17 leave the size out and assume this offset. */
		img->text_offset = 0x80000;
		img->image_size = size;
	}
	if (img->flags & 1)
		return "big-endian Image: not supported";
	if (img->text_offset & 0xfff || img->text_offset >= 2 * MiB)
		return "text_offset is not a page-aligned offset below 2 MiB";
	file_size = pe_file_size(data, size);
	if (file_size > size)
		return "Image is truncated (its PE header describes more data than the module holds)";
	if (img->image_size < MIN(size, file_size ? file_size : size))
		return "image_size in the header is smaller than the Image itself";
	return NULL;
}
