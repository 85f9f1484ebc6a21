# SPDX-License-Identifier: GPL-2.0-only
#
# peer_relay top-level build and test entry points.
#
#   make                 module + tools + test helpers, all under build/
#                        (build/kmod/peer_relay.ko, build/tools/NAME/NAME)
#   make check           host unit tests, fuzz smoke, every VM scenario, then a
#                        "N passed, N failed[, N skipped]" summary line
#   make vm-test T=NAME  boot the VM once and run selftests/net/NAME.sh
#   make demo            boot the VM running selftests/demo.sh
#   make bench           benchmark in the VM (bench/run.sh, Documentation/performance.md)
#   make lint            sparse, checkpatch and kernel-doc on kmod/ (scripts/lint.sh),
#                        the netlink spec's checks (scripts/spec-check.sh)
#   make gen             render the UAPI header, kmod/netlink_gen.[ch] and the
#                        schemas from Documentation/netlink/specs/peer_relay.yaml
#   make rules-check     promtool check + unit tests of contrib/prometheus/
#   make units-check     systemd-analyze verify of the installed units,
#                        keepalived -t of the example (scripts/units-check.sh)
#   make fuzz            libFuzzer harnesses, FUZZ_SECONDS (default 60) each
#   make debug-check     the VM suite on a KASAN/lockdep/kmemleak kernel
#                        (scripts/debug-kernel.sh; builds and caches it)
#   make deps            install the Debian packages (scripts/install-deps.sh)
#   make install         module, tools, man pages, systemd units, config
#                        (scripts/install.sh; DESTDIR, PREFIX, KVER honoured)
#   make uninstall       remove what `make install` installed
#
# Variables: KDIR (kernel build dir; default: newest /lib/modules/6.1*-amd64/build),
# KVER (its release, derived from KDIR), VMLINUZ, VM_TIMEOUT (seconds per boot),
# V=1 (stream the VM console to the terminal), DESTDIR/PREFIX (install).

KDIR ?= $(shell ls -d /lib/modules/6.1*-amd64/build 2>/dev/null | sort -V | tail -n 1)
KVER ?= $(notdir $(patsubst %/build,%,$(KDIR)))
VMLINUZ ?= /boot/vmlinuz-$(KVER)
BUILD := $(CURDIR)/build
KSFT_DIR := $(BUILD)/kselftest
LINUX_SOURCE_TAR ?= $(lastword $(sort $(wildcard /usr/src/linux-source-6.1.tar.xz)))
INITRAMFS := $(BUILD)/vm/initramfs.cpio
T ?=

export KDIR KVER VMLINUZ

ifneq ($(filter vm-test,$(MAKECMDGOALS)),)
ifeq ($(T),)
$(error usage: make vm-test T=<scenario>, one of: $(basename $(notdir $(wildcard selftests/net/*.sh))))
endif
endif

.PHONY: all modules tools selftests kselftest unit vm-image vm-check vm-test \
	check demo bench fuzz lint debug-check deps clean help install uninstall \
	gen rules-check units-check

all: modules tools selftests

help:
	@sed -n '3,26p' Makefile | sed 's/^# \{0,1\}//'

# The module is built out of the source tree: kbuild reads kmod/ (src=)
# and writes every object, .cmd, Module.symvers and the .ko to build/kmod/
# (M=). `make lint` adds C=2 (sparse) to the same command.
KBUILD = $(MAKE) -C $(KDIR) M=$(BUILD)/kmod src=$(CURDIR)/kmod

modules:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "No kernel build dir (install linux-headers-amd64 or set KDIR)"; exit 1; }
	@mkdir -p $(BUILD)/kmod
	$(KBUILD) modules

tools:
	$(MAKE) -C tools

# Only the two kselftest headers are needed (6.1 has no ktap_helpers.sh;
# selftests/lib.sh carries the shell KTAP helpers). Extracting two members
# from the 138 MB xz takes ~10 s, so it is done once and cached.
$(KSFT_DIR)/kselftest_harness.h:
	@test -f "$(LINUX_SOURCE_TAR)" || \
		{ echo "$(LINUX_SOURCE_TAR) missing: apt-get install linux-source-6.1"; exit 1; }
	@echo "  EXTRACT kselftest headers -> $(KSFT_DIR)"
	@rm -rf $(KSFT_DIR).tmp && mkdir -p $(KSFT_DIR).tmp
	@tar -xJf $(LINUX_SOURCE_TAR) -C $(KSFT_DIR).tmp --strip-components=4 \
		--wildcards '*/tools/testing/selftests/kselftest.h' \
		'*/tools/testing/selftests/kselftest_harness.h'
	@rm -rf $(KSFT_DIR) && mv $(KSFT_DIR).tmp $(KSFT_DIR)

kselftest: $(KSFT_DIR)/kselftest_harness.h

selftests: kselftest tools
	$(MAKE) -C selftests

unit: kselftest tools
	@mkdir -p $(BUILD)/results && rm -f $(BUILD)/results/unit.txt
	@$(MAKE) --no-print-directory -C selftests/unit run

vm-image: all
	@selftests/vm/mkinitramfs.sh --kver $(KVER) --out $(INITRAMFS)

vm-check: vm-image
	@selftests/vm/run.sh --image $(INITRAMFS) --all

vm-test: vm-image
	@rm -f $(BUILD)/results/vm-$(T).txt
	@selftests/vm/run.sh --image $(INITRAMFS) $(T); rc=$$?; \
		selftests/summary.sh $(BUILD)/results/vm-$(T).txt || rc=1; exit $$rc

# Every stage runs even if an earlier one failed; the summary decides.
check: vm-image
	@rm -rf $(BUILD)/results && mkdir -p $(BUILD)/results
	@echo "=== static checks ==="
	-@scripts/lint.sh
	@echo "=== netlink spec (host) ==="
	-@scripts/spec-check.sh
	@echo "=== alerting rules (host) ==="
	-@scripts/rules-check.sh
	@echo "=== systemd units, keepalived example (host) ==="
	-@scripts/units-check.sh
	@echo "=== unit tests (host) ==="
	-@$(MAKE) --no-print-directory -C selftests/unit run
	@echo "=== fuzz smoke (host) ==="
	-@$(MAKE) --no-print-directory -C fuzz smoke
	@echo "=== VM scenarios ($(KVER)) ==="
	-@selftests/vm/run.sh --image $(INITRAMFS) --all
	@echo "=== summary ==="
	@selftests/summary.sh $(BUILD)/results/*.txt

demo: vm-image
	@selftests/vm/run.sh --image $(INITRAMFS) --demo

bench: all
	@$(MAKE) --no-print-directory -C bench && bench/run.sh

lint: modules
	@scripts/lint.sh; rc=$$?; scripts/spec-check.sh || rc=1; exit $$rc

gen:
	@scripts/nlspec/gen.py

rules-check:
	@scripts/rules-check.sh

units-check: tools
	@scripts/units-check.sh

FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory -C fuzz run SECONDS=$(FUZZ_SECONDS)

debug-check:
	@scripts/debug-kernel.sh test

deps:
	scripts/install-deps.sh

INSTALL_ENV = DESTDIR="$(DESTDIR)" KVER="$(KVER)" $(if $(PREFIX),PREFIX="$(PREFIX)")

install: modules tools
	@$(INSTALL_ENV) scripts/install.sh install

uninstall:
	@$(INSTALL_ENV) scripts/install.sh uninstall

clean:
	rm -rf $(BUILD)
