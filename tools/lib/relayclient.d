relayclient.o: relayclient.c keyfile.h disco.h relayclient.h geneve.h \
 /work/main/include/peer_relay/classify.h
keyfile.h:
disco.h:
relayclient.h:
geneve.h:
/work/main/include/peer_relay/classify.h:
