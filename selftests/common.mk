# SPDX-License-Identifier: GPL-2.0-only
# Shared compiler settings of the selftest Makefiles (included, not run).
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
BUILD ?= $(TOP)/build
KSFT_DIR ?= $(BUILD)/kselftest

CC ?= gcc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror
CPPFLAGS += -I$(TOP)/include/uapi -I$(TOP)/include -I$(TOP)/tools/lib -I$(KSFT_DIR)

# Test programs may use the shared userspace library and its dependencies.
LIBPEERRELAY := $(wildcard $(BUILD)/tools/lib/libpeerrelay.a)
PKGS := libnl-genl-3.0 libnl-3.0 libsodium
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LDLIBS := $(LIBPEERRELAY) $(PKG_LIBS)
SODIUM_LIBS := $(shell pkg-config --libs libsodium 2>/dev/null || echo -lsodium)
# kselftest_harness.h of 6.1 is not -Wextra clean (unused `variant`
# parameters, signed/unsigned compares inside EXPECT_*).
KSFT_CFLAGS := -Wno-unused-parameter -Wno-sign-compare
