#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The netlink spec's checks, as TAP (one test point each); exit 1 if any
fails. Run by scripts/spec-check.sh in `make check` and `make lint`.

Each way the kernel's ynl tool was seen to fail on this family has a
point that fails for it, and a negative point proving the check would
notice (a mutated copy of the spec must be rejected):
  - ynl validates a spec against <protocol>.yaml two directories above
    it: the schema must be there, and the spec must pass it;
  - genetlink-c has no uns-admin-perm;
  - a nest without nested-attributes cannot be decoded;
plus: the generated header and kernel files match the spec, the header
compiles on its own, and include/peer_relay/limits.h (relayd's copy of
the config bounds) agrees with the spec.
"""
import copy
import os
import subprocess
import sys
import tempfile

import jsonschema
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
from lint import lint  # noqa: E402
from spec import SPEC, TOP, Family  # noqa: E402

points = []


def point(ok, desc, diag=()):
    points.append((ok, desc, list(diag)))


def schema_errors(spec_yaml, schema_path):
    schema = yaml.safe_load(open(schema_path))
    v = jsonschema.Draft7Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in v.iter_errors(spec_yaml)]


def lint_of(spec_yaml):
    with tempfile.NamedTemporaryFile('w', suffix='.yaml') as f:
        yaml.safe_dump(spec_yaml, f)
        f.flush()
        return lint(Family(f.name))


def main():
    spec = yaml.safe_load(open(SPEC))
    proto = spec.get('protocol', 'genetlink')

    # where ynl looks: dirname(dirname(spec))/<protocol>.yaml
    schema_path = os.path.join(os.path.dirname(os.path.dirname(SPEC)), f'{proto}.yaml')
    rel = os.path.relpath(schema_path, TOP)
    point(os.path.exists(schema_path) and os.path.basename(os.path.dirname(SPEC)) == 'specs',
          f'schema {rel} is where ynl looks for it (specs/../{proto}.yaml)')

    errs = schema_errors(spec, schema_path) if os.path.exists(schema_path) else ['no schema']
    point(not errs, f'spec is valid {proto}', errs[:20])

    bad = copy.deepcopy(spec)
    bad['protocol'] = 'genetlink-c'
    for k in ('version', 'kernel-policy'):
        bad.pop(k, None)
    c_schema = os.path.join(TOP, 'Documentation', 'netlink', 'genetlink-c.yaml')
    errs = schema_errors(bad, c_schema)
    point(any('uns-admin-perm' in e for e in errs),
          'negative: the spec as genetlink-c is rejected for uns-admin-perm',
          errs[:5] or ['genetlink-c accepted uns-admin-perm'])

    fam = Family()
    problems = lint(fam)
    point(not problems, 'every name resolves; every nest names its attribute set', problems)

    bad = copy.deepcopy(spec)
    stats = next(s for s in bad['attribute-sets'] if s['name'] == 'stats')
    drops = next(a for a in stats['attributes'] if a['name'] == 'drops')
    del drops['nested-attributes']
    problems = lint_of(bad)
    point(any(p.startswith('stats.drops: nest without') for p in problems),
          'negative: a nest without nested-attributes is reported',
          problems[:5] or ['not reported'])

    drift = []
    for relp, text in gen.outputs(fam).items():
        path = os.path.join(TOP, relp)
        if not os.path.exists(path) or open(path).read() != text:
            drift.append(f'{relp} differs from what the spec renders (make gen)')
    point(not drift, 'generated files match the spec (UAPI header, kmod/netlink_gen.[ch], schemas)', drift)

    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, 'h.c')
        open(c, 'w').write('#include <linux/peer_relay.h>\nint main(void) { return PEER_RELAY_CMD_MAX > 0 ? 0 : 1; }\n')
        r = subprocess.run(['cc', '-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic',
                            '-I', os.path.join(TOP, 'include', 'uapi'), '-o',
                            os.path.join(tmp, 'h'), c], capture_output=True, text=True)
        point(r.returncode == 0, 'UAPI header compiles on its own (C99, -pedantic)',
              r.stderr.splitlines()[:10])

    # include/peer_relay/limits.h restates the config bounds for relayd:
    # they must be the spec's
    cfg = fam.sets['config'].attrs
    pairs = [('PRELAY_LIFETIME_MIN_MS', cfg['bind-lifetime-ms'].checks['min']),
             ('PRELAY_LIFETIME_MAX_MS', cfg['bind-lifetime-ms'].checks['max']),
             ('PRELAY_LIFETIME_MIN_MS', cfg['idle-lifetime-ms'].checks['min']),
             ('PRELAY_LIFETIME_MAX_MS', cfg['idle-lifetime-ms'].checks['max']),
             ('PRELAY_PASS_RATE_MAX', cfg['pass-rate'].checks['max']),
             ('PRELAY_PASS_RATE_MAX', cfg['pass-rate-total'].checks['max']),
             ('PRELAY_PASS_BURST_MIN', cfg['pass-burst'].checks['min']),
             ('PRELAY_PASS_BURST_MAX', cfg['pass-burst'].checks['max']),
             ('PRELAY_MAX_SESSIONS_MIN', cfg['max-sessions'].checks['min']),
             ('PEER_RELAY_VNI_MAX', cfg['max-sessions'].checks['max'])]
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, 'l.c')
        body = ''.join(f'\tif ({n} != {v}) {{ puts("{n} != {v} (the spec)"); bad = 1; }}\n'
                       for n, v in pairs)
        open(c, 'w').write('#include <stdio.h>\n#include <linux/peer_relay.h>\n'
                           '#include <peer_relay/limits.h>\n'
                           f'int main(void)\n{{\n\tint bad = 0;\n{body}\treturn bad;\n}}\n')
        exe = os.path.join(tmp, 'l')
        r = subprocess.run(['cc', '-Wall', '-Werror', '-I', os.path.join(TOP, 'include', 'uapi'),
                            '-I', os.path.join(TOP, 'include'), '-o', exe, c],
                           capture_output=True, text=True)
        out = r.stderr.splitlines()[:10]
        if r.returncode == 0:
            r = subprocess.run([exe], capture_output=True, text=True)
            out = r.stdout.splitlines()
        point(r.returncode == 0, 'include/peer_relay/limits.h states the spec\'s config bounds', out)

    print('TAP version 13')
    print(f'1..{len(points)}')
    for i, (ok, desc, diag) in enumerate(points, 1):
        for d in diag:
            print(f'# {d}')
        print(f"{'ok' if ok else 'not ok'} {i} {desc}")
    return 0 if all(ok for ok, _, _ in points) else 1


if __name__ == '__main__':
    sys.exit(main())
