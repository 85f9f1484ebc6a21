addr.o: addr.c addr.h /work/main/include/uapi/linux/peer_relay.h
addr.h:
/work/main/include/uapi/linux/peer_relay.h:
