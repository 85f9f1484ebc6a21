cmd_/work/main/kmod/peer_relay.o := ld -m elf_x86_64 -z noexecstack --no-warn-rwx-segments   -r -o /work/main/kmod/peer_relay.o @/work/main/kmod/peer_relay.mod 
