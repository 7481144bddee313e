/* vrtc.c - emulated MC146818 RTC: time registers from the clock, SET and divider stops, CMOS RAM. */
#include "arch/x86/vdev/vrtc.h"
#include "arch/x86/vdev/vdev.h"
#include "errno.h"
#include "lib.h"

/* A broken-down UTC time. */
struct tm_fields {
	unsigned int sec, min, hour, dow, mday, mon, year;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_secs(int64_t t, struct tm_fields *f)
{
	int64_t days = floor_div(t, 86400), sod = t - days * 86400;
	int64_t z = days + 719468, era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	f->mday = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	f->mon = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	f->year = (unsigned int)(yoe + era * 400 + (f->mon <= 2));
	f->sec = (unsigned int)(sod % 60);
	f->min = (unsigned int)(sod / 60 % 60);
	f->hour = (unsigned int)(sod / 3600);
	/* 1970-01-01 was a Thursday; Sunday = 1. */
	f->dow = (unsigned int)((days % 7 + 11) % 7) + 1;
}

static bool binary(const struct vrtc *r)
{
	return r->ram[VRTC_REG_B] & VRTC_B_DM;
}

static uint8_t enc(const struct vrtc *r, unsigned int v)
{
	if (binary(r))
		return (uint8_t)v;
	return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

static unsigned int dec(const struct vrtc *r, uint8_t b)
{
	return binary(r) ? b : (b >> 4) * 10u + (b & 15);
}

/* Hours: 12-hour mode is 1-12 with bit 7 = PM (MC146818A table 3). */
static uint8_t enc_hour(const struct vrtc *r, unsigned int h)
{
	unsigned int h12 = h % 12 ? h % 12 : 12;

	if (r->ram[VRTC_REG_B] & VRTC_B_24H)
		return enc(r, h);
	return (uint8_t)(enc(r, h12) | (h >= 12 ? 0x80 : 0));
}

static unsigned int dec_hour(const struct vrtc *r, uint8_t b)
{
	unsigned int h;

	if (r->ram[VRTC_REG_B] & VRTC_B_24H)
		return dec(r, b);
	h = dec(r, b & 0x7f) % 12;
	return (b & 0x80) ? h + 12 : h;
}

/* The clock stops while SET is 1 or the divider is not running
 * (MC146818A, register A DV2-0 and register B SET). */
static bool stopped(const struct vrtc *r)
{
	return (r->ram[VRTC_REG_B] & VRTC_B_SET) ||
	       (r->ram[VRTC_REG_A] & VRTC_A_DV_MASK) > 0x20;
}

static int64_t clock_now(const struct vrtc *r, uint64_t now, uint64_t *sub)
{
	uint64_t el = now > r->anchor_ns ? now - r->anchor_ns : 0;

	*sub = el % VDEV_NS_PER_S;
	return r->anchor_s + (int64_t)(el / VDEV_NS_PER_S);
}

/* The time register idx of time t, in B's format. */
static uint8_t time_reg(const struct vrtc *r, unsigned int idx, int64_t t)
{
	struct tm_fields f;

	civil_from_secs(t, &f);
	switch (idx) {
	case VRTC_SECONDS:
		return enc(r, f.sec);
	case VRTC_MINUTES:
		return enc(r, f.min);
	case VRTC_HOURS:
		return enc_hour(r, f.hour);
	case VRTC_DAY_OF_WEEK:
		return enc(r, f.dow);
	case VRTC_DAY:
		return enc(r, f.mday);
	case VRTC_MONTH:
		return enc(r, f.mon);
	case VRTC_YEAR:
		return enc(r, f.year % 100);
	default:
		return enc(r, f.year / 100 % 100);
	}
}

static bool is_time_reg(unsigned int idx)
{
	return idx == VRTC_SECONDS || idx == VRTC_MINUTES ||
	       idx == VRTC_HOURS || (idx >= VRTC_DAY_OF_WEEK && idx <= VRTC_YEAR) ||
	       idx == VRTC_REG_CENTURY;
}

static const uint8_t time_regs[] = {
	VRTC_SECONDS, VRTC_MINUTES, VRTC_HOURS, VRTC_DAY_OF_WEEK, VRTC_DAY,
	VRTC_MONTH, VRTC_YEAR, VRTC_REG_CENTURY,
};

/* Copy the running time into ram[] (the clock is about to stop). */
static void snapshot(struct vrtc *r, uint64_t now)
{
	uint64_t sub;
	int64_t t = clock_now(r, now, &sub);
	unsigned int i;

	for (i = 0; i < sizeof(time_regs); i++)
		r->ram[time_regs[i]] = time_reg(r, time_regs[i], t);
}

static unsigned int clamp(unsigned int v, unsigned int lo, unsigned int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The time ram[] holds, as Unix seconds; out-of-range fields are clamped
 * (a real chip would count on from garbage). */
static int64_t ram_time(const struct vrtc *r)
{
	const uint8_t *m = r->ram;
	int64_t y = dec(r, m[VRTC_REG_CENTURY]) * 100 + dec(r, m[VRTC_YEAR]);
	unsigned int mon = clamp(dec(r, m[VRTC_MONTH]), 1, 12);
	unsigned int day = clamp(dec(r, m[VRTC_DAY]), 1, 31);

	return days_from_civil(y, mon, day) * 86400 +
	       clamp(dec_hour(r, m[VRTC_HOURS]), 0, 23) * 3600 +
	       clamp(dec(r, m[VRTC_MINUTES]), 0, 59) * 60 +
	       clamp(dec(r, m[VRTC_SECONDS]), 0, 59);
}

/* The clock restarts from ram[]: the next second ticks a second later. */
static void restart(struct vrtc *r, uint64_t now)
{
	r->anchor_s = ram_time(r);
	r->anchor_ns = now;
}

/* A register write that may stop or start the clock. */
static void write_control(struct vrtc *r, unsigned int idx, uint8_t v,
			  uint64_t now)
{
	bool was = stopped(r);

	if (!was)
		snapshot(r, now);
	if (idx == VRTC_REG_A) {
		r->ram[idx] = v & 0x7f;
	} else {
		/* SET clears UIE (MC146818A, register B). */
		if (v & VRTC_B_SET)
			v &= (uint8_t)~VRTC_B_UIE;
		r->ram[idx] = v;
	}
	if (was && !stopped(r))
		restart(r, now);
}

static void write_time(struct vrtc *r, unsigned int idx, uint8_t v,
		       uint64_t now)
{
	uint64_t sub;

	if (stopped(r)) {
		r->ram[idx] = v;
		return;
	}
	/* Running: change one field, keep the phase within the second. */
	clock_now(r, now, &sub);
	snapshot(r, now);
	r->ram[idx] = v;
	r->anchor_s = ram_time(r);
	r->anchor_ns = now - sub;
}

static uint8_t read_reg(struct vrtc *r, unsigned int idx, uint64_t now)
{
	uint64_t sub;
	int64_t t;

	if (idx == VRTC_REG_A) {
		if (stopped(r))
			return r->ram[idx];
		clock_now(r, now, &sub);
		return (uint8_t)(r->ram[idx] |
			(sub >= VDEV_NS_PER_S - VRTC_UIP_NS ? VRTC_A_UIP : 0));
	}
	if (idx == VRTC_REG_C)
		return 0;
	if (idx == VRTC_REG_D)
		return VRTC_D_VRT;
	if (!is_time_reg(idx) || stopped(r))
		return r->ram[idx];
	t = clock_now(r, now, &sub);
	return time_reg(r, idx, t);
}

static void write_reg(struct vrtc *r, unsigned int idx, uint8_t v,
		      uint64_t now)
{
	if (idx == VRTC_REG_A || idx == VRTC_REG_B)
		write_control(r, idx, v, now);
	else if (is_time_reg(idx))
		write_time(r, idx, v, now);
	else if (idx != VRTC_REG_C && idx != VRTC_REG_D)
		r->ram[idx] = v;
}

static uint8_t port_read(void *dev, unsigned int port)
{
	struct vrtc *r = dev;

	if (port != VRTC_PORT_DATA)
		return VDEV_EMPTY_BYTE;
	return read_reg(r, r->index, r->ops->now_ns(r->opaque));
}

static void port_write(void *dev, unsigned int port, uint8_t v)
{
	struct vrtc *r = dev;

	if (port == VRTC_PORT_INDEX) {
		r->index = v & 0x7f;
		r->nmi_masked = v & 0x80;
	} else if (port == VRTC_PORT_DATA) {
		write_reg(r, r->index, v, r->ops->now_ns(r->opaque));
	}
}

int vrtc_init(struct vrtc *r, uint64_t base_s, const struct vrtc_ops *ops,
	      void *opaque)
{
	if (!r || !ops || !ops->now_ns)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->ops = ops;
	r->opaque = opaque;
	r->ram[VRTC_REG_A] = 0x26;
	r->ram[VRTC_REG_B] = VRTC_B_24H;
	r->ram[VRTC_REG_D] = VRTC_D_VRT;
	r->anchor_s = (int64_t)(base_s > VRTC_MAX_EPOCH ? VRTC_MAX_EPOCH : base_s);
	r->anchor_ns = 0;
	return 0;
}

void vrtc_io(struct vrtc *r, uint16_t port, unsigned int size, bool in,
	     uint32_t *val)
{
	vdev_io_bytes(r, port, size, in, val, port_read, port_write);
}
