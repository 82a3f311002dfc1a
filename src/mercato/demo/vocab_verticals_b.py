"""Category verticals, part two: home, food & fresh, health, travel (tree, attributes, goods)."""

from __future__ import annotations

from mercato.demo.vocab import Attr, Node, Vertical, same

HOME = Vertical(
    "home", "Home & Living", "家居", (400, 300),
    attrs=(
        Attr("material", "Material", "材质", (("Solid Oak", "实木橡木"), ("Ceramic", "陶瓷"), ("Linen", "亚麻"),
                                             ("Cotton", "棉"), ("Stainless Steel", "不锈钢"), ("Glass", "玻璃"),
                                             ("Bamboo", "竹"), ("Cast Iron", "铸铁"))),
        Attr("dimensions", "Dimensions", "尺寸", same("20×20cm", "40×40cm", "60×35×80cm", "120×60×75cm"),
             required=False),
    ),
    axes="colour",
    series=(("Nordic", "北欧"), ("Hearth", "炉边"), ("Courtyard", "庭院"), ("Slow Living", "慢生活"), ("Zen", "禅意"),
            ("Loft", "阁楼"), ("Morning", "晨光"), ("Harvest", "丰收")),
    blurbs=(("This {noun} is made to be used every day and looks better with age.",
             "这款{noun}适合日常使用，越用越有味道。"),
            ("Each piece is checked by hand before it leaves the workshop.", "每件出厂前都经过人工检查。"),
            ("Wipe clean with a soft damp cloth.", "用柔软的湿布擦拭即可清洁。")),
    nodes=(
        Node("home-bedding", "Bedding", "床品", children=(
            Node("home-bedding-sets", "Duvet Cover Sets", "四件套", (("Duvet Cover Set", "床品四件套"),), (199, 1299),
                 axes="bed"),
            Node("home-bedding-pillows", "Pillows", "枕头", (("Memory Foam Pillow", "记忆棉枕"),
                 ("Down Pillow", "羽绒枕")), (99, 699), axes="none"),
        )),
        Node("home-tableware", "Tableware", "餐具", (("Ceramic Bowl Set", "陶瓷碗组"), ("Dinner Plates", "餐盘"),
             ("Tea Set", "茶具套装")), (69, 899)),
        Node("home-furniture", "Furniture", "家具", (("Armchair", "单人沙发椅"), ("Bookshelf", "书架"),
             ("Side Table", "边几")), (399, 4999)),
        Node("home-lighting", "Lighting", "灯具", (("Table Lamp", "台灯"), ("Pendant Light", "吊灯")), (129, 1999)),
        Node("home-storage", "Storage", "收纳", (("Storage Box", "收纳箱"), ("Wardrobe Organiser", "衣柜收纳袋")),
             (29, 299), axes="pack"),
        Node("home-decor", "Decor", "装饰", (("Ceramic Vase", "陶瓷花瓶"), ("Wall Art Print", "装饰画")), (59, 899)),
        Node("home-kitchenware", "Kitchenware", "厨具", children=(
            Node("home-kitchenware-pans", "Pots & Pans", "锅具", (("Cast Iron Pan", "铸铁锅"), ("Wok", "炒锅")),
                 (129, 999), specs=same("24cm", "28cm", "32cm"), axes="none"),
            Node("home-kitchenware-knives", "Knives", "刀具", (("Chef Knife", "主厨刀"),
                 ("Knife Block Set", "刀具套装")),
                 (99, 1299), axes="none"),
        )),
    ),
)

_STORAGE = Attr("storage", "Storage", "储存方式", (("Room temperature", "常温"), ("Chilled", "冷藏"),
                                                 ("Frozen", "冷冻")), required=False, closed=True)

FOOD = Vertical(
    "food", "Food & Fresh", "食品生鲜", (300, 200),
    attrs=(
        Attr("shelf_life_days", "Shelf life (days)", "保质期（天）", same("7", "30", "180", "365", "540")),
        Attr("origin", "Origin", "产地", (("Yunnan", "云南"), ("Fujian", "福建"), ("Xinjiang", "新疆"),
                                         ("Heilongjiang", "黑龙江"), ("Hainan", "海南"), ("Zhejiang", "浙江"),
                                         ("Sichuan", "四川"), ("Chile", "智利"), ("New Zealand", "新西兰"))),
        _STORAGE,
    ),
    axes="weight",
    series=(("Orchard", "果园"), ("Harvest", "丰收"), ("Mountain", "高山"), ("Riverside", "河畔"), ("Sunny", "向阳"),
            ("First Flush", "头采"), ("Farmhouse", "农家"), ("Seaside", "海边")),
    blurbs=(("Our {noun} is picked at the source and shipped cold the same day.", "{noun}产地采摘，当天冷链发出。"),
            ("Packed in a recyclable box with the harvest date printed on it.", "可回收包装，外箱印有采收日期。"),
            ("If anything arrives damaged, send a photo and we will refund it.", "如有破损，拍照联系即可退款。")),
    nodes=(
        Node("food-fruit", "Fruit", "水果", (("Navel Oranges", "脐橙"), ("Kiwi Fruit", "猕猴桃"),
             ("Cherries", "车厘子"), ("Mangoes", "芒果")), (39, 299)),
        Node("food-meat-seafood", "Meat & Seafood", "肉禽水产", (("Wild Shrimp", "野生大虾"), ("Beef Steak", "牛排"),
             ("Salmon Fillet", "三文鱼柳")), (69, 499)),
        Node("food-tea", "Tea", "茶叶", children=(
            Node("food-tea-green", "Green Tea", "绿茶", (("Longjing Green Tea", "龙井绿茶"),
                 ("Biluochun Green Tea", "碧螺春")), (99, 899)),
            Node("food-tea-oolong", "Oolong Tea", "乌龙茶", (("Tieguanyin Oolong", "铁观音"),
                 ("Rock Oolong", "岩茶")), (89, 999)),
            Node("food-tea-black", "Black Tea", "红茶", (("Dianhong Black Tea", "滇红"),
                 ("Keemun Black Tea", "祁门红茶")), (69, 699)),
        )),
        Node("food-coffee", "Coffee", "咖啡", (("Coffee Beans", "咖啡豆"), ("Drip Coffee Bags", "挂耳咖啡")),
             (49, 299)),
        Node("food-snacks", "Snacks", "零食", (("Mixed Nuts", "每日坚果"), ("Beef Jerky", "牛肉干"),
             ("Dried Mango", "芒果干")), (19, 159)),
        Node("food-pantry", "Grain, Oil & Seasoning", "粮油调味", (("Northeast Rice", "东北大米"),
             ("Peanut Oil", "花生油"), ("Soy Sauce", "酱油")), (19, 199), axes="pack"),
        Node("food-infant", "Infant Formula", "婴幼儿奶粉", children=(
            Node("food-infant-formula", "Formula Milk", "配方奶粉", (("Infant Formula", "婴儿配方奶粉"),),
                 (199, 499), specs=(("Stage 1", "1段"), ("Stage 2", "2段"), ("Stage 3", "3段")), axes="pack",
                 restricted=True),
        ), restricted=True),
    ),
)

_APPROVAL = Attr("approval_number", "Approval number", "批准文号",
                 same("DEMO-H20260011", "DEMO-H20260027", "DEMO-Z20260103", "DEMO-H20260215"))

