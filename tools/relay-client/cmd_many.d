cmd_many.o: cmd_many.c /work/main/tools/lib/keyfile.h \
 /work/main/tools/lib/disco.h relay-client.h /work/main/tools/lib/json.h \
 /work/main/tools/lib/relayclient.h /work/main/tools/lib/geneve.h \
 /work/main/include/peer_relay/classify.h
/work/main/tools/lib/keyfile.h:
/work/main/tools/lib/disco.h:
relay-client.h:
/work/main/tools/lib/json.h:
/work/main/tools/lib/relayclient.h:
/work/main/tools/lib/geneve.h:
/work/main/include/peer_relay/classify.h:
