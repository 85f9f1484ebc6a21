# SPDX-License-Identifier: GPL-2.0-only
# Common build settings for everything under tools/ (and bench/). Include
# it from a directory's Makefile:
#     include ../build.mk
# Nothing is written beside the sources: a directory's objects and
# dependency files go to $(O) = build/tools/<dir>/ (tools/lib's archive
# too), the programs to $(O)/<dir>. It defines TOP_DIR, TOOLS_DIR, O,
# OBJS (one per *.c here), LIBPR (the archive), the compiler flags and
# PRL_LDLIBS, the libraries a tool links against.

# `make` with no goal builds `all` (the rules below come first).
.DEFAULT_GOAL := all

TOOLS_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
TOP_DIR := $(abspath $(TOOLS_DIR)/..)
BUILD_DIR := $(TOP_DIR)/build
O := $(BUILD_DIR)/tools/$(notdir $(CURDIR))

# The one version of the module and the tools (the module's Kbuild and
# scripts/install.sh read the same file).
VERSION := $(shell cat $(TOP_DIR)/VERSION)

CC ?= cc
AR ?= ar
PKG_CONFIG ?= pkg-config

NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 2>/dev/null || echo -I/usr/include/libnl3)
NL_LIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0 2>/dev/null || echo -lnl-genl-3 -lnl-3)
SODIUM_CFLAGS := $(shell $(PKG_CONFIG) --cflags libsodium 2>/dev/null)
SODIUM_LIBS := $(shell $(PKG_CONFIG) --libs libsodium 2>/dev/null || echo -lsodium)

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	  -Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter \
	  -fno-strict-aliasing
CPPFLAGS += -D_GNU_SOURCE -I$(TOP_DIR)/include/uapi -I$(TOP_DIR)/include \
	    -I$(TOOLS_DIR)/lib $(NL_CFLAGS) $(SODIUM_CFLAGS) \
	    -DPEER_RELAY_VERSION='"$(VERSION)"' -MMD -MP

LIBPR := $(BUILD_DIR)/tools/lib/libpeerrelay.a
PRL_LDLIBS := $(LIBPR) $(NL_LIBS) $(SODIUM_LIBS)

SRCS := $(sort $(wildcard *.c))
OBJS := $(patsubst %.c,$(O)/%.o,$(SRCS))

# Everything is rebuilt when the version or the UAPI header changes.
$(OBJS): $(TOP_DIR)/VERSION $(TOP_DIR)/include/uapi/linux/peer_relay.h

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

-include $(OBJS:.o=.d)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
INSTALL ?= install
