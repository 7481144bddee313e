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

# The Bochs (VT-x) boots: slow (minutes each, one emulated CPU), so they run one
# after the other in a pytest of their own, beside the QEMU tests' workers
# (docs/hypervisor.md, "Intel VT-x"). Their output follows the QEMU tests'.
BOCHS_TESTS := tests/integration/test_vmx_bochs.py tests/integration/test_vmx_bochs_novmx.py
BOCHS_OUT := build/test-logs/bochs-tests

# pytest on the test ISO.
ISO_PYTEST = XENOLITH_ISO=$(CURDIR)/build/xenolith-check.iso $(PYTEST) -p no:cacheprovider

integration: deps
	$(MAKE) iso VERSION=check
	mkdir -p build/test-logs
	{ $(ISO_PYTEST) --junitxml=$(BOCHS_OUT).xml $(BOCHS_TESTS) > $(BOCHS_OUT).out 2>&1; \
		echo $$? > $(BOCHS_OUT).rc; } & \
	$(ISO_PYTEST) -n $(JOBS) --dist loadfile --durations=30 --junitxml=build/test-logs/qemu-tests.xml \
		$(addprefix --ignore=,$(BOCHS_TESTS)) tests/integration; qemu=$$?; \
	wait; echo "=== the Bochs (VT-x) tests"; cat $(BOCHS_OUT).out; \
	[ $$qemu = 0 ] && [ "$$(cat $(BOCHS_OUT).rc)" = 0 ]

check: deps build unit integration

# Only the Bochs tests.
check-vmx: deps build
	$(MAKE) iso VERSION=check
	$(ISO_PYTEST) -n $(JOBS) $(BOCHS_TESTS)

bench: deps build
	scripts/bench.sh

clean:
	rm -rf build
	@for d in hypervisor tools tests/unit; do \
		[ ! -f $$d/Makefile ] || $(MAKE) -s -C $$d clean; done
