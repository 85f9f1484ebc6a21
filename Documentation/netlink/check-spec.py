#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check Documentation/netlink/peer_relay.yaml against the UAPI header.

    check-spec.py [--schema genetlink-c.yaml] [SPEC] [HEADER_DIR]

Renders every name and value the spec defines (constants, enums with
render-max, attribute sets, commands, the multicast group and the family
name/version defines) as C assertions, compiles them against the header
and runs them; then checks the other way round that every PEER_RELAY_*
identifier of the header is described by the spec. With --schema, also
validates the spec with jsonschema against the kernel's genetlink-c
schema (not shipped here). Exit status 0 if everything matches.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.normpath(os.path.join(here, '..', '..'))


def c_name(*parts):
    return ''.join(parts).upper().replace('-', '_')


def main(argv):
    schema = None
    if len(argv) > 2 and argv[1] == '--schema':
        schema = argv[2]
        argv = argv[:1] + argv[3:]
    spec_path = argv[1] if len(argv) > 1 else os.path.join(here, 'peer_relay.yaml')
    inc = argv[2] if len(argv) > 2 else os.path.join(top, 'include', 'uapi')
    header = os.path.join(inc, 'linux', 'peer_relay.h')
    spec = yaml.safe_load(open(spec_path))

    if schema:
        import jsonschema
        jsonschema.validate(spec, yaml.safe_load(open(schema)))
        print('schema: ok')

    fam = spec['name']
    checks = []     # (C expression, description)
    names = set()

    def eq(name, value):
        names.add(name)
        checks.append((f'({name}) == ({value})', f'{name} == {value}'))

    for d in spec.get('definitions', []):
        if d['type'] == 'const':
            eq(c_name(fam, '-', d['name']), d['value'])
            continue
        prefix = d.get('name-prefix', f"{fam}-{d['name']}-")
        v = d.get('value-start', 0)
        for e in d['entries']:
            e = {'name': e} if isinstance(e, str) else e
            v = e.get('value', v)
            eq(c_name(prefix, e['name']), v)
            v += 1
        if d.get('render-max'):
            eq('__' + c_name(prefix, 'max'), v)
            eq(c_name(prefix, 'max'), v - 1)

    for s in spec['attribute-sets']:
        prefix = s.get('name-prefix', f"{fam}-{s['name']}-a-")
        eq(c_name(prefix, 'unspec'), 0)
        v = 1
        for a in s['attributes']:
            v = a.get('value', v)
            eq(c_name(prefix, a['name']), v)
            v += 1
        eq(s.get('attr-cnt-name', '__' + c_name(prefix, 'max')), v)
        eq(s.get('attr-max-name', c_name(prefix, 'max')), v - 1)

    ops = spec['operations']
    prefix = ops.get('name-prefix', f'{fam}-cmd-')
    eq(c_name(prefix, 'unspec'), 0)
    v = 1
    for o in ops['list']:
        v = o.get('value', v)
        eq(c_name(prefix, o['name']), v)
        v += 1
    eq('__' + c_name(prefix, 'max'), v)
    eq(c_name(prefix, 'max'), v - 1)

    strings = []
    for g in spec.get('mcast-groups', {}).get('list', []):
        n = c_name(g.get('c-define-name', f"{fam}-mcgrp-{g['name']}"))
        names.add(n)
        strings.append((n, g['name']))
    n = c_name(spec.get('c-family-name', f'{fam}-family-name'))
    names.add(n)
    strings.append((n, fam))
    n = c_name(spec.get('c-version-name', f'{fam}-family-version'))
    names.add(n)
    # the version's value is not in the spec; only its presence matters
    checks.append((f'({n}) >= 1', f'{n} >= 1'))

    src = ['#include <stdio.h>', '#include <string.h>',
           '#include <linux/peer_relay.h>', 'int main(void)', '{',
           '\tint bad = 0;']
    for expr, desc in checks:
        src.append(f'\tif (!({expr})) {{ puts("mismatch: {desc}"); bad = 1; }}')
    for n, val in strings:
        src.append(f'\tif (strcmp({n}, "{val}")) {{ puts("mismatch: {n} == \\"{val}\\""); bad = 1; }}')
    src += ['\treturn bad;', '}']

    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, 'check.c')
        exe = os.path.join(tmp, 'check')
        open(c, 'w').write('\n'.join(src) + '\n')
        r = subprocess.run(['cc', '-Wall', '-Werror', '-I', inc, '-o', exe, c])
        if r.returncode:
            print('spec names missing from the header (see compiler errors)')
            return 1
        r = subprocess.run([exe])
        bad = r.returncode != 0

    # Everything the header defines must be in the spec.
    text = open(header).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    ident = set(re.findall(r'\b(_*PEER_RELAY_[A-Z0-9_]+)\b', text))
    ident.discard('_UAPI_LINUX_PEER_RELAY_H')
    for n in sorted(ident - names):
        print(f'not in the spec: {n}')
        bad = True
    print(f'{len(checks) + len(strings)} checks, {len(ident)} header names: '
          + ('MISMATCH' if bad else 'ok'))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
