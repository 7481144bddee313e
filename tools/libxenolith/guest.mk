# tools/libxenolith/guest.mk: the domain builder's sources and its DSDT, for the Makefiles that build libxenolith and its tests.
#
# In (set before the include):
#   BUILD          the build directory (the DSDT goes to $(BUILD)/libxenolith/acpi,
#                  or to GUEST_DSDT_DIR if that is set)
#   GUEST_OBJDIR   where the includer compiles guest_*.c into guest_*.o
# Out:
#   GUEST_SRCS     the builder's sources (tools/libxenolith/guest_*.c)
#   GUEST_DSDT     the generated C include, made by the rule below
# guest_acpi.o depends on GUEST_DSDT and gets -I to its directory through
# a target-specific CFLAGS, so the includer's compile rule must use CFLAGS.
# iasl comes from Debian's acpica-tools (scripts/host-packages).

# Including this file leaves the includer's default goal as it was.
GUEST_SAVED_GOAL := $(.DEFAULT_GOAL)
GUEST_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
GUEST_SRCS := $(wildcard $(GUEST_DIR)/guest_*.c)
GUEST_DSDT_DIR ?= $(BUILD)/libxenolith/acpi
GUEST_DSDT := $(GUEST_DSDT_DIR)/guest_dsdt.h
IASL ?= iasl

# iasl -tc writes dsdt.hex: `unsigned char dsdt_aml_code[] = {...}`. The
# array becomes static const, named with the file's prefix.
$(GUEST_DSDT): $(GUEST_DIR)/acpi/dsdt.asl
	@mkdir -p $(GUEST_DSDT_DIR)
	$(IASL) -vs -tc -p $(GUEST_DSDT_DIR)/dsdt $< > $(GUEST_DSDT_DIR)/iasl.log || \
		{ cat $(GUEST_DSDT_DIR)/iasl.log; exit 1; }
	sed 's/^unsigned char [A-Za-z_]*\[\]/static const unsigned char guest_acpi_dsdt[]/' \
		$(GUEST_DSDT_DIR)/dsdt.hex > $@.tmp
	grep -q 'guest_acpi_dsdt\[\]' $@.tmp
	mv $@.tmp $@

$(GUEST_OBJDIR)/guest_acpi.o: $(GUEST_DSDT)
$(GUEST_OBJDIR)/guest_acpi.o: override CFLAGS += -I$(GUEST_DSDT_DIR)

.DEFAULT_GOAL := $(GUEST_SAVED_GOAL)
