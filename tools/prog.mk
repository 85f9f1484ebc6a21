# SPDX-License-Identifier: GPL-2.0-only
# One program per tools/ directory, named after it. Its Makefile sets
#     PROGDIR  where `make install` puts it ($(SBINDIR) or $(BINDIR))
#     MANPAGE  its man page (e.g. relayctl.8)
#     LDLIBS   libraries beyond PRL_LDLIBS (optional)
# and includes this file; the program is built as $(O)/<dir>.
include $(dir $(lastword $(MAKEFILE_LIST)))build.mk

PROG := $(notdir $(CURDIR))
MANSEC := $(subst .,,$(suffix $(MANPAGE)))

all: $(O)/$(PROG)

$(O)/$(PROG): $(OBJS) $(LIBPR)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(PRL_LDLIBS) $(LDLIBS)

# Built by tools/Makefile first; here only when missing (a lone
# `make -C tools/relayctl`).
$(LIBPR):
	$(MAKE) -C $(TOOLS_DIR)/lib

install: $(O)/$(PROG)
	$(INSTALL) -D -m 0755 $(O)/$(PROG) $(DESTDIR)$(PROGDIR)/$(PROG)
	$(INSTALL) -D -m 0644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man$(MANSEC)/$(MANPAGE)

clean:
	rm -rf $(O)

.PHONY: all install clean
