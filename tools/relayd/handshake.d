handshake.o: handshake.c handshake.h ../lib/disco.h ../lib/geneve.h \
 /work/main/include/peer_relay/classify.h
handshake.h:
../lib/disco.h:
../lib/geneve.h:
/work/main/include/peer_relay/classify.h:
