opts.o: opts.c /work/main/tools/lib/addr.h \
 /work/main/include/uapi/linux/peer_relay.h \
 /work/main/tools/lib/keyfile.h /work/main/tools/lib/disco.h \
 /work/main/tools/lib/num.h relay-client.h /work/main/tools/lib/json.h \
 /work/main/tools/lib/relayclient.h /work/main/tools/lib/geneve.h \
 /work/main/include/peer_relay/classify.h
/work/main/tools/lib/addr.h:
/work/main/include/uapi/linux/peer_relay.h:
/work/main/tools/lib/keyfile.h:
/work/main/tools/lib/disco.h:
/work/main/tools/lib/num.h:
relay-client.h:
/work/main/tools/lib/json.h:
/work/main/tools/lib/relayclient.h:
/work/main/tools/lib/geneve.h:
/work/main/include/peer_relay/classify.h:
