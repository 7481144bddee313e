# Xenolith: top-level build. `make demo` and `make check` are the entry points.
VERSION ?= dev
ISO := build/xenolith-$(VERSION).iso
PYTEST := pytest-3
JOBS ?= 2
MAKEFLAGS += --no-print-directory

.PHONY: all deps build iso demo run check unit integration bench clean

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

integration: deps
	$(MAKE) iso VERSION=check
	XENOLITH_ISO=$(CURDIR)/build/xenolith-check.iso \
		$(PYTEST) -n $(JOBS) --dist loadfile --durations=30 -p no:cacheprovider tests/integration

check: deps build unit integration

bench: deps build
	scripts/bench.sh

clean:
	rm -rf build
	@for d in hypervisor tools tests/unit; do \
		[ ! -f $$d/Makefile ] || $(MAKE) -s -C $$d clean; done
