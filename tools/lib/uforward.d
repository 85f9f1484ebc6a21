uforward.o: uforward.c /work/main/include/peer_relay/classify.h \
 uforward.h
/work/main/include/peer_relay/classify.h:
uforward.h:
