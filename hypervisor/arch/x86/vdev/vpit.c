/* vpit.c - emulated Intel 8254 PIT: counters computed from the clock, no per-tick work; port 0x61. */
#include "arch/x86/vdev/vpit.h"
#include "arch/x86/vdev/vdev.h"
#include "errno.h"
#include "lib.h"

#define NO_EDGE	UINT64_MAX

/* The count range: 0 written means 2^16 (binary) or 10^4 (BCD). */
static uint32_t modulus(const struct vpit_channel *c)
{
	return c->bcd ? 10000u : 65536u;
}

static uint32_t from_bcd(uint16_t v)
{
	return (uint32_t)(v >> 12) * 1000 + ((v >> 8) & 15) * 100 +
	       ((v >> 4) & 15) * 10 + (v & 15);
}

static uint16_t to_bcd(uint32_t v)
{
	return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
			  (v / 10 % 10) << 4 | v % 10);
}

static uint64_t elapsed(const struct vpit_channel *c, uint64_t now)
{
	return now > c->start_ns ? vdev_ticks(now - c->start_ns, VPIT_HZ) : 0;
}

static uint64_t tick_time(const struct vpit_channel *c, uint64_t tick)
{
	uint64_t ns = vdev_ticks_ns(tick, VPIT_HZ);

	return ns > UINT64_MAX - c->start_ns ? UINT64_MAX : c->start_ns + ns;
}

/* Modes 2 and 3: a count written while counting takes over at the end of
 * the period it was written in (8254 datasheet, modes 2 and 3). */
static void sync(struct vpit_channel *c, uint64_t now)
{
	uint64_t at;

	if (!c->pending || !c->running)
		return;
	at = tick_time(c, c->pending_tick);
	if (now < at)
		return;
	c->start_ns = at;
	c->count = c->start_val = c->pending_count;
	c->pending = false;
	c->null_count = false;
}

/* The counting element now, binary, 0..modulus-1 (2^16 reads as 0). */
static uint32_t value(const struct vpit_channel *c, uint64_t now)
{
	uint32_t m = modulus(c), n = c->count, p, half;
	uint64_t d;

	if (!c->running)
		return c->start_val % m;
	d = elapsed(c, now);
	switch (c->mode) {
	case 2:
		return (n - (uint32_t)(d % n)) % m;
	case 3:
		/* Counts down by two through each half period. */
		p = (uint32_t)(d % n);
		half = (n + 1) / 2;
		if (p >= half)
			p -= half;
		return (n - 2 * p) % m;
	default:
		return (uint32_t)((c->start_val % m + m - d % m) % m);
	}
}

/* OUT now (8254 datasheet, figures of modes 0-5). */
static bool out(const struct vpit_channel *c, uint64_t now)
{
	uint32_t n = c->count;
	uint64_t d;

	if (!c->running)
		return c->out_frozen;
	d = elapsed(c, now);
	switch (c->mode) {
	case 0:
	case 1:
		return c->out_base || d >= c->start_val;
	case 2:
		return d % n != n - 1;
	case 3:
		return d % n < (n + 1) / 2;
	default:
		/* Modes 4 and 5: low for the one clock after terminal count. */
		return c->out_base || d != c->start_val;
	}
}

/* The first time after 'after' at which OUT rises, or NO_EDGE. */
static uint64_t next_edge(struct vpit_channel *c, uint64_t after)
{
	uint64_t dc, t;

	sync(c, after);
	if (!c->running)
		return NO_EDGE;
	dc = elapsed(c, after);
	switch (c->mode) {
	case 0:
	case 1:
		if (c->out_base || c->start_val <= dc)
			return NO_EDGE;
		t = c->start_val;
		break;
	case 2:
	case 3:
		if (c->count < 2)
			return NO_EDGE;
		t = (dc / c->count + 1) * c->count;
		if (c->pending && t > c->pending_tick)
			t = c->pending_tick;
		break;
	default:
		if (c->out_base || (uint64_t)c->start_val + 1 <= dc)
			return NO_EDGE;
		t = (uint64_t)c->start_val + 1;
		break;
	}
	return tick_time(c, t);
}

/* Counter 0 is about to change: deliver an OUT0 edge that is already
 * due, and count edges from now on. */
static void ch0_catch_up(struct vpit *p)
{
	if (next_edge(&p->ch[0], p->checked_ns) <= p->now) {
		p->last_irq_ns = p->now;
		p->irq_seen = true;
		p->ops->irq0(p->opaque);
	}
	p->checked_ns = p->now;
}

static void start(struct vpit_channel *c, uint64_t now, uint32_t from)
{
	c->running = true;
	c->start_ns = now;
	c->start_val = from;
	c->out_base = false;
	c->pending = false;
	c->null_count = false;
}

/* Stop counting, keeping the value and OUT as they are now. */
static void freeze(struct vpit_channel *c, uint64_t now)
{
	uint64_t d = elapsed(c, now);

	if (!c->running)
		return;
	c->out_frozen = out(c, now);
	if (c->mode == 0 || c->mode == 1)
		c->out_base = c->out_base || d >= c->start_val;
	else if (c->mode == 4 || c->mode == 5)
		c->out_base = c->out_base || d > c->start_val;
	c->start_val = value(c, now);
	c->running = false;
	if (c->pending)
		c->count = c->pending_count;	/* the next load uses it */
	c->pending = false;
}

/*
 * A complete count was written: mode 0 and 4 load it now (counting if
 * the gate is high); 1 and 5 wait for a gate trigger; 2 and 3 start now
 * if stopped, else switch at the end of the period.
 */
static void load_count(struct vpit_channel *c, uint64_t now, uint16_t raw)
{
	uint32_t n = c->bcd ? from_bcd(raw) : raw;

	if (n == 0)
		n = modulus(c);
	c->has_count = true;
	if ((c->mode == 2 || c->mode == 3) && c->running) {
		uint64_t d = elapsed(c, now);

		c->pending = true;
		c->pending_count = n;
		c->pending_tick = (d / c->count + 1) * c->count;
		c->null_count = true;
		return;
	}
	c->count = n;
	c->null_count = true;
	if (c->mode == 1 || c->mode == 5)
		return;
	if (c->gate) {
		start(c, now, n);
		return;
	}
	c->start_val = n;
	c->out_base = false;
	c->out_frozen = c->mode != 0;
}

static void set_gate(struct vpit_channel *c, uint64_t now, bool gate)
{
	if (gate == c->gate)
		return;
	sync(c, now);
	c->gate = gate;
	if (!gate) {
		/* Modes 0, 2, 3, 4 stop; 2 and 3 force OUT high. */
		if (c->mode == 1 || c->mode == 5)
			return;
		freeze(c, now);
		if (c->mode == 2 || c->mode == 3)
			c->out_frozen = true;
		return;
	}
	if (!c->has_count)
		return;
	if (c->mode == 0 || c->mode == 4) {
		bool base = c->out_base;

		if (c->running)
			return;
		start(c, now, c->start_val);
		c->out_base = base;
		return;
	}
	/* Modes 1, 2, 3, 5: a rising gate (re)loads the count. */
	start(c, now, c->count);
}

static void latch_count(struct vpit_channel *c, uint64_t now)
{
	uint32_t v;

	if (c->latched)
		return;
	v = value(c, now);
	c->latch = c->bcd ? to_bcd(v) : (uint16_t)v;
	c->latched = true;
	c->latch_hi = c->rw == 2;
}

static void latch_status(struct vpit_channel *c, uint64_t now)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)((out(c, now) ? 0x80 : 0) |
			      (c->null_count ? 0x40 : 0) | c->ctrl);
	c->status_latched = true;
}

/* Control word (8254 datasheet, "Control Word Format", "Read-Back"). */
static void write_control(struct vpit *p, uint8_t v)
{
	unsigned int sc = v >> 6, i;
	struct vpit_channel *c;

	if (sc == 3) {
		for (i = 0; i < 3; i++) {
			if (!(v & (2u << i)))
				continue;
			sync(&p->ch[i], p->now);
			if (!(v & 0x10))
				latch_status(&p->ch[i], p->now);
			if (!(v & 0x20))
				latch_count(&p->ch[i], p->now);
		}
		return;
	}
	c = &p->ch[sc];
	sync(c, p->now);
	if (((v >> 4) & 3) == 0) {
		latch_count(c, p->now);
		return;
	}
	if (sc == 0)
		ch0_catch_up(p);
	freeze(c, p->now);
	c->ctrl = v & 0x3f;
	c->rw = (v >> 4) & 3;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;
	c->bcd = v & 1;
	c->has_count = false;
	c->out_frozen = c->mode != 0;
	c->out_base = false;
	c->null_count = true;
	c->write_hi = c->read_hi = false;
	c->latched = c->status_latched = false;
}

