/* bootloader_part.c - where file systems may start on a disk image: offset 0, MBR primary and logical partitions, GPT partitions. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bootloader.h"

#define SECTOR		512ull
#define MBR_PROTECTIVE	0xee
#define GPT_MAX_ENTRIES	128
#define MBR_MAX_LOGICAL	64

/* Types of an extended partition (a chain of EBRs holding logical ones). */
static int part_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static int part_add(struct bootloader_part *parts, int n, int max, uint64_t off,
		    unsigned int num)
{
	for (int i = 0; i < n; i++)
		if (parts[i].off == off)
			return n;
	if (n < max)
		parts[n++] = (struct bootloader_part){ off, num };
	return n;
}

/* The GPT at LBA 1: each used entry's first LBA (partition number: the
 * entry's place, from 1). */
static int part_gpt(int (*read)(void *ctx, uint64_t off, void *buf, size_t n),
		    void *ctx, struct bootloader_part *parts, int n, int max)
{
	unsigned char hdr[SECTOR], ent[128];
	uint64_t table, count, size;

	if (read(ctx, SECTOR, hdr, sizeof(hdr)) || memcmp(hdr, "EFI PART", 8))
		return n;
	table = le(hdr + 72, 8);
	count = le(hdr + 80, 4);
	size = le(hdr + 84, 4);
	if (size < 128 || size > 4096 || count > GPT_MAX_ENTRIES)
		return n;
	for (uint64_t i = 0; i < count; i++) {
		static const unsigned char unused[16];

		if (read(ctx, table * SECTOR + i * size, ent, sizeof(ent)))
			break;
		if (memcmp(ent, unused, 16) && le(ent + 32, 8))
			n = part_add(parts, n, max, le(ent + 32, 8) * SECTOR, (unsigned int)i + 1);
	}
	return n;
}

/* The logical partitions in the extended partition at LBA ext, numbered
 * from 5 in chain order: each EBR holds one partition (relative to
 * itself) and the next EBR (relative to ext). */
static int part_logical(int (*read)(void *ctx, uint64_t off, void *buf, size_t n),
			void *ctx, uint64_t ext, struct bootloader_part *parts, int n, int max)
{
	unsigned char ebr[SECTOR];
	uint64_t at = ext;

	for (unsigned int i = 0; i < MBR_MAX_LOGICAL && n < max; i++) {
		if (read(ctx, at * SECTOR, ebr, sizeof(ebr)) || ebr[510] != 0x55 ||
		    ebr[511] != 0xaa)
			break;
		if (ebr[446 + 4] && le(ebr + 446 + 8, 4))
			n = part_add(parts, n, max, (at + le(ebr + 446 + 8, 4)) * SECTOR, 5 + i);
		if (!part_extended(ebr[462 + 4]) || !le(ebr + 462 + 8, 4))
			break;
		at = ext + le(ebr + 462 + 8, 4);
	}
	return n;
}

int bootloader_partitions(int (*read)(void *ctx, uint64_t off, void *buf, size_t n),
			  void *ctx, struct bootloader_part *parts, int max)
{
	unsigned char mbr[SECTOR];
	int n = part_add(parts, 0, max, 0, 0), gpt = 0;

	if (read(ctx, 0, mbr, sizeof(mbr)))
		return -EIO;
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return n;
	for (int i = 0; i < 4; i++) {
		const unsigned char *p = mbr + 446 + 16 * i;
		uint8_t type = p[4];
		uint64_t start = le(p + 8, 4);

		if (type == MBR_PROTECTIVE)
			gpt = 1;
		else if (type && start && part_extended(type))
			n = part_logical(read, ctx, start, parts, n, max);
		else if (type && start)
			n = part_add(parts, n, max, start * SECTOR, (unsigned int)i + 1);
	}
	return gpt ? part_gpt(read, ctx, parts, n, max) : n;
}
