keyfile.o: keyfile.c keyfile.h disco.h
keyfile.h:
disco.h:
