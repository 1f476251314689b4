"""The levels of the union tree, from the top down: 全国总工会 → 省 → 市 → 区县 → 基层."""

ORG_LEVELS = ("national", "province", "city", "district", "base")
