"""The levels of the union tree, from the top down (全国总工会 → 省 → 市 → 区县 → 基层), and their names as people read them."""

ORG_LEVEL_LABELS = {"national": "全国", "province": "省级", "city": "市级", "district": "区县级", "base": "基层"}
ORG_LEVELS = tuple(ORG_LEVEL_LABELS)
