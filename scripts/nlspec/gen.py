#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Render the files the netlink spec is the source of.

    gen.py            write them
    gen.py --check    write nothing; exit 1 and name every file that
                      differs from what the spec renders (drift)

From Documentation/netlink/specs/peer_relay.yaml:
  include/uapi/linux/peer_relay.h   constants, enums, attribute sets,
                                    commands, family and group names
  kmod/netlink_gen.[ch]             the request policies of every
                                    operation (its OP-req subset and the
                                    nested subsets under it; one policy a
                                    nest, each entry written once), the
                                    genl_ops table (flags, handlers) and
                                    the multicast groups, in the form Linux
                                    6.1 builds: no genl_split_ops, no
                                    NLA_UINT, range checks wider than s16
                                    through netlink_range_validation
  include/peer_relay/names.h        the stable names of the enums that
                                    name counters and events (sysfs
                                    files, JSON keys, metric labels)
From scripts/nlspec/schema.py:
  Documentation/netlink/genetlink-{c,legacy}.yaml
"""
import os
import sys
import textwrap

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema  # noqa: E402
from spec import TOP, Family, c_lower, c_upper  # noqa: E402

GENERATED = 'Do not edit: made by scripts/nlspec/gen.py from the netlink spec.'
KPREFIX = 'prelay_'     # C prefix of the module's symbols


def wrap_comment(text, indent='', width=79):
    """A C comment of @text (one line if it fits, else a block)."""
    text = ' '.join(text.split())
    if not text:
        return []
    one = f'{indent}/* {text} */'
    if len(one.expandtabs(8)) <= width:
        return [one]
    room = width - len(indent.expandtabs(8)) - 3
    return ([f'{indent}/*'] + [f'{indent} * {ln}' for ln in textwrap.wrap(text, room)]
            + [f'{indent} */'])


def c_int(v):
    """A number as C: all-ones masks (0xffffff) in hex, the rest decimal."""
    if isinstance(v, int) and v > 0xff and not (v + 1) & v:
        return hex(v)
    return str(v)


def attr_summary(fam, a):
    t = a.type
    if t == 'nest':
        t = f'nest ({a.nested})' if a.nested else 'nest'
        if a.multi:
            t += ', multi-attr'
    elif t == 'binary':
        n = a.checks.get('exact-len')
        if n is not None:
            t = f'binary[{fam.const_value(n)}]'
        if a.hint:
            t += f' {a.hint}'
    elif a.enum:
        t += f', enum {a.enum}'
    return f'{t}: {a.doc}' if a.doc else t


# ---- UAPI header ---------------------------------------------------------

def render_uapi(fam):
    guard = '_UAPI_LINUX_' + c_upper(fam.name) + '_H'
    y = fam.yaml
    out = ['/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */',
           f'/* {GENERATED} */', '/*']
    for ln in fam.doc.strip().splitlines():
        out.append(f' * {ln}'.rstrip())
    out += [' */', f'#ifndef {guard}', f'#define {guard}', '']
    fam_name = c_upper(y.get('c-family-name', f'{fam.name}-family-name'))
    ver_name = c_upper(y.get('c-version-name', f'{fam.name}-family-version'))
    out.append(f'#define {fam_name}\t"{fam.name}"')
    out.append(f'#define {ver_name}\t{fam.version}')
    for g in fam.mcgrps:
        n = c_upper(g.get('c-define-name', f"{fam.name}-mcgrp-{g['name']}"))
        out.append(f'#define {n}\t"{g["name"]}"')
    out.append('')

    for d in y.get('definitions', []):
        if d.get('header'):
            continue
        if d['type'] == 'const':
            out += wrap_comment(d.get('doc', ''))
            out.append(f"#define {c_upper(fam.name, '-', d['name'])}\t{c_int(d['value'])}")
            continue
        out.append('')
        entries, prefix = fam.enum_entries(d)
        out += wrap_comment(d.get('doc', ''))
        name = d.get('enum-name', c_lower(fam.name, '-', d['name']))
        out.append(f'enum {name} {{')
        first = True
        for _, cn, v, doc in entries:
            out += wrap_comment(doc, '\t')
            start = d.get('value-start', 0)
            explicit = first and start or any(
                isinstance(e, dict) and 'value' in e for e in d['entries'])
            out.append(f'\t{cn} = {v},' if explicit else f'\t{cn},')
            first = False
        if d.get('render-max'):
            out += ['', f"\t__{c_upper(prefix, 'max')},", '};',
                    f"#define {c_upper(prefix, 'max')} (__{c_upper(prefix, 'max')} - 1)"]
        else:
            out.append('};')
    out.append('')

    for s in fam.sets.values():
        if s.subset_of or fam.mirror_of(s):
            continue
        out += wrap_comment(s.doc)
        out.append(f'enum {s.enum_name} {{')
        out.append(f"\t{c_upper(s.prefix, 'unspec')},")
        v = 1
        for a in s.attrs.values():
            out += wrap_comment(attr_summary(fam, a), '\t')
            out.append(f'\t{a.c_name} = {a.value},' if a.value != v else f'\t{a.c_name},')
            v = a.value + 1
        out += ['', f'\t{s.cnt_name},', '};', f'#define {s.max_name} ({s.cnt_name} - 1)', '']

    out.append(f'enum {fam.op_enum} {{')
    out.append(f"\t{c_upper(fam.op_prefix, 'unspec')},")
    for op in fam.ops.values():
        doc = op.doc.strip().split('\n\n')[0]
        out += wrap_comment(doc if len(doc) < 200 else doc[:doc.find('.') + 1], '\t')
        out.append(f'\t{op.c_name},')
    out += ['', f"\t__{c_upper(fam.op_prefix, 'max')},", '};',
            f"#define {c_upper(fam.op_prefix, 'max')} (__{c_upper(fam.op_prefix, 'max')} - 1)",
            '', f'#endif /* {guard} */']
    return '\n'.join(out) + '\n'


# ---- kernel policies and operations ----------------------------------------

NLA_INT = {'u8': 'NLA_U8', 'u16': 'NLA_U16', 'u32': 'NLA_U32', 'u64': 'NLA_U64',
           's8': 'NLA_S8', 's16': 'NLA_S16', 's32': 'NLA_S32', 's64': 'NLA_S64'}
INT_MAX = {'u8': 0xff, 'u16': 0xffff, 'u32': 0xffffffff}
S16 = range(-32768, 32768)
COLS = 100              # checkpatch's line limit: an entry wraps only past it

# 6.1's NLA_POLICY_RANGE holds s16 bounds: wider ones go through a
# netlink_range_validation, here a compound literal (static storage, not
# const, as 6.1's policy field wants), so a range reads where it is used.
WIDE_RANGE = [
    '/* NLA_POLICY_RANGE() for bounds wider than the s16 it holds in 6.1. */',
    '#define PRELAY_POLICY_RANGE(tp, lo, hi) \\',
    '\tNLA_POLICY_FULL_RANGE(tp, (&(struct netlink_range_validation){ .min = (lo), .max = (hi) }))',
    '']


def policy_name(aset):
    """A request policy (OP-req) is named by the nest it checks, so two
    operations that take the same nest share one; a nested one by its set."""
    attrs = list(aset.attrs.values())
    if aset.name.endswith('-req') and len(attrs) == 1 and attrs[0].nested:
        return f'{KPREFIX}{c_lower(attrs[0].nested)}_req_policy'
    return f'{KPREFIX}{c_lower(aset.name)}_policy'


def attrs_macro(aset):
    return c_upper(KPREFIX, aset.name, '-attrs')


class KernelGen:
    def __init__(self, fam):
        self.fam = fam
        self.wide = False       # a range needs PRELAY_POLICY_RANGE()
        self.sets = []          # policy sets, each after the ones it nests
        self.policies = []      # the sets with a policy of their own
        self.by_name = {}       # policy name -> its set

    def bound(self, v):
        if isinstance(v, str) and v[0] in 'su' and v[-4:] in ('-min', '-max'):
            raise ValueError(f'type-limit bounds ({v}) are not supported')
        return self.fam.const_value(v)

    def entry(self, a):
        t, ck = a.type, a.checks
        if t == 'nest':
            nested = self.fam.sets[a.nested]
            return f'NLA_POLICY_NESTED({policy_name(nested)})'
        if t == 'binary':
            if 'exact-len' in ck:
                return f"NLA_POLICY_EXACT_LEN({self.fam.const_c(ck['exact-len'])})"
            if 'min-len' in ck:
                return f"NLA_POLICY_MIN_LEN({self.fam.const_c(ck['min-len'])})"
            if 'max-len' in ck:
                return f"{{ .type = NLA_BINARY, .len = {self.fam.const_c(ck['max-len'])} }}"
            return '{ .type = NLA_BINARY }'
        if t == 'flag':
            return '{ .type = NLA_FLAG }'
        if t == 'string':
            if 'max-len' in ck:
                return f"{{ .type = NLA_NUL_STRING, .len = {self.fam.const_c(ck['max-len'])} }}"
            return '{ .type = NLA_NUL_STRING }'
        if t not in NLA_INT:
            raise ValueError(f'{a.set.name}.{a.name}: type {t} has no 6.1 policy here')
        nla = NLA_INT[t]
        lo, hi = ck.get('min'), ck.get('max')
        if lo is None and hi is None:
            return f'{{ .type = {nla} }}'
        lo = None if lo is None else self.bound(lo)
        hi = None if hi is None else self.bound(hi)
        if (lo is None or lo in S16) and (hi is None or hi in S16):
            if hi is None:
                return f'NLA_POLICY_MIN({nla}, {lo})'
            if lo is None:
                return f'NLA_POLICY_MAX({nla}, {hi})'
            return f'NLA_POLICY_RANGE({nla}, {lo}, {hi})'
        if t not in INT_MAX:
            raise ValueError(f'{a.set.name}.{a.name}: wide range on {t}')
        self.wide = True
        lo, hi = lo or 0, INT_MAX[t] if hi is None else hi
        return f'PRELAY_POLICY_RANGE({nla}, {c_int(lo)}, {c_int(hi)})'

    def visit(self, aset):
        if aset in self.sets:
            return
        for a in aset.attrs.values():
            if a.type == 'nest':
                if not a.nested:
                    raise ValueError(f'{aset.name}.{a.name}: nest without nested-attributes')
                self.visit(self.fam.sets[a.nested])
        self.sets.append(aset)

    def req_set(self, op):
        return self.fam.sets.get(f'{op.name}-req')

    def entries(self, s):
        """{C name: entry} of the policy of set @s, pads and unused left out."""
        return {a.c_name: self.entry(a) for a in s.attrs.values()
                if a.type not in ('pad', 'unused')}

    def base(self, s):
        """The largest other policy of the same attribute set all of whose
        entries @s has too (two at least): @s is written as it plus the rest."""
        mine = self.entries(s).items()
        best = None
        for o in self.policies:
            theirs = self.entries(o).items()
            if o.full is s.full and len(theirs) > 1 and theirs < mine and \
                    (best is None or len(theirs) > len(self.entries(best))):
                best = o
        return best

    def place(self, s, out):
        """Append @s to @out after the policies it nests and its base."""
        if s in out:
            return
        for a in s.attrs.values():
            if a.type == 'nest':
                self.place(self.by_name[policy_name(self.fam.sets[a.nested])], out)
        b = self.base(s)
        if b is not None:
            self.place(b, out)
        out.append(s)

    @staticmethod
    def entry_line(c_name, e):
        line = f'\t[{c_name}] = {e}'
        if len(line.expandtabs(8)) + 3 <= COLS:
            return [line]
        return [f'\t[{c_name}] =', f'\t\t{e}']

    def policy_c(self, s, bases):
        """The C of the policy of @s. A policy another one builds on has its
        entries in a macro (#define PRELAY_<SET>_ATTRS), so each is written once."""
        ents = self.entries(s)
        items = []             # each a list of lines, one entry or macro
        b = self.base(s)
        if b is not None:
            items.append([f'\t{attrs_macro(b)}'])
            ents = {k: v for k, v in ents.items() if k not in self.entries(b)}
        items += [self.entry_line(k, v) for k, v in ents.items()]
        lines = wrap_comment(s.doc) if s.doc else []
        if s in bases:
            # the base last: checkpatch reads a body that starts with a
            # name and a comma as a comma expression (COMPLEX_MACRO)
            items = items[1:] + items[:1] if b is not None else items
            body = [ln for it in items for ln in it[:-1] + [it[-1] + ',']]
            body[-1] = body[-1][:-1]
            body = [f'#define {attrs_macro(s)}'] + body
            width = max(len(x.expandtabs(8)) for x in body)
            width = (width // 8 + 1) * 8
            for i in range(len(body) - 1):
                n = len(body[i].expandtabs(8))
                body[i] += '\t' * (-(-(width - n) // 8)) + '\\'
            lines += body
            items = [[f'\t{attrs_macro(s)}']]
        lines.append(f'static const struct nla_policy {policy_name(s)}[{s.full.max_name} + 1] = {{')
        lines += [ln for it in items for ln in it[:-1] + [it[-1] + ',']]
        lines.append('};')
        return lines

    def render(self):
        fam = self.fam
        ops = [o for o in fam.ops.values() if o.do is not None or o.dump is not None]
        for op in ops:
            rs = self.req_set(op)
            has_req = any((x or {}).get('request', {}).get('attributes')
                          for x in (op.do, op.dump))
            if has_req and not rs:
                raise ValueError(f'operation {op.name} takes attributes but has no {op.name}-req set')
            if rs:
                self.visit(rs)
        # One policy a name: operations that take the same nest share one.
        self.by_name, self.policies = {}, []
        for s in self.sets:
            name = policy_name(s)
            if name in self.by_name:
                if self.entries(self.by_name[name]) != self.entries(s):
                    raise ValueError(f'{s.name}: differs from another policy named {name}')
                continue
            self.by_name[name] = s
            self.policies.append(s)
        order = []
        for s in self.policies:
            if not s.name.endswith('-req'):
                self.place(s, order)
        # Each request policy right after the policy of the nest it takes.
        for s in self.policies:
            if s.name.endswith('-req'):
                nested = [self.by_name[policy_name(self.fam.sets[a.nested])]
                          for a in s.attrs.values() if a.type == 'nest']
                order.insert(max([order.index(n) + 1 for n in nested] or [len(order)]), s)
        bases = {self.base(s) for s in order} - {None}
        bodies = ['\n'.join(self.policy_c(s, bases)) for s in order]

        c = ['// SPDX-License-Identifier: GPL-2.0-only', f'/* {GENERATED} */',
             '#include "netlink_gen.h"', '']
        if self.wide:
            c += WIDE_RANGE
        if bases:
            c += ['/*', ' * A policy whose entries another one takes as well keeps them in',
                  ' * PRELAY_<SET>_ATTRS, so that each is written once.', ' */', '']
        c.append('\n\n'.join(bodies))
        c.append('')
        c.append(f'const struct genl_ops {KPREFIX}genl_ops[{len(ops)}] = {{')
        for op in ops:
            c.append('\t{')
            c.append(f'\t\t.cmd = {op.c_name},')
            if op.do is not None:
                c.append(f'\t\t.doit = {KPREFIX}nl_{c_lower(op.name)}_doit,')
            if op.dump is not None:
                c.append(f'\t\t.dumpit = {KPREFIX}nl_{c_lower(op.name)}_dumpit,')
            rs = self.req_set(op)
            if rs:
                c.append(f'\t\t.policy = {policy_name(rs)},')
                c.append(f'\t\t.maxattr = {rs.full.max_name},')
            fl = [{'admin-perm': 'GENL_ADMIN_PERM',
                   'uns-admin-perm': 'GENL_UNS_ADMIN_PERM'}[f] for f in op.flags]
            if fl:
                c.append(f"\t\t.flags = {' | '.join(fl)},")
            c.append('\t},')
        c += ['};', '']
        c.append(f'const struct genl_multicast_group {KPREFIX}genl_mcgrps[{len(fam.mcgrps)}] = {{')
        for g in fam.mcgrps:
            n = c_upper(g.get('c-define-name', f"{fam.name}-mcgrp-{g['name']}"))
            c.append(f"\t[{c_upper(KPREFIX, 'mcgrp-', g['name'])}] = {{")
            c.append(f'\t\t.name = {n},')
            gf = g.get('flags', [])
            if 'admin-perm' in gf:
                raise ValueError('6.1 can check a group only over the netns: use uns-admin-perm')
            if 'uns-admin-perm' in gf:
                c.append('\t\t.flags = GENL_MCAST_CAP_NET_ADMIN,')
            c.append('\t},')
        c += ['};']

        h = ['/* SPDX-License-Identifier: GPL-2.0-only */', f'/* {GENERATED} */',
             '/*', ' * The operations table and the multicast groups of the family; the',
             ' * request policies it points to stay in netlink_gen.c.',
             ' */', '#ifndef _PRELAY_NETLINK_GEN_H', '#define _PRELAY_NETLINK_GEN_H', '',
             '#include <net/genetlink.h>', '#include <linux/peer_relay.h>', '',
             '/* Debian 6.1 has the stable backport of per-group bind checks. */',
             '#ifndef GENL_MCAST_CAP_NET_ADMIN',
             '#error "the events group needs GENL_MCAST_CAP_NET_ADMIN (Linux 6.1.66 or later)"',
             '#endif', '', '/* The handlers (netlink.c): do, then dump. */']
        for op in ops:
            if op.do is not None:
                h.append(f'int {KPREFIX}nl_{c_lower(op.name)}_doit(struct sk_buff *skb, struct genl_info *info);')
        for op in ops:
            if op.dump is not None:
                h.append(f'int {KPREFIX}nl_{c_lower(op.name)}_dumpit(struct sk_buff *skb,')
                h.append('\t\t\t\tstruct netlink_callback *cb);')
        h += ['', f'extern const struct genl_ops {KPREFIX}genl_ops[{len(ops)}];', '']
        h.append('enum {')
        for g in fam.mcgrps:
            h.append(f"\t{c_upper(KPREFIX, 'mcgrp-', g['name'])},")
        h += ['};', '', f'extern const struct genl_multicast_group {KPREFIX}genl_mcgrps[{len(fam.mcgrps)}];',
              '', '#endif /* _PRELAY_NETLINK_GEN_H */']
        return '\n'.join(c) + '\n', '\n'.join(h) + '\n'


def render_schema(level):
    body = yaml.safe_dump(schema.build(level), sort_keys=False, width=100)
    return ('# SPDX-License-Identifier: GPL-2.0-only\n'
            f'# Generated by scripts/nlspec/gen.py from scripts/nlspec/schema.py: do not edit.\n'
            f'# JSON schema of netlink specs at level {level}; the kernel\'s ynl finds it\n'
            '# here, two directories above a spec in specs/.\n' + body)

# Enums whose entry names are also counter and event names everywhere
# (sysfs files, JSON keys, Prometheus labels): C table of each, by value.
NAMED_ENUMS = (('drop-reason', 'prelay_drop_names'), ('pass-reason', 'prelay_pass_names'),
               ('del-reason', 'prelay_del_names'), ('sock-del-reason', 'prelay_sock_del_names'),
               ('session-state', 'prelay_state_names'))


def render_names(fam):
    """include/peer_relay/names.h: each named enum's entries as strings,
    indexed by value ('-' becomes '_'; unspec and gaps are NULL). Positional
    initialisers after the first designator are safe here: the enum is
    rendered from the same list."""
    out = ['/* SPDX-License-Identifier: GPL-2.0-only */', '/*',
           ' * Stable names of the UAPI enums, shared by the kernel (sysfs file names)',
           ' * and the tools (human output, JSON keys, Prometheus label values), so a',
           ' * counter is called the same everywhere.', f' * {GENERATED}', ' */',
           '#ifndef _PEER_RELAY_NAMES_H', '#define _PEER_RELAY_NAMES_H', '',
           '#include <linux/peer_relay.h>']
    for dname, cname in NAMED_ENUMS:
        d = fam.defs[dname]
        entries, prefix = fam.enum_entries(d)
        names, last = [], None
        for n, cn, v, _ in entries:
            if n == 'unspec':
                continue
            name = '"' + n.replace('-', '_') + '"'
            # A designator where the values are not consecutive (and first).
            names.append(name if last is not None and v == last + 1 else f'[{cn}] = {name}')
            last = v
        size = f"__{c_upper(prefix, 'max')}" if d.get('render-max') else ''
        out += ['', f"/* enum {d.get('enum-name', c_lower(fam.name, '-', dname))}, by value */",
                f'static const char *const {cname}[{size}] = {{']
        out += textwrap.wrap(', '.join(names) + ',', 91, initial_indent='\t',
                             subsequent_indent='\t', break_on_hyphens=False)
        out.append('};')
    out += ['', '/* (ingress, egress) family pairs in FWD_* attribute order. */',
            'static const char *const prelay_af_pair_names[4][2] = {',
            '\t{ "udp4", "udp4" }, { "udp4", "udp6" },',
            '\t{ "udp6", "udp4" }, { "udp6", "udp6" },', '};', '',
            '#endif /* _PEER_RELAY_NAMES_H */', '']
    return '\n'.join(out)


def outputs(fam):
    kc, kh = KernelGen(fam).render()
    files = {
        'include/uapi/linux/peer_relay.h': render_uapi(fam),
        'kmod/netlink_gen.c': kc,
        'kmod/netlink_gen.h': kh,
        'include/peer_relay/names.h': render_names(fam),
    }
    for level in schema.LEVELS:
        files[f'Documentation/netlink/{level}.yaml'] = render_schema(level)
    return files


def main(argv):
    check = '--check' in argv[1:]
    fam = Family()
    drift = []
    for rel, text in outputs(fam).items():
        path = os.path.join(TOP, rel)
        old = open(path).read() if os.path.exists(path) else None
        if old == text:
            continue
        if check:
            drift.append(rel)
        else:
            with open(path, 'w') as f:
                f.write(text)
            print(f'  GEN     {rel}')
    for rel in drift:
        print(f'{rel}: differs from what the spec renders (run `make gen`)')
    return 1 if drift else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
