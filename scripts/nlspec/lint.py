# SPDX-License-Identifier: GPL-2.0-only
"""Consistency rules a schema cannot express: every name a spec uses
resolves, every nest says what is inside it (a spec-driven client cannot
decode one that does not), and the conventions gen.py relies on hold.

lint(family) returns a list of problems, [] when the spec is sound."""


def lint(fam):
    p = []
    sets = fam.sets
    defs = fam.defs

    for s in sets.values():
        if s.subset_of and s.subset_of not in sets:
            p.append(f'set {s.name}: subset-of {s.subset_of}: no such set')
            continue
        for a in s.attrs.values():
            where = f'{s.name}.{a.name}'
            if a.type == 'nest' and not a.nested:
                p.append(f'{where}: nest without nested-attributes '
                         '(a spec-driven client cannot decode it)')
            if a.nested and a.nested not in sets:
                p.append(f'{where}: nested-attributes {a.nested}: no such set')
            if a.nested and s.subset_of and a.nested in sets:
                base = s.base.attrs[a.name].nested
                inner = sets[a.nested]
                if inner.full.name != (sets[base].full.name if base in sets else base):
                    p.append(f'{where}: nested {a.nested} is not a subset of {base}')
            if a.enum and a.enum not in defs:
                p.append(f'{where}: enum {a.enum}: no such definition')
        mirror = None if s.subset_of else fam.mirror_of(s)
        if mirror:
            entries, _ = fam.enum_entries(mirror)
            want = {n: v for n, _, v, _ in entries}
            got = {a.name: a.value for a in s.attrs.values()}
            if want != got:
                p.append(f'set {s.name}: is enum {mirror["name"]} as attributes, '
                         f'but names/values differ: {sorted(set(want.items()) ^ set(got.items()))}')

    groups = {g['name'] for g in fam.mcgrps}
    for op in fam.ops.values():
        if op.set not in sets:
            p.append(f'operation {op.name}: attribute-set {op.set}: no such set')
            continue
        s = sets[op.set]
        msgs = []
        for kind in ('do', 'dump'):
            x = getattr(op, kind)
            for part in ('request', 'reply'):
                if x and part in x:
                    msgs.append((f'{kind} {part}', x[part].get('attributes', [])))
        if op.event:
            msgs.append(('event', op.event.get('attributes', [])))
        for what, names in msgs:
            for n in names:
                if n not in s.attrs:
                    p.append(f'operation {op.name} {what}: {n} not in set {s.name}')
        req = [n for what, names in msgs if what.endswith('request') for n in names]
        rs = sets.get(f'{op.name}-req')
        if req and not rs:
            p.append(f'operation {op.name}: takes {req} but has no {op.name}-req set')
        if rs and sorted(set(req)) != sorted(rs.attrs):
            p.append(f'operation {op.name}: request {sorted(set(req))} != '
                     f'{rs.name} {sorted(rs.attrs)}')
        if op.mcgrp and op.mcgrp not in groups:
            p.append(f'operation {op.name}: mcgrp {op.mcgrp}: no such group')
        if (op.event or op.mcgrp) and not (op.event and op.mcgrp):
            p.append(f'operation {op.name}: an event needs both event and mcgrp')
    return p
