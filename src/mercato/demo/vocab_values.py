"""Narrower attribute values for particular categories, so a tent weighs like a tent and a lozenge is not a capsule.

Category slug -> attribute code -> the values its goods draw from (instead of the attribute's whole list).
Closed attributes may only be narrowed to values they already allow.
"""

from __future__ import annotations

from mercato.demo.vocab import Pair, same

_LEATHER: Pair = ("Full-grain Leather", "头层牛皮")
_REGULAR = (("Regular", "常规"),)
_ROOM = (("Room temperature", "常温"),)

NODE_VALUES: dict[str, dict[str, tuple[Pair, ...]]] = {
    # apparel
    "apparel-shoes": {"material": (_LEATHER, ("Canvas", "帆布"), ("Suede", "麂皮")), "fit": _REGULAR},
    "apparel-bags": {"material": (_LEATHER, ("Canvas", "帆布"), ("Recycled Nylon", "再生尼龙")), "fit": _REGULAR},
    "apparel-accessories": {"material": (("Silk", "真丝"), _LEATHER, ("Merino Wool", "美利奴羊毛")),
                            "fit": _REGULAR},
    "apparel-women-coats": {"material": (("Wool", "羊毛"), ("Cashmere Blend", "羊绒混纺"),
                                         ("Cotton Gabardine", "棉华达呢"))},
    "apparel-men-trousers": {"material": (("Cotton Twill", "棉斜纹"), ("Denim", "牛仔布"), ("Linen", "亚麻"))},
    # home
    "home-bedding-sets": {"material": (("Cotton", "棉"), ("Linen", "亚麻"))},
    "home-bedding-pillows": {"material": (("Cotton", "棉"),)},
    "home-tableware": {"material": (("Ceramic", "陶瓷"), ("Glass", "玻璃"))},
    "home-furniture": {"material": (("Solid Oak", "实木橡木"), ("Bamboo", "竹"))},
    "home-lighting": {"material": (("Glass", "玻璃"), ("Ceramic", "陶瓷"), ("Bamboo", "竹"))},
    "home-storage": {"material": (("Cotton", "棉"), ("Linen", "亚麻"), ("Bamboo", "竹"))},
    "home-decor": {"material": (("Ceramic", "陶瓷"), ("Glass", "玻璃"))},
    "home-kitchenware-pans": {"material": (("Cast Iron", "铸铁"), ("Stainless Steel", "不锈钢"))},
    "home-kitchenware-knives": {"material": (("Stainless Steel", "不锈钢"),)},
    # sports & outdoor
    "sports-hiking-backpacks": {"material": (("Nylon Ripstop", "防撕裂尼龙"), ("Polyester", "涤纶")),
                                "weight_g": same("680", "980", "1250", "1600")},
    "sports-hiking-poles": {"material": (("Aluminium", "铝合金"), ("Carbon Fibre", "碳纤维")),
                            "weight_g": same("240", "290", "320")},
    "sports-hiking-shoes": {"material": (("Suede & Mesh", "麂皮网布"), _LEATHER),
                            "weight_g": same("420", "480", "560")},
    "sports-camping-tents": {"material": (("Nylon Ripstop", "防撕裂尼龙"), ("Polyester", "涤纶")),
                             "weight_g": same("1800", "2300", "3100")},
    "sports-camping-sleeping": {"material": (("Duck Down Fill", "鸭绒填充"), ("Synthetic Fill", "化纤填充")),
                                "weight_g": same("850", "1100", "1400")},
    "sports-camping-furniture": {"material": (("Aluminium", "铝合金"),), "weight_g": same("900", "1300", "2100")},
    "sports-running-shoes": {"material": (("Engineered Mesh", "工程网布"),), "weight_g": same("210", "240", "280")},
    "sports-running-wear": {"material": (("Polyester", "涤纶"), ("Merino Wool", "美利奴羊毛")),
                            "weight_g": same("120", "180")},
    "sports-cycling": {"material": (("Polyester", "涤纶"), ("EPS Foam", "EPS")), "weight_g": same("250", "320")},
    "sports-fitness": {"material": (("TPE", "TPE"), ("Natural Rubber", "天然橡胶"), ("Cast Iron", "铸铁")),
                       "weight_g": same("180", "1200", "9000")},
    "sports-swimming": {"material": (("Silicone", "硅胶"), ("Polyester", "涤纶")), "weight_g": same("60", "120")},
    "sports-ball": {"material": (("PU Leather", "PU皮"), ("Carbon Fibre", "碳纤维")),
                    "weight_g": same("85", "430", "600")},
    # FMCG
    "fmcg-skincare-cleansers": {"net_content": same("120ml", "150ml")},
    "fmcg-skincare-moisturisers": {"net_content": same("50ml",)},
    "fmcg-skincare-sunscreen": {"net_content": same("40ml", "60ml")},
    "fmcg-haircare": {"net_content": same("400ml", "750ml")},
    "fmcg-oral": {"net_content": (("120g", "120g"), ("4 heads", "4支装"))},
    "fmcg-cleaning": {"net_content": same("1L", "2L", "3kg")},
    "fmcg-paper": {"net_content": (("3 × 100 sheets", "100抽×3包"), ("6 rolls", "6卷"))},
    "fmcg-fragrance": {"net_content": same("50ml", "100ml", "200g")},
    "fmcg-baby": {"net_content": (("36 diapers", "36片"), ("80 wipes", "80抽"))},
    # food & fresh
    "food-fruit": {"shelf_life_days": same("7", "10", "15"), "storage": (("Chilled", "冷藏"),),
                   "origin": (("Hainan", "海南"), ("Yunnan", "云南"), ("Chile", "智利"), ("New Zealand", "新西兰"),
                              ("Xinjiang", "新疆"))},
    "food-meat-seafood": {"shelf_life_days": same("180", "365"), "storage": (("Frozen", "冷冻"),),
                          "origin": (("Heilongjiang", "黑龙江"), ("New Zealand", "新西兰"), ("Fujian", "福建"))},
    "food-tea-green": {"shelf_life_days": same("540",), "storage": _ROOM, "origin": (("Zhejiang", "浙江"),)},
    "food-tea-oolong": {"shelf_life_days": same("540",), "storage": _ROOM, "origin": (("Fujian", "福建"),)},
    "food-tea-black": {"shelf_life_days": same("540",), "storage": _ROOM,
                       "origin": (("Yunnan", "云南"), ("Anhui", "安徽"))},
    "food-coffee": {"shelf_life_days": same("180", "365"), "storage": _ROOM, "origin": (("Yunnan", "云南"),)},
    "food-snacks": {"shelf_life_days": same("180", "270"), "storage": _ROOM},
    "food-pantry": {"shelf_life_days": same("365", "540"), "storage": _ROOM},
    "food-infant-formula": {"shelf_life_days": same("540",), "storage": _ROOM,
                            "origin": (("New Zealand", "新西兰"), ("Heilongjiang", "黑龙江"))},
    # health
    "health-otc": {"pack_size": (("24 lozenges", "24片"), ("10 sachets", "10袋"), ("20 tablets", "20片"))},
    "health-devices": {"pack_size": (("1 unit", "1台"),)},
    "health-supplements-vitamins": {"pack_size": (("60 tablets", "60片"), ("120 capsules", "120粒"))},
    "health-supplements-protein": {"pack_size": same("900g", "2kg")},
    "health-eye": {"pack_size": (("360ml", "360ml"), ("10 masks", "10片"))},
    "health-first-aid": {"pack_size": (("1 kit", "1套"), ("100 strips", "100片"))},
    # travel
    "travel-tickets-parks": {"duration_days": same("1", "2")},
    "travel-tickets-museums": {"duration_days": same("1",)},
    "travel-tours": {"duration_days": same("1", "3", "5", "7")},
}
