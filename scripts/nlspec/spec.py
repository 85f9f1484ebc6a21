# SPDX-License-Identifier: GPL-2.0-only
"""Read a genetlink spec (YAML) into plain objects: sets with resolved
values and C names, operations, definitions. Shared by gen.py, lint.py
and nlclient.py; knows nothing about peer_relay."""
import os

import yaml

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    '..', '..'))
SPEC = os.path.join(TOP, 'Documentation', 'netlink', 'specs', 'peer_relay.yaml')


def c_upper(*parts):
    return ''.join(parts).upper().replace('-', '_')


def c_lower(*parts):
    return ''.join(parts).lower().replace('-', '_')


class Attr:
    def __init__(self, aset, y, value):
        self.set = aset
        self.yaml = y
        self.name = y['name']
        self.value = value
        self.type = y.get('type')
        self.nested = y.get('nested-attributes')
        self.enum = y.get('enum')
        self.checks = y.get('checks', {})
        self.doc = y.get('doc', '')
        self.multi = y.get('multi-attr', False)
        self.hint = y.get('display-hint')

    @property
    def c_name(self):
        return c_upper(self.set.prefix, self.name)


class AttrSet:
    def __init__(self, fam, y):
        self.fam = fam
        self.yaml = y
        self.name = y['name']
        self.doc = y.get('doc', '')
        self.subset_of = y.get('subset-of')
        self.attrs = {}         # name -> Attr, in order
        self.by_value = {}
        if self.subset_of:
            return              # resolved by Family once every base exists
        self.prefix = y.get('name-prefix', f"{fam.name}-{self.name}-a-")
        self.enum_name = y.get('enum-name', c_lower(fam.name, '-', self.name, '-a'))
        v = 1
        for a in y['attributes']:
            v = a.get('value', v)
            self._add(Attr(self, a, v))
            v += 1
        self.cnt_name = y.get('attr-cnt-name', '__' + c_upper(self.prefix, 'max'))
        self.max_name = y.get('attr-max-name', c_upper(self.prefix, 'max'))

    def _add(self, attr):
        self.attrs[attr.name] = attr
        self.by_value[attr.value] = attr

    def resolve_subset(self):
        base = self.fam.sets[self.subset_of]
        self.base = base
        self.prefix, self.enum_name = base.prefix, base.enum_name
        self.cnt_name, self.max_name = base.cnt_name, base.max_name
        for a in self.yaml['attributes']:
            real = base.attrs[a['name']]
            self._add(Attr(self, {**real.yaml, **a}, real.value))

    @property
    def full(self):
        return self.base if self.subset_of else self


class Op:
    def __init__(self, fam, y, value):
        self.yaml = y
        self.name = y['name']
        self.value = value
        self.doc = y.get('doc', '')
        self.set = y.get('attribute-set')
        self.flags = y.get('flags', [])
        # {} (a do without attributes) is still a do
        self.do = y['do'] if 'do' in y else None
        self.dump = y['dump'] if 'dump' in y else None
        self.event = y.get('event')
        self.mcgrp = y.get('mcgrp')
        self.c_name = c_upper(fam.op_prefix, self.name)


class Family:
    def __init__(self, path=SPEC):
        self.path = path
        y = yaml.safe_load(open(path))
        self.yaml = y
        self.name = y['name']
        self.doc = y.get('doc', '')
        self.protocol = y.get('protocol', 'genetlink')
        self.version = y.get('version', 1)
        self.defs = {d['name']: d for d in y.get('definitions', [])}
        self.sets = {}
        for s in y['attribute-sets']:
            self.sets[s['name']] = AttrSet(self, s)
        for s in self.sets.values():
            if s.subset_of:
                s.resolve_subset()
        ops = y['operations']
        self.op_prefix = ops.get('name-prefix', f'{self.name}-cmd-')
        self.op_enum = ops.get('enum-name', c_lower(self.name, '-cmd'))
        self.ops = {}
        v = 1
        for o in ops['list']:
            v = o.get('value', v)
            self.ops[o['name']] = Op(self, o, v)
            v += 1
        self.mcgrps = y.get('mcast-groups', {}).get('list', [])

    def enum_entries(self, d):
        """[(name, C name, value, doc)] of an enum or flags definition."""
        prefix = d.get('name-prefix', f"{self.name}-{d['name']}-")
        out = []
        v = d.get('value-start', 0)
        for e in d['entries']:
            e = {'name': e} if isinstance(e, str) else e
            v = e.get('value', v)
            out.append((e['name'], c_upper(prefix, e['name']), v, e.get('doc', '')))
            v += 1
        return out, prefix

    def const_c(self, name):
        """C name of a length or bound: a constant's define, or the number."""
        if isinstance(name, int):
            return str(name)
        if name in self.defs and self.defs[name]['type'] == 'const':
            return c_upper(self.name, '-', name)
        raise KeyError(f'no constant {name}')

    def const_value(self, name):
        if isinstance(name, int):
            return name
        return int(self.defs[name]['value'])

    def mirror_of(self, aset):
        """The enum definition a full set is another view of (same C enum)."""
        for d in self.defs.values():
            if d['type'] == 'enum' and d.get('enum-name') == aset.enum_name:
                return d
        return None
