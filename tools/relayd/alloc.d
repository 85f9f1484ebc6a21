alloc.o: alloc.c alloc.h ../lib/disco.h ../lib/keyfile.h ../lib/disco.h
alloc.h:
../lib/disco.h:
../lib/keyfile.h:
../lib/disco.h:
