json.o: json.c json.h
json.h:
