# Xenolith: top-level build. `make demo` and `make check` are the entry points.
VERSION ?= dev
ISO := build/xenolith-$(VERSION).iso
PYTEST := pytest-3
JOBS ?= 2
MAKEFLAGS += --no-print-directory

.PHONY: all deps build iso demo run check check-vmx unit integration bench clean

all: build

deps:
	@scripts/deps.sh

build:
	@for d in hypervisor tools tests/unit; do \
		[ ! -f $$d/Makefile ] || $(MAKE) -s -C $$d || exit 1; done

iso: deps build
	./make-iso.sh $(VERSION)

demo: iso run

run:
	scripts/run-qemu.sh $(ISO)

unit: deps
	@for d in tests/unit tests/unit-tools; do \
		[ ! -f $$d/Makefile ] || $(MAKE) -s -C $$d check || exit 1; done

# The Bochs (VT-x) tests take 15-20 minutes each: they run in check-vmx, not in
# check, until they fit its 45 minutes (docs/hypervisor.md, "Intel VT-x").
BOCHS_TESTS := tests/integration/test_vmx_bochs.py tests/integration/test_vmx_bochs_novmx.py

# pytest on the test ISO, the independent test files on $(JOBS) workers.
ISO_PYTEST = XENOLITH_ISO=$(CURDIR)/build/xenolith-check.iso \
	$(PYTEST) -n $(JOBS) --dist loadfile -p no:cacheprovider

integration: deps
	$(MAKE) iso VERSION=check
	$(ISO_PYTEST) --durations=30 $(addprefix --ignore=,$(BOCHS_TESTS)) tests/integration

check: deps build unit integration

check-vmx: deps build
	$(MAKE) iso VERSION=check
	$(ISO_PYTEST) $(BOCHS_TESTS)

bench: deps build
	scripts/bench.sh

clean:
	rm -rf build
	@for d in hypervisor tools tests/unit; do \
		[ ! -f $$d/Makefile ] || $(MAKE) -s -C $$d clean; done