HEALTH = Vertical(
    "health", "Health", "医药健康", (300, 300),
    attrs=(
        Attr("pack_size", "Pack size", "规格", (("30 tablets", "30片"), ("60 tablets", "60片"), ("1 unit", "1台"),
                                               ("10 sachets", "10袋"), ("120 capsules", "120粒"))),
        Attr("manufacturer", "Manufacturer", "生产企业", (("Demo Pharma Works", "示例制药厂"),
                                                     ("Riverbend Health Co.", "河湾健康公司")), required=False),
    ),
    axes="pack",
    series=(("Care", "关护"), ("Daily", "每日"), ("Vital", "活力"), ("Balance", "平衡"), ("Guard", "守护"),
            ("Clear", "清透"), ("Family", "家庭"), ("Active", "动能")),
    blurbs=(("Read the leaflet before use and follow the dosage on the pack.",
             "使用前请阅读说明书，按包装标示剂量使用。"),
            ("This {noun} is supplied by a licensed distributor.", "本{noun}由有资质的经销商供货。"),
            ("Keep out of reach of children.", "请放在儿童接触不到的地方。")),
    nodes=(
        Node("health-otc", "OTC Medicine", "非处方药", (("Throat Lozenges", "润喉含片"),
             ("Cold Relief Granules", "感冒颗粒"), ("Pain Relief Tablets", "止痛片")), (15, 89),
             attrs=(_APPROVAL,), restricted=True),
        Node("health-devices", "Medical Devices", "医疗器械", (("Blood Pressure Monitor", "电子血压计"),
             ("Digital Thermometer", "电子体温计"), ("Pulse Oximeter", "指夹式血氧仪")), (49, 599), axes="none"),
        Node("health-supplements", "Supplements", "营养保健", children=(
            Node("health-supplements-vitamins", "Vitamins", "维生素", (("Vitamin C Tablets", "维生素C片"),
                 ("Multivitamin", "复合维生素")), (49, 299)),
            Node("health-supplements-protein", "Protein", "蛋白粉", (("Whey Protein", "乳清蛋白粉"),
                 ("Plant Protein", "植物蛋白粉")), (129, 599)),
        )),
        Node("health-eye", "Eye Care", "眼部护理", (("Contact Lens Solution", "隐形眼镜护理液"),
             ("Steam Eye Mask", "蒸汽眼罩")), (29, 149)),
        Node("health-first-aid", "First Aid", "家庭护理", (("First Aid Kit", "家庭急救包"),
             ("Adhesive Bandages", "创可贴")),
             (15, 199)),
    ),
)

_TRIP = (
    Attr("destination", "Destination", "目的地", (("Lijiang", "丽江"), ("Sanya", "三亚"), ("Chengdu", "成都"),
                                                  ("Xi'an", "西安"), ("Guilin", "桂林"), ("Kyoto", "京都"),
                                                  ("Chiang Mai", "清迈"), ("Hangzhou", "杭州"))),
    Attr("duration_days", "Duration (days)", "行程天数", same("1", "2", "3", "5", "7")),
)

TRAVEL = Vertical(
    "travel", "Travel", "旅行", (600, 500),
    attrs=(),
    axes="package",
    series=(("Discover", "发现"), ("Leisure", "悠享"), ("Family", "亲子"), ("Explorer", "探索"), ("Classic", "经典"),
            ("Slow Travel", "慢游"), ("Weekend", "周末"), ("Panorama", "全景")),
    blurbs=(("The {noun} includes everything listed on the itinerary; nothing is added at the door.",
             "{noun}包含行程单所列全部项目，现场无强制消费。"),
            ("Free cancellation up to 48 hours before the start date.", "出发前 48 小时可免费取消。"),
            ("A local host answers questions in Chinese and English.", "当地管家可用中英文答疑。")),
    nodes=(
        Node("travel-hotels", "Hotels & Stays", "酒店民宿", (("Hotel Stay", "酒店住宿套餐"),
             ("Boutique Guesthouse", "精品民宿")), (299, 2999), attrs=_TRIP),
        Node("travel-tours", "Guided Tours", "跟团游", (("Guided Tour", "跟团游"), ("Day Trip", "一日游")),
             (199, 6999), attrs=_TRIP, axes="ticket"),
        Node("travel-packages", "Flight + Hotel", "机酒自由行", (("Flight + Hotel Package", "机酒自由行套餐"),),
             (1999, 9999), attrs=_TRIP),
        Node("travel-tickets", "Attraction Tickets", "景点门票", children=(
            Node("travel-tickets-parks", "Theme Parks", "主题乐园", (("Theme Park Ticket", "主题乐园门票"),), (99, 699),
                 attrs=_TRIP, axes="ticket"),
            Node("travel-tickets-museums", "Museums", "博物馆", (("Museum Pass", "博物馆通票"),), (29, 199),
                 attrs=_TRIP, axes="ticket"),
        )),
        Node("travel-gear", "Travel Gear", "旅行装备", (("Carry-on Suitcase", "登机箱"), ("Travel Adapter", "转换插头"),
             ("Neck Pillow", "颈枕")), (39, 1999), axes="colour",
             attrs=(Attr("material", "Material", "材质", (("Polycarbonate", "聚碳酸酯"), ("Aluminium", "铝合金"),
                                                         ("Nylon", "尼龙"))),)),
        Node("travel-visa", "Visa Services", "签证服务", (("Tourist Visa Service", "旅游签证代办"),), (199, 1299),
             axes="none", attrs=(_TRIP[0],)),
    ),
)
