/* lib/vsnprintf.c - snprintf/vsnprintf for the conversions the hypervisor uses. */
#include "lib.h"

/* Output cursor: writes while room is left, always counts. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void fmt_putc(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void fmt_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		fmt_putc(o, c);
}

struct fmt_spec {
	bool left;		/* '-' */
	bool zero;		/* '0' */
	bool plus;		/* '+' */
	bool space;		/* ' ' */
	bool alt;		/* '#' */
	int width;
	int precision;		/* -1 = none */
};

/* fmt_string: s[0..len) padded to the field width. */
static void fmt_string(struct fmt_out *o, const struct fmt_spec *sp,
		       const char *s, size_t len)
{
	int pad = sp->width > (int)len ? sp->width - (int)len : 0;

	if (!sp->left)
		fmt_pad(o, ' ', pad);
	while (len--)
		fmt_putc(o, *s++);
	if (sp->left)
		fmt_pad(o, ' ', pad);
}

/*
 * fmt_number: v in base (8, 10, 16), with sign, prefix ("0x" for '#' or
 * %p), precision (minimum digits) and width (zero or space padding).
 */
static void fmt_number(struct fmt_out *o, const struct fmt_spec *sp,
		       uint64_t v, bool negative, unsigned int base,
		       bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, total, pad;
	char sign = 0;
	int prefix_len = prefix ? (int)strnlen(prefix, 2) : 0;

	if (negative)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';
	if (!(v == 0 && sp->precision == 0)) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	zeros = sp->precision > n ? sp->precision - n : 0;
	total = n + zeros + (sign ? 1 : 0) + prefix_len;
	pad = sp->width > total ? sp->width - total : 0;
	if (sp->zero && !sp->left && sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		fmt_pad(o, ' ', pad);
	if (sign)
		fmt_putc(o, sign);
	for (int i = 0; i < prefix_len; i++)
		fmt_putc(o, prefix[i]);
	fmt_pad(o, '0', zeros);
	while (n)
		fmt_putc(o, tmp[--n]);
	if (sp->left)
		fmt_pad(o, ' ', pad);
}

/* fmt_parse_int: a decimal field at *p (or '*' from the arguments). */
static int fmt_parse_int(const char **p, va_list *ap)
{
	int v = 0;

	if (**p == '*') {
		(*p)++;
		return va_arg(*ap, int);
	}
	while (lib_isdigit(**p))
		v = v * 10 + (*(*p)++ - '0');
	return v;
}

/* Length modifiers, in argument size order. */
enum fmt_length { FMT_INT, FMT_CHAR, FMT_SHORT, FMT_LONG, FMT_LLONG, FMT_SIZE };

static uint64_t fmt_unsigned_arg(va_list *ap, enum fmt_length len)
{
	switch (len) {
	case FMT_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case FMT_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case FMT_LONG:
		return va_arg(*ap, unsigned long);
	case FMT_LLONG:
		return va_arg(*ap, unsigned long long);
	case FMT_SIZE:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t fmt_signed_arg(va_list *ap, enum fmt_length len)
{
	switch (len) {
	case FMT_CHAR:
		return (signed char)va_arg(*ap, int);
	case FMT_SHORT:
		return (short)va_arg(*ap, int);
	case FMT_LONG:
		return va_arg(*ap, long);
	case FMT_LLONG:
		return va_arg(*ap, long long);
	case FMT_SIZE:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static enum fmt_length fmt_parse_length(const char **p)
{
	switch (**p) {
	case 'h':
		(*p)++;
		if (**p == 'h') {
			(*p)++;
			return FMT_CHAR;
		}
		return FMT_SHORT;
	case 'l':
		(*p)++;
		if (**p == 'l') {
			(*p)++;
			return FMT_LLONG;
		}
		return FMT_LONG;
	case 'z':
	case 't':
		(*p)++;
		return FMT_SIZE;
	default:
		return FMT_INT;
	}
}

/* fmt_convert: one conversion character c with its spec and length. */
static void fmt_convert(struct fmt_out *o, struct fmt_spec *sp, char c,
			enum fmt_length len, va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i': {
		int64_t v = fmt_signed_arg(ap, len);
		uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

		fmt_number(o, sp, mag, v < 0, 10, false, NULL);
		break;
	}
	case 'u':
		fmt_number(o, sp, fmt_unsigned_arg(ap, len), false, 10, false,
			   NULL);
		break;
	case 'x':
	case 'X': {
		uint64_t v = fmt_unsigned_arg(ap, len);

		fmt_number(o, sp, v, false, 16, c == 'X',
			   sp->alt && v ? (c == 'X' ? "0X" : "0x") : NULL);
		break;
	}
	case 'o': {
		uint64_t v = fmt_unsigned_arg(ap, len);
		int digits = 0;

		/* '#': raise the precision so the first digit is a 0. */
		for (uint64_t t = v; t; t /= 8)
			digits++;
		if (sp->alt && sp->precision <= digits)
			sp->precision = digits + 1;
		fmt_number(o, sp, v, false, 8, false, NULL);
		break;
	}
	case 'p': {
		uintptr_t v = (uintptr_t)va_arg(*ap, void *);

		if (sp->precision < 0 && !sp->zero)
			sp->precision = 2 * (int)sizeof(void *);
		fmt_number(o, sp, v, false, 16, false, "0x");
		break;
	}
	case 'c': {
		char ch = (char)va_arg(*ap, int);

		sp->precision = -1;
		fmt_string(o, sp, &ch, 1);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);

		if (!s)
			s = "(null)";
		fmt_string(o, sp, s, sp->precision >= 0 ?
			   strnlen(s, (size_t)sp->precision) : strlen(s));
		break;
	}
	case '%':
		fmt_putc(o, '%');
		break;
	default:
		/* Unknown conversion: print it as written, so it shows. */
		fmt_putc(o, '%');
		fmt_putc(o, c);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .len = 0 };
	const char *p = fmt;
	va_list args;

	va_copy(args, ap);
	while (*p) {
		struct fmt_spec sp = { .precision = -1 };
		enum fmt_length len;

		if (*p != '%') {
			fmt_putc(&o, *p++);
			continue;
		}
		p++;
		for (;; p++) {
			if (*p == '-')
				sp.left = true;
			else if (*p == '0')
				sp.zero = true;
			else if (*p == '+')
				sp.plus = true;
			else if (*p == ' ')
				sp.space = true;
			else if (*p == '#')
				sp.alt = true;
			else
				break;
		}
		sp.width = fmt_parse_int(&p, &args);
		if (sp.width < 0) {
			sp.left = true;
			sp.width = -sp.width;
		}
		if (*p == '.') {
			p++;
			sp.precision = fmt_parse_int(&p, &args);
			if (sp.precision < 0)
				sp.precision = -1;
		}
		len = fmt_parse_length(&p);
		if (!*p)
			break;
		fmt_convert(&o, &sp, *p++, len, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
