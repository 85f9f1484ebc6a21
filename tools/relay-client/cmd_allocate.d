cmd_allocate.o: cmd_allocate.c relay-client.h /work/main/tools/lib/json.h \
 /work/main/tools/lib/relayclient.h /work/main/tools/lib/disco.h \
 /work/main/tools/lib/geneve.h /work/main/include/peer_relay/classify.h
relay-client.h:
/work/main/tools/lib/json.h:
/work/main/tools/lib/relayclient.h:
/work/main/tools/lib/disco.h:
/work/main/tools/lib/geneve.h:
/work/main/include/peer_relay/classify.h:
