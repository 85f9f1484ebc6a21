num.o: num.c num.h
num.h:
