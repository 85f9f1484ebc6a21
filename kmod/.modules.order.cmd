cmd_/work/main/kmod/modules.order := {   echo /work/main/kmod/peer_relay.ko; :; } > /work/main/kmod/modules.order
