"""Loại đơn vị mẫu — the unit types a province has ranked, offered as presets when an admin adds a type to a
year (and used by the demo seed and the migration of the 2022 data). Presets are data: no page, rule or
report compares a type's code; everything reads the year's UnitType rows."""

PRESETS = {
    "department": {
        "name": "Sở, ban, ngành", "name_en": "Departments and agencies", "short_label": "cấp sở",
        "heading": "Các sở, ban, ngành tỉnh", "plural": "sở, ban, ngành tỉnh", "committee": False, "reward_top": 5, "reward_bottom": 0,
    },
    "commune": {
        "name": "UBND cấp xã", "name_en": "Commune-level People's Committees", "short_label": "cấp xã",
        "heading": "UBND các xã, phường, đặc khu",
        "plural": "UBND xã, phường, đặc khu", "committee": True, "reward_top": 10, "reward_bottom": 10,
    },
    "district": {
        "name": "UBND cấp huyện", "name_en": "District People's Committees", "short_label": "cấp huyện",
        "heading": "UBND các huyện, thị xã, thành phố",
        "plural": "UBND huyện, thị xã, thành phố", "committee": True, "reward_top": 3, "reward_bottom": 0,
    },
}

# How the criteria files of the 2022 sets name their type (the file format of dept-2022-demo.yaml and of
# spreadsheets exported then): the same types as the codes above. Any other type is named by its code.
FILE_ALIASES = {"so_ban_nganh": "department", "ubnd_cap_huyen": "district"}
FILE_ALIAS_LABELS = {"so_ban_nganh": "Sở, ban, ngành", "ubnd_cap_huyen": "UBND cấp huyện"}
