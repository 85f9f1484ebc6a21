# SPDX-License-Identifier: GPL-2.0-only
"""JSON schemas of the genetlink spec levels, as Python data.

Written for this project from the rules the kernel documents for its
netlink specs (Documentation/userspace-api/netlink/specs.rst and the
genetlink schemas in Documentation/netlink/): what a spec at level
genetlink-c or genetlink-legacy may contain. Rendered to
Documentation/netlink/<level>.yaml by gen.py, where the kernel's ynl
looks for them (two directories above a spec in specs/).

The levels differ only in what the LEVEL_ONLY tables say; everything else
is shared.
"""

LEVELS = ('genetlink-c', 'genetlink-legacy')

# Types an attribute (or a sub-type) may have.
ATTR_TYPES = ['unused', 'pad', 'flag', 'binary', 'bitfield32', 'uint', 'sint',
              'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64',
              'string', 'nest', 'indexed-array', 'nest-type-value']
LEGACY_ATTR_TYPES = ['array-nest']

# Command and multicast group flags: GENL_ADMIN_PERM, and (legacy only)
# GENL_UNS_ADMIN_PERM, CAP_NET_ADMIN over the netns's user namespace.
FLAGS = {'genetlink-c': ['admin-perm'],
         'genetlink-legacy': ['admin-perm', 'uns-admin-perm']}

DISPLAY_HINTS = ['hex', 'mac', 'fddi', 'ipv4', 'ipv6', 'uuid']


def _str(doc=None):
    d = {'type': 'string'}
    if doc:
        d['description'] = doc
    return d


def _obj(props, required=()):
    d = {'type': 'object', 'additionalProperties': False, 'properties': props}
    if required:
        d['required'] = list(required)
    return d


def _names():
    return {'type': 'array', 'items': {'type': 'string'}}


def build(level):
    """The schema (a dict) of spec level @level."""
    legacy = level == 'genetlink-legacy'
    uint = {'type': 'integer', 'minimum': 0}
    # a length: a number or the name of a constant (optionally "- 1")
    length = {'type': ['string', 'integer'], 'minimum': 0,
              'pattern': '^[0-9A-Za-z_-]+( - 1)?$'}
    # a bound: a number or the limit of a fixed-width type (u32-max ...)
    bound = {'type': ['string', 'integer'],
             'pattern': '^[su](8|16|32|64)-(min|max)$'}
    flags = {'type': 'array', 'items': {'enum': FLAGS[level]}}

    entry = {'oneOf': [
        {'type': 'string'},
        _obj({'name': _str(), 'value': {'type': 'integer'}, 'doc': _str()},
             ['name'])]}
    definition = {
        'name': _str(), 'doc': _str(),
        'header': _str('C header that already defines it (not rendered).'),
        'type': {'enum': ['const', 'enum', 'flags'] + (['struct'] if legacy else [])},
        'value': {'type': ['string', 'integer']},
        'value-start': {'type': ['string', 'integer']},
        'entries': {'type': 'array', 'items': entry},
        'render-max': {'type': 'boolean'},
        'enum-name': {'type': ['string', 'null']},
        'name-prefix': _str(),
    }
    if legacy:
        definition['members'] = {'type': 'array', 'items': _obj({
            'name': _str(), 'doc': _str(), 'enum': _str(),
            'type': {'enum': ['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32',
                              's64', 'string', 'binary']},
            'len': length,
            'byte-order': {'enum': ['little-endian', 'big-endian']},
            'display-hint': {'enum': DISPLAY_HINTS}}, ['name', 'type'])}

    types = ATTR_TYPES + (LEGACY_ATTR_TYPES if legacy else [])
    attr = {
        'name': _str(), 'doc': _str(),
        'type': {'enum': types},
        'sub-type': {'enum': types},
        'value': uint,
        'type-value': _names(),
        'byte-order': {'enum': ['little-endian', 'big-endian']},
        'multi-attr': {'type': 'boolean'},
        'nested-attributes': _str('The attribute set inside a nest.'),
        'enum': _str('A definition (enum or flags) the value is one of.'),
        'enum-as-flags': {'type': 'boolean'},
        'display-hint': {'enum': DISPLAY_HINTS},
        'name-prefix': _str(),
        'checks': _obj({
            'flags-mask': _str(),
            'min': bound | {'type': ['string', 'integer']},
            'max': bound | {'type': ['string', 'integer']},
            'min-len': length, 'max-len': length, 'exact-len': length}),
    }
    if legacy:
        attr['struct'] = _str()
    attr_set = _obj({
        'name': _str(), 'doc': _str(),
        'name-prefix': _str(), 'enum-name': _str(),
        'subset-of': _str('A set this one restricts (names and values '
                          'come from it).'),
        'attr-cnt-name': _str(), 'attr-max-name': _str(),
        'attributes': {'type': 'array', 'items': _obj(attr, ['name'])},
    }, ['name', 'attributes'])
    # a subset takes its names from its base: no prefix of its own; a
    # full set must give every attribute a type
    attr_set['dependencies'] = {
        'name-prefix': {'not': {'required': ['subset-of']}},
        'subset-of': {'not': {'required': ['name-prefix']}},
    }
    attr_set['if'] = {'properties': {'subset-of': {'not': {'type': 'string'}}}}
    attr_set['then'] = {'properties': {'attributes': {
        'items': {'required': ['type']}}}}

    msg = {'attributes': _names()}
    if legacy:
        msg['value'] = uint
    sub_op = _obj({'request': _obj(msg), 'reply': _obj(msg),
                   'pre': _str(), 'post': _str()})
    op = {
        'name': _str(), 'doc': _str(), 'value': uint,
        'attribute-set': _str(),
        'flags': flags,
        'dont-validate': {'type': 'array',
                          'items': {'enum': ['strict', 'dump', 'dump-strict']}},
        'config-cond': _str(),
        'do': sub_op, 'dump': sub_op,
        'notify': _str(),
        'event': _obj({'attributes': _names()}),
        'mcgrp': _str(),
    }
    ops = {
        'enum-model': {'enum': ['unified', 'directional'] if legacy else ['unified']},
        'name-prefix': _str(), 'enum-name': _str(),
        'async-prefix': _str(), 'async-enum': _str(),
        'list': {'type': 'array', 'items': _obj(op, ['name', 'doc'])},
    }
    if legacy:
        ops['fixed-header'] = _str()
        op['fixed-header'] = _str()

    top = {
        'name': _str('The generic netlink family name.'),
        'doc': _str(),
        'protocol': {'enum': ['genetlink', 'genetlink-c', 'genetlink-legacy']},
        'uapi-header': _str(),
        'c-family-name': _str(), 'c-version-name': _str(),
        'max-by-define': {'type': 'boolean'},
        'definitions': {'type': 'array', 'items': _obj(definition, ['type', 'name'])},
        'attribute-sets': {'type': 'array', 'items': attr_set},
        'operations': _obj(ops, ['list']),
        'mcast-groups': _obj({'list': {'type': 'array', 'items': _obj({
            'name': _str(), 'c-define-name': _str(), 'flags': flags},
            ['name'])}}, ['list']),
    }
    if legacy:
        top['version'] = {'type': 'integer', 'minimum': 1}
        top['kernel-policy'] = {'enum': ['split', 'per-op', 'global']}
    schema = {
        '$schema': 'https://json-schema.org/draft-07/schema',
        '$id': f'peer_relay/{level}.yaml',
        'title': f'Generic netlink spec, level {level}',
    }
    schema.update(_obj(top, ['name', 'doc', 'attribute-sets', 'operations']))
    return schema
