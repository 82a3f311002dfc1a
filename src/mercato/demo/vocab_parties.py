"""Fictional brands, independent-shop names and people for the demo marketplace (invented, bilingual)."""

from __future__ import annotations

from mercato.demo.vocab import Brand, Pair

BRANDS: tuple[Brand, ...] = (
    # apparel
    Brand("linen-loom", "Linen & Loom", "麻织", "apparel", protected=True),
    Brand("urbancraft", "Urbancraft", "城匠", "apparel", protected=True),
    Brand("mistral-row", "Mistral Row", "西风巷", "apparel"),
    Brand("petal-thread", "Petal Thread", "花线", "apparel"),
    Brand("ironbark-denim", "Ironbark Denim", "铁木丹宁", "apparel", protected=True),
    Brand("little-acorn", "Little Acorn", "小橡果", "apparel"),
    Brand("saltmarsh", "Saltmarsh", "盐沼", "apparel"),
    Brand("qingshan-silk", "Qingshan Silk", "青衫丝语", "apparel", protected=True),
    # sports & outdoor
    Brand("northpeak", "Northpeak", "北峰", "sports", protected=True),
    Brand("tidewind", "Tidewind", "潮风", "sports"),
    Brand("stridelab", "Stridelab", "步研", "sports", protected=True),
    Brand("ember-camp", "Ember Camp", "余烬营地", "sports"),
    Brand("cloudspoke", "Cloudspoke", "云辐", "sports"),
    Brand("kestrel-fit", "Kestrel Fit", "隼健", "sports"),
    Brand("riverstone", "Riverstone", "溪石", "sports", protected=True),
    # FMCG
    Brand("dewleaf", "Dewleaf", "露叶", "fmcg", protected=True),
    Brand("brightnest", "Brightnest", "亮巢", "fmcg"),
    Brand("softcloud", "Softcloud", "柔云", "fmcg"),
    Brand("amber-grove", "Amber Grove", "琥珀林", "fmcg", protected=True),
    Brand("pureharbor", "Pureharbor", "净港", "fmcg"),
    Brand("minty-lane", "Minty Lane", "薄荷巷", "fmcg"),
    Brand("cotton-bud", "Cotton Bud", "棉芽", "fmcg", protected=True),
    Brand("sora-scent", "Sora Scent", "空香", "fmcg"),
    # electronics
    Brand("voltaire", "Voltaire", "伏泰", "electronics", protected=True),
    Brand("lumenix", "Lumenix", "明芯", "electronics", protected=True),
    Brand("pixelwave", "Pixelwave", "像浪", "electronics"),
    Brand("echoridge", "Echoridge", "回声岭", "electronics"),
    Brand("nimbus-home", "Nimbus Home", "云栖智家", "electronics", protected=True),
    Brand("quartzline", "Quartzline", "石英线", "electronics"),
    Brand("hearthtech", "Hearthtech", "炉芯", "electronics"),
    Brand("orbital", "Orbital", "轨迹", "electronics", protected=True),
    # home
    Brand("oak-ember", "Oak & Ember", "橡与烬", "home", protected=True),
    Brand("kiln-house", "Kiln House", "窑舍", "home"),
    Brand("stillwater", "Stillwater", "静水", "home", protected=True),
    Brand("nestform", "Nestform", "巢形", "home"),
    Brand("lanternly", "Lanternly", "灯语", "home"),
    Brand("bamboo-yard", "Bamboo Yard", "竹院", "home"),
    Brand("graniteware", "Graniteware", "岩器", "home"),
    Brand("morning-linen", "Morning Linen", "晨麻", "home", protected=True),
    # food & fresh
    Brand("sunvale", "Sunvale Orchards", "阳谷果园", "food", protected=True),
    Brand("jade-terrace", "Jade Terrace", "翠阶茶园", "food", protected=True),
    Brand("harvest-moon", "Harvest Moon", "丰月", "food"),
    Brand("blackwell-farms", "Blackwell Farms", "黑泉农场", "food"),
    Brand("roastery-nine", "Roastery Nine", "九号烘焙坊", "food"),
    Brand("golden-paddy", "Golden Paddy", "金稻田", "food"),
    Brand("little-sprout", "Little Sprout", "小芽儿", "food", protected=True),
    Brand("coastline-catch", "Coastline Catch", "海岸渔获", "food"),
    # health
    Brand("medivale", "Medivale", "康谷", "health", protected=True),
    Brand("vitalbloom", "Vitalbloom", "元气花", "health"),
    Brand("careline", "Careline", "护线", "health", protected=True),
    Brand("clearsight", "Clearsight", "明视", "health"),
    Brand("herbwise", "Herbwise", "草本智", "health"),
    Brand("pulsepoint", "Pulsepoint", "脉点", "health", protected=True),
    # travel
    Brand("wayfarer", "Wayfarer Journeys", "行者旅途", "travel", protected=True),
    Brand("bluecompass", "Blue Compass", "蓝罗盘", "travel"),
    Brand("lotus-stay", "Lotus Stay", "莲居", "travel", protected=True),
    Brand("skyroute", "Skyroute", "天路", "travel"),
    Brand("carryall", "Carryall", "随行箱", "travel"),
    Brand("harbor-lights", "Harbor Lights", "港湾灯火", "travel"),
)

