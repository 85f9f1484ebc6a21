disco.o: disco.c disco.h
disco.h:
