"""Ghi bộ tiêu chí YAML — write a criteria set in the format of shared/criteria/*.yaml.

`dump_set_yaml` writes the resolved set (no `inherits`), as short as a hand-written file: appraisers only
where they differ from the parent's, guidance only where it is not the generated text. Reading is
portal.criteria.yaml_read: `load_set_yaml(dump_set_yaml(x)) == x`.
"""

from __future__ import annotations

from decimal import Decimal

import yaml

from portal.criteria.nodes import children_of
from portal.criteria.spec import META_NUMBERS, ItemSpec, SetSpec, dec_str, generate_guidance


class _Flow(list):
    """A list written on one line: lv and bands pairs."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def _represent_decimal(dumper: _Dumper, value: Decimal) -> yaml.ScalarNode:
    text = dec_str(value)
    return dumper.represent_scalar("tag:yaml.org,2002:" + ("float" if "." in text else "int"), text)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def dump_set_yaml(spec: SetSpec) -> str:
    """Write the (resolved) set in the shared YAML format: no `inherits`, every item written out.

    Appraisers are written where they differ from the parent's, and guidance only where it is not the
    text `load_set_yaml` would generate, so the file stays as short as the hand-written one.
    """
    children = children_of(spec.items, parent=lambda item: item.parent_code, order=None)
    adjustments = [item for item in children[None] if item.kind == "adjustment"]

    def node(item: ItemSpec, parent_ap: str | None) -> dict:
        out: dict = {"code": item.code, "title": item.title}
        if item.max_points is not None and item.kind != "adjustment":
            out["max"] = item.max_points
        if item.method is not None and item.kind in ("item", "adjustment"):
            out["m"] = item.method
            out.update(_config_keys(item))
        if item.na_allowed:
            out["na"] = True
        if item.appraiser and item.appraiser != parent_ap:
            out["ap"] = item.appraiser
        if item.guidance and item.guidance != generate_guidance(item.method, item.max_points, item.config):
            out["guidance"] = item.guidance
        for key in ("evidence", "note"):
            if getattr(item, key):
                out[key] = getattr(item, key)
        if children.get(item.code) and item.kind != "adjustment":
            out["items"] = [node(child, item.appraiser) for child in children[item.code]]
        return out

    meta = {
        key: spec.meta[key] for key in ("set", "unit_type", *META_NUMBERS) if spec.meta.get(key) is not None
    }
    doc = {
        "meta": meta,
        "fields": [node(field, None) for field in children[None] if field.kind != "adjustment"],
        "adjustments": [node(adjustment, None) for adjustment in adjustments],
    }
    header = f"# Bộ tiêu chí {meta.get('set', '')} — xuất từ Cổng Chỉ số CCHC.\n"
    return header + yaml.dump(
        doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False
    )


def _config_keys(item: ItemSpec) -> dict:
    config, out = item.config, {}
    if "levels" in config:
        out["lv"] = _Flow(_Flow([label, Decimal(points)]) for label, points in config["levels"])
    if "bands" in config:
        out["bands"] = _Flow(_Flow([Decimal(t), Decimal(p)]) for t, p in config["bands"])
    if config.get("input_label"):
        out["input"] = config["input_label"]
    if "step" in config:
        out["step"] = Decimal(config["step"])
    if config.get("over_100"):
        out["over_100"] = True
    sign = -1 if item.method == "deduction" else 1
    for key in ("per", "cap"):
        if key in config:
            out[key] = sign * Decimal(config[key])
    return out