static void write_counter(struct vpit *p, unsigned int i, uint8_t v)
{
	struct vpit_channel *c = &p->ch[i];

	sync(c, p->now);
	if (i == 0)
		ch0_catch_up(p);
	switch (c->rw) {
	case 1:
		load_count(c, p->now, v);
		break;
	case 2:
		load_count(c, p->now, (uint16_t)(v << 8));
		break;
	case 3:
		if (!c->write_hi) {
			c->write_lo = v;
			c->write_hi = true;
			/* Mode 0: the first byte stops counting and drops
			 * OUT at once (8254 datasheet, mode 0). */
			if (c->mode == 0) {
				freeze(c, p->now);
				c->out_frozen = false;
				c->out_base = false;
			}
			break;
		}
		c->write_hi = false;
		load_count(c, p->now, (uint16_t)(c->write_lo | v << 8));
		break;
	default:
		/* No control word written since power-up: ignored. */
		break;
	}
}

static uint8_t read_counter(struct vpit *p, unsigned int i)
{
	struct vpit_channel *c = &p->ch[i];
	uint16_t v;
	bool hi;

	sync(c, p->now);
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latched) {
		hi = c->latch_hi;
		if (c->rw == 3 && !hi)
			c->latch_hi = true;
		else
			c->latched = false;
		return (uint8_t)(hi ? c->latch >> 8 : c->latch);
	}
	v = (uint16_t)value(c, p->now);
	if (c->bcd)
		v = to_bcd(v);
	hi = c->rw == 2;
	if (c->rw == 3) {
		hi = c->read_hi;
		c->read_hi = !c->read_hi;
	}
	return (uint8_t)(hi ? v >> 8 : v);
}

static uint8_t port_b_read(struct vpit *p)
{
	struct vpit_channel *c2 = &p->ch[2];

	sync(c2, p->now);
	p->refresh = !p->refresh;
	return (uint8_t)((c2->gate ? VPIT_PORTB_GATE2 : 0) |
			 (p->speaker ? VPIT_PORTB_SPEAKER : 0) | p->portb_nmi |
			 (p->refresh ? VPIT_PORTB_REFRESH : 0) |
			 (out(c2, p->now) ? VPIT_PORTB_OUT2 : 0));
}

static uint8_t reg_read(void *dev, unsigned int port)
{
	struct vpit *p = dev;

	if (port == VPIT_PORT_B)
		return port_b_read(p);
	if (port >= VPIT_BASE && port < VPIT_CONTROL)
		return read_counter(p, port - VPIT_BASE);
	/* The control register is write-only: the bus floats. */
	return VDEV_EMPTY_BYTE;
}

static void reg_write(void *dev, unsigned int port, uint8_t v)
{
	struct vpit *p = dev;

	if (port == VPIT_PORT_B) {
		p->speaker = v & VPIT_PORTB_SPEAKER;
		p->portb_nmi = v & VPIT_PORTB_NMI_BITS;
		set_gate(&p->ch[2], p->now, v & VPIT_PORTB_GATE2);
	} else if (port == VPIT_CONTROL) {
		write_control(p, v);
	} else if (port >= VPIT_BASE && port < VPIT_CONTROL) {
		write_counter(p, port - VPIT_BASE, v);
	}
}

int vpit_init(struct vpit *p, const struct vpit_ops *ops, void *opaque)
{
	unsigned int i;

	if (!p || !ops || !ops->now_ns || !ops->irq0)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->opaque = opaque;
	for (i = 0; i < 3; i++) {
		p->ch[i].gate = i != 2;
		p->ch[i].count = 65536;
		p->ch[i].null_count = true;
	}
	p->checked_ns = ops->now_ns(opaque);
	return 0;
}

void vpit_io(struct vpit *p, uint16_t port, unsigned int size, bool in,
	     uint32_t *val)
{
	p->now = p->ops->now_ns(p->opaque);
	vdev_io_bytes(p, port, size, in, val, reg_read, reg_write);
}

uint64_t vpit_next_event(struct vpit *p)
{
	uint64_t e = next_edge(&p->ch[0], p->checked_ns);

	if (e != NO_EDGE && p->irq_seen &&
	    e - p->last_irq_ns < VPIT_MIN_IRQ_NS &&
	    p->last_irq_ns <= UINT64_MAX - VPIT_MIN_IRQ_NS)
		e = p->last_irq_ns + VPIT_MIN_IRQ_NS;
	return e;
}

void vpit_timer(struct vpit *p)
{
	uint64_t now = p->ops->now_ns(p->opaque);
	uint64_t e = vpit_next_event(p);

	if (e == NO_EDGE || now < e)
		return;
	p->now = now;
	sync(&p->ch[0], now);
	p->last_irq_ns = now;
	p->irq_seen = true;
	p->checked_ns = now;
	p->ops->irq0(p->opaque);
}
