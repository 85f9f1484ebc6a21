geneve.o: geneve.c geneve.h /work/main/include/peer_relay/classify.h \
 disco.h
geneve.h:
/work/main/include/peer_relay/classify.h:
disco.h:
