# SPDX-License-Identifier: GPL-2.0-only
# Common build settings for everything under tools/ (and the userspace
# selftests). Include it from a tool's Makefile:
#     include ../build.mk
# It defines TOP_DIR, TOOLS_DIR, LIBPR (tools/lib/libpeerrelay.a), the
# compiler flags and the libraries a tool links against.

TOOLS_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
TOP_DIR := $(abspath $(TOOLS_DIR)/..)

VERSION ?= $(shell cat $(TOP_DIR)/VERSION 2>/dev/null || echo 0.1.0)

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

LIBPR := $(TOOLS_DIR)/lib/libpeerrelay.a
PR_LDLIBS := $(LIBPR) $(NL_LIBS) $(SODIUM_LIBS)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
INSTALL ?= install
