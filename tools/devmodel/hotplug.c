/* hotplug.c - the slot registers of ACPI PCI hotplug and the GPE0 block that raises the SCI (ACPI 6.4 §4.8.4.1, §5.6.4). */
#include "hotplug.h"

#define SLOTS_MASK	0xfffffffeu	/* slot 0 is the host bridge */

/* The SCI follows GPE0: any enabled status bit (ACPI 6.4 §4.8.4.1). */
static void update_sci(struct hotplug *h)
{
	bool level = h->gpe_sts & h->gpe_en;

	if (level == h->sci)
		return;
	h->sci = level;
	h->sci_fn(h->opaque, level);
}

void hotplug_init(struct hotplug *h, hotplug_sci_fn sci, void *opaque)
{
	*h = (struct hotplug){ .sci_fn = sci, .opaque = opaque };
}

void hotplug_plug(struct hotplug *h, unsigned int slot)
{
	h->up |= (1u << slot) & SLOTS_MASK;
	h->down &= ~(1u << slot);
	h->gpe_sts |= 1u << HOTPLUG_GPE_BIT;
	update_sci(h);
}

void hotplug_request_eject(struct hotplug *h, unsigned int slot)
{
	h->down |= (1u << slot) & SLOTS_MASK;
	h->up &= ~(1u << slot);
	h->gpe_sts |= 1u << HOTPLUG_GPE_BIT;
	update_sci(h);
}

uint32_t hotplug_take_ejected(struct hotplug *h)
{
	uint32_t e = h->ejected;

	h->ejected = 0;
	return e;
}

/* GPE0 byte access at off (0-1 status, 2-3 enable); ACPICA uses bytes. */
static uint32_t gpe_read(struct hotplug *h, unsigned int off)
{
	uint32_t v = (uint32_t)h->gpe_en << 16 | h->gpe_sts;

	return v >> 8 * off;
}

/* GPE0 write of size bytes at off: status bits written 1 clear, enable
 * bytes are replaced; the SCI follows. */
static void gpe_write(struct hotplug *h, unsigned int off, unsigned int size, uint32_t val)
{
	unsigned int i;

	for (i = 0; i < size; i++, off++) {
		uint16_t b = (uint16_t)((val >> 8 * i & 0xff) << 8 * (off & 1));

		if (off < 2)
			h->gpe_sts &= (uint16_t)~b;	/* write 1 to clear */
		else
			h->gpe_en = (uint16_t)((h->gpe_en & ~(0xff << 8 * (off & 1))) | b);
	}
	update_sci(h);
}

/* A dword read of the slot register at off; UP and DOWN clear on read. */
static uint32_t slots_read(struct hotplug *h, unsigned int off)
{
	uint32_t v;

	switch (off) {
	case 0:
		v = h->up;
		h->up = 0;
		return v;
	case 4:
		v = h->down;
		h->down = 0;
		return v;
	case 12:
		return HOTPLUG_SIGN;
	default:
		return 0;
	}
}

bool hotplug_ioreq(struct hotplug *h, struct xl_ioreq *req)
{
	bool write = req->dir == XL_IOREQ_WRITE;
	uint64_t a = req->addr;
	unsigned int size = req->size;
	uint32_t mask = size >= 4 ? ~0u : (1u << 8 * size) - 1;

	if (req->type != XL_IOREQ_PIO)
		return false;
	if (a >= HOTPLUG_GPE0_BASE && a < HOTPLUG_GPE0_BASE + HOTPLUG_GPE0_LEN) {
		unsigned int off = (unsigned int)(a - HOTPLUG_GPE0_BASE);
		bool ok = (size == 1 || size == 2 || size == 4) && off + size <= HOTPLUG_GPE0_LEN;

		if (write && ok)
			gpe_write(h, off, size, (uint32_t)req->data);
		else if (!write)
			req->data = ok ? gpe_read(h, off) & mask : mask;
		return true;
	}
	if (a >= HOTPLUG_SLOTS_BASE && a < HOTPLUG_SLOTS_BASE + HOTPLUG_SLOTS_LEN) {
		unsigned int off = (unsigned int)(a - HOTPLUG_SLOTS_BASE);
		bool ok = size == 4 && !(off & 3);

		if (write && ok && off == 8)
			h->ejected |= (uint32_t)req->data & SLOTS_MASK;
		else if (!write)
			req->data = ok ? slots_read(h, off) : mask;
		return true;
	}
	return false;
}