# Independent shop names: a distinctive first word (also the shop's own label on its goods) and a kind of shop.
SHOP_LABELS: tuple[Pair, ...] = (
    ("Mossy", "苔"), ("Juniper", "杜松"), ("Paper Crane", "纸鹤"), ("Wild Plum", "野梅"), ("Blue Kiln", "蓝窑"),
    ("Fern", "蕨"), ("Old Pine", "老松"), ("Tangerine", "橘子"), ("Cloud Nine", "九朵云"), ("Little Fox", "小狐"),
    ("Quiet Hill", "静山"), ("Amber", "琥珀"), ("Sparrow", "麻雀"), ("Willow", "柳"), ("Copper", "铜"),
    ("Salt & Pepper", "椒盐"), ("Lantern", "灯笼"), ("Driftwood", "漂木"), ("Honeycomb", "蜂巢"), ("Mulberry", "桑"),
    ("Ginkgo", "银杏"), ("Cobble", "石板"), ("Peony", "牡丹"), ("Starling", "椋鸟"), ("Orchid", "兰"),
    ("Misty Lake", "雾湖"), ("Red Brick", "红砖"), ("Sesame", "芝麻"), ("Indigo", "靛蓝"), ("Lotus Pond", "荷塘"),
    ("Bamboo", "竹"), ("Sunday", "周日"), ("Teapot", "茶壶"), ("North Wind", "北风"), ("Moonlit", "月下"),
    ("Chestnut", "栗子"), ("Kite", "风筝"), ("Marble", "大理石"), ("Nomad", "游牧"), ("Pebble", "卵石"),
)
SHOP_KINDS: dict[str, tuple[Pair, ...]] = {
    "apparel": (("Atelier", "手作坊"), ("Wardrobe", "衣橱"), ("Studio", "工作室")),
    "sports": (("Outfitters", "户外铺"), ("Trail Shop", "山径小店"), ("Gear Room", "装备间")),
    "fmcg": (("Apothecary", "香氛铺"), ("General Store", "杂货铺"), ("Soap Works", "皂坊")),
    "electronics": (("Gadget Shop", "数码铺"), ("Repair Lab", "修造实验室"), ("Sound House", "声音小屋")),
    "home": (("Home Goods", "家居铺"), ("Ceramics", "陶舍"), ("Living", "生活馆")),
    "food": (("Farm", "农场"), ("Pantry", "食材铺"), ("Tea House", "茶铺")),
    "health": (("Wellness", "养生馆"), ("Care Shop", "健康小铺"), ("Herbal Shop", "草本铺")),
    "travel": (("Travel Desk", "旅行社"), ("Journeys", "旅途工作室"), ("Guesthouse", "民宿")),
}
SHOP_DESCRIPTIONS: tuple[Pair, ...] = (
    ("A two-person shop that picks every item by hand and ships within 48 hours.",
     "两个人经营的小店，每件商品亲手挑选，48 小时内发货。"),
    ("Small batches, honest materials and a workshop you are welcome to visit.",
     "小批量制作，用料实在，欢迎来工作室参观。"),
    ("We started at a weekend market in Hangzhou and still answer every message ourselves.",
     "我们从杭州的周末市集起步，至今每条消息都亲自回复。"),
    ("Goods we use at home ourselves, packed with care and plastic-free where we can.",
     "只卖自己家里也在用的东西，用心打包，尽量不用塑料。"),
)

FAMILY_NAMES: tuple[Pair, ...] = (
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"), ("Zhao", "赵"),
    ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"), ("Xu", "徐"), ("Sun", "孙"), ("Hu", "胡"), ("Zhu", "朱"),
    ("Gao", "高"), ("Lin", "林"), ("He", "何"), ("Guo", "郭"), ("Ma", "马"), ("Luo", "罗"),
)
GIVEN_NAMES: tuple[Pair, ...] = (
    ("Wei", "伟"), ("Fang", "芳"), ("Na", "娜"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊"), ("Yang", "洋"),
    ("Yan", "艳"), ("Jie", "杰"), ("Tao", "涛"), ("Ming", "明"), ("Chao", "超"), ("Xiu", "秀"), ("Hui", "慧"),
    ("Qiang", "强"), ("Lan", "兰"), ("Yun", "云"), ("Hao", "浩"), ("Ting", "婷"), ("Kai", "凯"),
)
# First six digits of a resident ID: the issuing district. These are syntactically valid, not anyone's.
DISTRICT_CODES: tuple[str, ...] = ("110105", "310104", "330106", "440305", "510107", "320102", "420106", "610113")
