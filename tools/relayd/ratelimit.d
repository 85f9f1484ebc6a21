ratelimit.o: ratelimit.c ratelimit.h /work/main/tools/lib/addr.h \
 /work/main/include/uapi/linux/peer_relay.h
ratelimit.h:
/work/main/tools/lib/addr.h:
/work/main/include/uapi/linux/peer_relay.h:
