"""Category verticals, part one: apparel, sports & outdoor, FMCG, electronics (tree, attributes, goods)."""

from __future__ import annotations

from mercato.demo.vocab import Attr, Node, Vertical, same

_SEASON = Attr("season", "Season", "季节", (("Spring/Summer", "春夏"), ("Autumn/Winter", "秋冬"),
                                           ("All seasons", "四季")), required=False, closed=True)

APPAREL = Vertical(
    "apparel", "Apparel", "服饰", (500, 400),
    attrs=(
        Attr("material", "Material", "材质", (("Cotton", "棉"), ("Linen", "亚麻"), ("Merino Wool", "美利奴羊毛"),
                                             ("Organic Cotton", "有机棉"), ("Silk", "真丝"), ("Denim", "牛仔布"),
                                             ("Recycled Polyester", "再生涤纶"), ("Cashmere Blend", "羊绒混纺"))),
        Attr("fit", "Fit", "版型", (("Slim", "修身"), ("Regular", "常规"), ("Relaxed", "宽松")), closed=True),
        _SEASON,
    ),
    axes="colour_size",
    series=(("Everyday", "日常"), ("Atelier", "工坊"), ("Harbour", "港湾"), ("Meadow", "草甸"), ("Tailored", "裁剪"),
            ("Weekend", "周末"), ("Heritage", "传承"), ("Breeze", "微风")),
    blurbs=(("This {noun} is cut for everyday wear, easy to pair and easy to care for.",
             "这款{noun}为日常穿着而裁剪，好搭配，也好打理。"),
            ("Pre-washed fabric keeps its shape after many washes.", "面料经过预洗处理，多次洗涤后依然有型。"),
            ("Sizes run true; see the size chart for measurements.", "尺码标准，具体尺寸请参考尺码表。")),
    nodes=(
        Node("apparel-women", "Womenswear", "女装", children=(
            Node("apparel-women-dresses", "Dresses", "连衣裙", (("Midi Dress", "中长款连衣裙"),
                 ("Shirt Dress", "衬衫裙"), ("Wrap Dress", "裹身裙")), (199, 899)),
            Node("apparel-women-knitwear", "Knitwear", "针织衫", (("Cardigan", "开衫"),
                 ("Crew-neck Sweater", "圆领毛衣")), (159, 699)),
            Node("apparel-women-coats", "Coats", "外套", (("Trench Coat", "风衣"), ("Wool Coat", "大衣")),
                 (499, 2499)),
        )),
        Node("apparel-men", "Menswear", "男装", children=(
            Node("apparel-men-shirts", "Shirts", "衬衫", (("Oxford Shirt", "牛津纺衬衫"),
                 ("Camp-collar Shirt", "古巴领衬衫")),
                 (149, 599)),
            Node("apparel-men-trousers", "Trousers", "裤装", (("Chinos", "休闲裤"), ("Straight Jeans", "直筒牛仔裤")),
                 (169, 699)),
            Node("apparel-men-jackets", "Jackets", "夹克", (("Bomber Jacket", "飞行员夹克"),
                 ("Chore Jacket", "工装夹克")), (299, 1299)),
        )),
        Node("apparel-tees", "T-shirts", "T恤", (("Crew T-shirt", "圆领T恤"), ("Oversized Tee", "宽松T恤"),
             ("Polo Shirt", "Polo衫")), (59, 259)),
        Node("apparel-shoes", "Shoes", "鞋靴", (("Loafers", "乐福鞋"), ("Canvas Sneakers", "帆布鞋"),
             ("Chelsea Boots", "切尔西靴")), (199, 1299), axes="colour_shoe"),
        Node("apparel-bags", "Bags", "箱包", (("Tote Bag", "托特包"), ("Crossbody Bag", "斜挎包")), (129, 1599),
             axes="colour"),
        Node("apparel-accessories", "Accessories", "配饰", (("Scarf", "围巾"), ("Belt", "腰带"),
             ("Knit Beanie", "针织帽")), (49, 599), axes="colour"),
        Node("apparel-kids", "Kidswear", "童装", (("Kids Hoodie", "儿童卫衣"), ("Dungarees", "背带裤")), (69, 299),
             axes="colour_kids"),
    ),
)

SPORTS = Vertical(
    "sports", "Sports & Outdoor", "运动户外", (500, 400),
    attrs=(
        Attr("material", "Material", "材质", (("Nylon Ripstop", "防撕裂尼龙"), ("Polyester", "涤纶"),
                                             ("Aluminium", "铝合金"), ("Carbon Fibre", "碳纤维"), ("EVA Foam", "EVA"),
                                             ("Merino Wool", "美利奴羊毛"))),
        Attr("weight_g", "Weight (g)", "重量（克）", same("180", "320", "450", "780", "1200", "2100")),
    ),
    axes="colour",
    series=(("Trailhead", "远径"), ("Summit", "峰顶"), ("Tempo", "节拍"), ("Basecamp", "营地"), ("Ridgeline", "山脊"),
            ("Swift", "疾风"), ("Canyon", "峡谷"), ("Aurora", "极光")),
    blurbs=(("Built for long days outside, this {noun} stays light without giving up strength.",
             "这款{noun}为户外长时间使用而设计，轻量而结实。"),
            ("Field-tested on mountain trails through all four seasons.", "在山地步道上经过四季实地测试。"),
            ("Repairs and spare parts are available for two years.", "两年内提供维修与配件服务。")),
    nodes=(
        Node("sports-hiking", "Hiking", "登山徒步", children=(
            Node("sports-hiking-backpacks", "Backpacks", "徒步背包", (("Hiking Backpack", "徒步双肩包"),
                 ("Daypack", "轻量背包")), (199, 1299), specs=same("20L", "30L", "45L", "60L")),
            Node("sports-hiking-poles", "Trekking Poles", "登山杖", (("Trekking Poles", "登山杖"),), (89, 599)),
            Node("sports-hiking-shoes", "Hiking Shoes", "徒步鞋", (("Hiking Shoes", "徒步鞋"),
                 ("Trail Boots", "登山靴")), (399, 1599), axes="colour_shoe"),
        )),
        Node("sports-camping", "Camping", "露营", children=(
            Node("sports-camping-tents", "Tents", "帐篷", (("Dome Tent", "圆顶帐篷"), ("Tunnel Tent", "隧道帐篷")),
                 (299, 2999), specs=same("2P", "3P", "4P")),
            Node("sports-camping-sleeping", "Sleeping Bags", "睡袋", (("Mummy Sleeping Bag", "木乃伊睡袋"),
                 ("Rectangular Sleeping Bag", "信封睡袋")), (199, 1599), specs=same("-5°C", "0°C", "5°C")),
            Node("sports-camping-furniture", "Camp Furniture", "露营桌椅", (("Folding Chair", "折叠椅"),
                 ("Camp Table", "露营桌")), (79, 699)),
        )),
        Node("sports-running-shoes", "Running Shoes", "跑鞋", (("Running Shoes", "跑鞋"),
             ("Trail Running Shoes", "越野跑鞋")), (299, 1399), axes="colour_shoe"),
        Node("sports-running-wear", "Running Wear", "跑步服饰", (("Running Tights", "跑步紧身裤"),
             ("Running Vest", "跑步背心")), (99, 499), axes="colour_size"),
        Node("sports-cycling", "Cycling", "骑行", (("Cycling Helmet", "骑行头盔"), ("Cycling Jersey", "骑行服")),
             (159, 1199), axes="colour_size"),
        Node("sports-fitness", "Fitness", "健身", (("Yoga Mat", "瑜伽垫"), ("Adjustable Dumbbells", "可调哑铃"),
             ("Resistance Bands", "弹力带")), (49, 1299)),
        Node("sports-swimming", "Swimming", "游泳", (("Swim Goggles", "泳镜"), ("Swim Shorts", "泳裤")), (49, 299)),
        Node("sports-ball", "Ball Sports", "球类", (("Basketball", "篮球"), ("Football", "足球"),
             ("Badminton Racket", "羽毛球拍")), (89, 899)),
    ),
)

FMCG = Vertical(
    "fmcg", "FMCG & Daily Use", "快消日用", (400, 300),
    attrs=(
        Attr("net_content", "Net content", "净含量", same("100ml", "250ml", "500ml", "1L", "200g", "80 sheets")),
        Attr("shelf_life_months", "Shelf life (months)", "保质期（月）", same("12", "24", "36")),
    ),
    axes="pack",
    series=(("Daily", "日日"), ("Gentle", "温和"), ("Fresh", "清新"), ("Pure", "纯净"), ("Botanical", "植萃"),
            ("Soft Touch", "柔感"), ("Clear", "澄净"), ("Calm", "舒缓")),
    blurbs=(("This {noun} suits the whole family, with a light scent and no harsh additives.",
             "这款{noun}适合全家使用，香气清淡，不含刺激性添加。"),
            ("Refill packs are available to cut packaging waste.", "提供补充装，减少包装浪费。"),
            ("Store in a cool, dry place away from direct sunlight.", "请存放于阴凉干燥处，避免阳光直射。")),
    nodes=(
        Node("fmcg-skincare", "Skincare", "护肤", children=(
            Node("fmcg-skincare-cleansers", "Cleansers", "洁面", (("Foaming Cleanser", "洁面泡沫"),
                 ("Cleansing Oil", "卸妆油")), (59, 259)),
            Node("fmcg-skincare-moisturisers", "Moisturisers", "面霜乳液", (("Moisturising Cream", "保湿面霜"),
                 ("Hydrating Lotion", "补水乳液")), (89, 499), axes="volume"),
            Node("fmcg-skincare-sunscreen", "Sunscreen", "防晒", (("Sunscreen SPF50", "防晒乳 SPF50"),), (79, 269)),
        )),
        Node("fmcg-haircare", "Hair Care", "洗护发", (("Shampoo", "洗发水"), ("Conditioner", "护发素")), (39, 159)),
        Node("fmcg-oral", "Oral Care", "口腔护理", (("Toothpaste", "牙膏"), ("Brush Heads", "牙刷头")), (19, 129)),
        Node("fmcg-cleaning", "Household Cleaning", "家庭清洁", (("Laundry Liquid", "洗衣液"),
             ("Dishwashing Liquid", "洗洁精")), (19, 99)),
        Node("fmcg-paper", "Paper Goods", "纸品", (("Facial Tissues", "抽纸"), ("Kitchen Towels", "厨房纸")),
             (19, 89)),
        Node("fmcg-fragrance", "Fragrance", "香氛", (("Eau de Parfum", "香水"), ("Scented Candle", "香薰蜡烛"),
             ("Reed Diffuser", "藤条香薰")), (89, 899), axes="volume"),
        Node("fmcg-baby", "Baby Care", "母婴用品", (("Diapers", "纸尿裤"), ("Baby Wipes", "婴儿湿巾")), (39, 239)),
    ),
)

ELECTRONICS = Vertical(
    "electronics", "Electronics & Appliances", "数码家电", (200, 300),
    attrs=(
        Attr("model", "Model", "型号", same("X1", "X2 Pro", "S5", "M3", "A7", "Z10", "Q2 Max", "E3")),
        Attr("warranty_months", "Warranty (months)", "保修期（月）", same("12", "24", "36"), closed=True),
    ),
    axes="colour",
    series=(("Pulse", "脉冲"), ("Nova", "新星"), ("Arc", "弧光"), ("Halo", "光环"), ("Vector", "矢量"),
            ("Echo", "回响"), ("Prism", "棱镜"), ("Flux", "流明")),
    blurbs=(("This {noun} pairs in seconds and updates itself over the air.", "这款{noun}数秒即可配对，支持在线升级。"),
            ("Comes with a quick-start guide and a USB-C cable.", "附赠快速上手指南和 USB-C 数据线。"),
            ("Official warranty with nationwide repair centres.", "官方保修，全国联保。")),
    nodes=(
        Node("electronics-phones", "Phones", "手机通讯", children=(
            Node("electronics-phones-smartphones", "Smartphones", "智能手机", (("Smartphone", "智能手机"),),
                 (1299, 6999), axes="colour_storage"),
            Node("electronics-phones-accessories", "Phone Accessories", "手机配件", (("Fast Charger", "快充充电器"),
                 ("Phone Case", "手机壳"), ("Power Bank", "充电宝")), (29, 299)),
        )),
        Node("electronics-laptops", "Laptops", "笔记本电脑", (("Ultrabook", "轻薄笔记本"), ("Gaming Laptop", "游戏本")),
             (3999, 12999), axes="colour_storage"),
        Node("electronics-tablets", "Tablets", "平板电脑", (("Tablet", "平板电脑"),), (1499, 5999),
             axes="colour_storage"),
        Node("electronics-audio", "Audio", "影音", children=(
            Node("electronics-audio-headphones", "Headphones", "耳机", (("Wireless Earbuds", "无线耳机"),
                 ("Over-ear Headphones", "头戴式耳机")), (149, 2499)),
            Node("electronics-audio-speakers", "Speakers", "音箱", (("Bluetooth Speaker", "蓝牙音箱"),
                 ("Soundbar", "回音壁")), (199, 2999)),
        )),
        Node("electronics-cameras", "Cameras", "摄影摄像", (("Mirrorless Camera", "微单相机"),
             ("Action Camera", "运动相机")), (1999, 12999)),
        Node("electronics-smart-home", "Smart Home", "智能家居", (("Smart Plug", "智能插座"),
             ("Robot Vacuum", "扫地机器人"), ("Smart Door Lock", "智能门锁")), (59, 3999)),
        Node("electronics-kitchen", "Kitchen Appliances", "厨房电器", (("Air Fryer", "空气炸锅"),
             ("Rice Cooker", "电饭煲"), ("Coffee Machine", "咖啡机")), (199, 2999), specs=same("3L", "4L", "5L")),
        Node("electronics-personal-care", "Personal Care Appliances", "个护电器", (("Hair Dryer", "吹风机"),
             ("Electric Shaver", "电动剃须刀")), (129, 1599)),
    ),
)
