#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A generic netlink client driven only by a YAML spec (like the kernel's
ynl, written for this project): everything it knows about the family -
names, attribute types, nests, enums, commands, groups - comes from the
spec. It proves the spec describes the running module.

    nlclient.py --spec SPEC --do OP [--json '{"session": {"vni": 5}}']
    nlclient.py --spec SPEC --dump OP
    nlclient.py --spec SPEC --subscribe GROUP [--count N] [--timeout S]

Prints each reply (or event) as one JSON object per line: binary as hex,
ipv4/ipv6 display hints as addresses, enum values by name; events as
{"name": OP, "msg": {...}}. A reply whose command is not the request's is
an error, as in ynl. Exit status 0, 1 on a kernel error (errno and the
extack message on stderr), 2 on bad usage.
"""
import argparse
import ipaddress
import json
import os
import select
import socket
import struct
import sys

import yaml

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_ACK_TLVS = 0x200
NLA_F_NESTED = 0x8000
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK, NETLINK_CAP_ACK = 1, 11, 10
SOL_NETLINK = 270
NLMSGERR_ATTR_MSG = 1

INTS = {'u8': 'B', 'u16': 'H', 'u32': 'I', 'u64': 'Q',
        's8': 'b', 's16': 'h', 's32': 'i', 's64': 'q'}


class Error(Exception):
    pass


class Spec:
    """The spec's sets, enums and operations, with resolved values."""

    def __init__(self, path):
        y = yaml.safe_load(open(path))
        self.name = y['name']
        self.enums = {}
        for d in y.get('definitions', []):
            if d['type'] in ('enum', 'flags'):
                v, names = d.get('value-start', 0), {}
                for e in d['entries']:
                    e = {'name': e} if isinstance(e, str) else e
                    v = e.get('value', v)
                    names[v] = e['name']
                    v += 1
                self.enums[d['name']] = names
        self.sets = {}
        for s in y['attribute-sets']:
            if 'subset-of' in s:
                continue
            attrs, v = {}, 1
            for a in s['attributes']:
                v = a.get('value', v)
                attrs[a['name']] = dict(a, value=v)
                v += 1
            self.sets[s['name']] = attrs
        for s in y['attribute-sets']:     # subsets: base attributes + overrides
            if 'subset-of' in s:
                base = self.sets[s['subset-of']]
                self.sets[s['name']] = {a['name']: {**base[a['name']], **a}
                                        for a in s['attributes']}
        self.ops, v = {}, 1
        for o in y['operations']['list']:
            v = o.get('value', v)
            self.ops[o['name']] = dict(o, value=v)
            v += 1
        self.by_value = {o['value']: o for o in self.ops.values()}


# ---- attributes -------------------------------------------------------

def put_attr(spec, aset, name, val):
    a = spec.sets[aset].get(name)
    if a is None:
        raise Error(f'set {aset} has no attribute {name}')
    t = a['type']
    if a.get('multi-attr') and isinstance(val, list):
        return b''.join(put_attr(spec, aset, name, v) for v in val)
    if t == 'nest':
        body = b''.join(put_attr(spec, a['nested-attributes'], k, v)
                        for k, v in val.items())
        return tlv(a['value'] | NLA_F_NESTED, body)
    if t in INTS:
        if isinstance(val, str) and a.get('enum'):
            val = {n: v for v, n in spec.enums[a['enum']].items()}[val]
        return tlv(a['value'], struct.pack('=' + INTS[t], val))
    if t == 'binary':
        if a.get('display-hint') in ('ipv4', 'ipv6'):
            return tlv(a['value'], ipaddress.ip_address(val).packed)
        return tlv(a['value'], bytes.fromhex(val))
    if t == 'string':
        return tlv(a['value'], val.encode() + b'\0')
    if t == 'flag':
        return tlv(a['value'], b'')
    raise Error(f'{aset}.{name}: cannot encode type {t}')


def tlv(typ, body):
    n = 4 + len(body)
    return struct.pack('=HH', n, typ) + body + b'\0' * ((4 - n % 4) % 4)


def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        n, typ = struct.unpack_from('=HH', buf, off)
        if n < 4 or off + n > len(buf):
            raise Error('truncated attribute')
        yield typ & 0x3fff, buf[off + 4:off + n]
        off += (n + 3) & ~3


def decode(spec, aset, buf):
    by_val = {a['value']: a for a in spec.sets[aset].values()}
    out = {}
    for typ, body in attrs(buf):
        a = by_val.get(typ)
        if a is None:
            raise Error(f'set {aset} has no attribute with value {typ}')
        t = a['type']
        if t == 'pad':
            continue
        if t == 'nest':
            if 'nested-attributes' not in a:
                raise Error(f'{aset}.{a["name"]}: nest without nested-attributes')
            v = decode(spec, a['nested-attributes'], body)
        elif t in INTS:
            v = struct.unpack('=' + INTS[t], body)[0]
            if a.get('enum'):
                v = spec.enums[a['enum']].get(v, v)
        elif t == 'binary':
            hint = a.get('display-hint')
            v = str(ipaddress.ip_address(body)) if hint in ('ipv4', 'ipv6') else body.hex()
        elif t == 'string':
            v = body.rstrip(b'\0').decode()
        elif t == 'flag':
            v = True
        else:
            raise Error(f'{aset}.{a["name"]}: cannot decode type {t}')
        if a.get('multi-attr'):
            out.setdefault(a['name'], []).append(v)
        else:
            out[a['name']] = v
    return out


# ---- transport --------------------------------------------------------

class Genl:
    def __init__(self):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sk.bind((0, 0))
        self.seq = 0

    def send(self, family, cmd, version, flags, body):
        self.seq += 1
        msg = struct.pack('=BBH', cmd, version, 0) + body
        self.sk.send(struct.pack('=IHHII', 16 + len(msg), family,
                                 flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + msg)
        return self.seq

    def messages(self, data):
        off = 0
        while off + 16 <= len(data):
            n, typ, flags, seq, _ = struct.unpack_from('=IHHII', data, off)
            yield typ, flags, seq, data[off + 16:off + n]
            off += (n + 3) & ~3

    def request(self, family, cmd, version, flags, body):
        """[(genl cmd, attribute bytes)] of the replies; raises on error."""
        seq = self.send(family, cmd, version, flags, body)
        out = []
        while True:
            for typ, fl, s, payload in self.messages(self.sk.recv(1 << 20)):
                if s != seq:
                    continue
                if typ == NLMSG_ERROR:
                    err = struct.unpack_from('=i', payload)[0]
                    if not err:
                        return out
                    msg = ''
                    if fl & NLM_F_ACK_TLVS:
                        for t, b in attrs(payload[20:]):
                            if t == NLMSGERR_ATTR_MSG:
                                msg = b.rstrip(b'\0').decode()
                    raise OSError(-err, os.strerror(-err) + (f': {msg}' if msg else ''))
                if typ == NLMSG_DONE:
                    err = struct.unpack_from('=i', payload)[0] if len(payload) >= 4 else 0
                    if err:
                        raise OSError(-err, os.strerror(-err))
                    return out
                out.append((payload[0], payload[4:]))

    def resolve(self, name):
        body = tlv(CTRL_ATTR_FAMILY_NAME, name.encode() + b'\0')
        [(_, rep)] = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0, body)
        fam, groups = None, {}
        for t, b in attrs(rep):
            if t == CTRL_ATTR_FAMILY_ID:
                fam = struct.unpack('=H', b)[0]
            elif t == CTRL_ATTR_MCAST_GROUPS:
                for _, g in attrs(b):
                    d = dict(attrs(g))
                    groups[d[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b'\0').decode()] = \
                        struct.unpack('=I', d[CTRL_ATTR_MCAST_GRP_ID])[0]
        return fam, groups


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--spec', required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument('--do', metavar='OP')
    g.add_argument('--dump', metavar='OP')
    g.add_argument('--subscribe', metavar='GROUP')
    ap.add_argument('--json', default='{}', help='request attributes')
    ap.add_argument('--count', type=int, default=0, help='events to wait for')
    ap.add_argument('--timeout', type=float, default=10)
    args = ap.parse_args(argv[1:])
    spec = Spec(args.spec)
    nl = Genl()
    try:
        fam, groups = nl.resolve(spec.name)
    except OSError as e:
        print(f'nlclient: family {spec.name}: {e.strerror}', file=sys.stderr)
        return 1

    if args.subscribe:
        if args.subscribe not in groups:
            print(f'nlclient: no group {args.subscribe}', file=sys.stderr)
            return 1
        try:
            nl.sk.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups[args.subscribe])
        except OSError as e:
            print(f'nlclient: subscribe {args.subscribe}: {e.strerror}', file=sys.stderr)
            return 1
        print('subscribed', file=sys.stderr, flush=True)
        n = 0
        while args.count == 0 or n < args.count:
            r, _, _ = select.select([nl.sk], [], [], args.timeout)
            if not r:
                break
            for typ, _, _, payload in nl.messages(nl.sk.recv(1 << 20)):
                if typ != fam:
                    continue
                op = spec.by_value.get(payload[0])
                if not op or 'event' not in op:
                    raise Error(f'unexpected command {payload[0]} on the group')
                print(json.dumps({'name': op['name'],
                                  'msg': decode(spec, op['attribute-set'], payload[4:])}),
                      flush=True)
                n += 1
        return 0 if args.count == 0 or n == args.count else 1

    opname = args.do or args.dump
    op = spec.ops.get(opname)
    if op is None or ('do' if args.do else 'dump') not in op:
        print(f'nlclient: the spec has no {"do" if args.do else "dump"} {opname}', file=sys.stderr)
        return 2
    req = json.loads(args.json)
    body = b''.join(put_attr(spec, op['attribute-set'], k, v) for k, v in req.items())
    try:
        replies = nl.request(fam, op['value'], 1, 0 if args.do else NLM_F_DUMP, body)
    except OSError as e:
        print(f'nlclient: {opname}: {e.strerror}', file=sys.stderr)
        return 1
    for cmd, payload in replies:
        if cmd != op['value']:
            raise Error(f'{opname}: reply carries command {cmd} '
                        f'({spec.by_value.get(cmd, {}).get("name")}), not {op["value"]}')
        print(json.dumps(decode(spec, op['attribute-set'], payload)))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv))
    except Error as e:
        print(f'nlclient: {e}', file=sys.stderr)
        sys.exit(1)
