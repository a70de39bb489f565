"""Product catalogues, geography and ad-account structure of the sample stores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shopops.sample.spec import Platform

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

ROLES_ZH = ("引流款", "利润款", "形象款", "定制款")
ROLES_EN = ("traffic", "profit", "image", "custom")
TRAFFIC, PROFIT, IMAGE, CUSTOM = 0, 1, 2, 3
_ROLE_WEIGHT = np.array([3.0, 1.6, 0.5, 0.25])
_ROLE_COST = ((0.72, 0.85), (0.30, 0.45), (0.22, 0.35), (0.40, 0.55))

# (name, list price, attribute, custom?) per category; category order gives SKU letters.
_Item = tuple[str, float, str, bool]

_TMALL: list[tuple[str, list[_Item]]] = [
    (
        "面部护理",
        [
            ("玻尿酸补水精华液 30ml", 199, "净含量:30ml", False),
            ("玻尿酸补水精华液 50ml", 299, "净含量:50ml", False),
            ("烟酰胺提亮精华 30ml", 259, "净含量:30ml", False),
            ("抗皱紧致精华液 30ml", 499, "净含量:30ml", False),
            ("修护保湿面霜 50g", 229, "净含量:50g", False),
            ("臻颜紧致面霜 50g", 680, "净含量:50g", False),
            ("氨基酸温和洁面乳 120g", 59, "净含量:120g", False),
            ("清透补水爽肤水 200ml", 129, "净含量:200ml", False),
            ("水润保湿乳液 120ml", 139, "净含量:120ml", False),
            ("淡纹紧致眼霜 20g", 299, "净含量:20g", False),
            ("补水保湿面膜 10片装", 79, "规格:10片", False),
            ("清透防晒霜 SPF50 50ml", 119, "净含量:50ml", False),
            ("温和卸妆油 150ml", 99, "净含量:150ml", False),
            ("次抛精华原液 30支", 169, "规格:30支", False),
            ("熬夜修护安瓶 7支", 89, "规格:7支", False),
            ("水乳护肤套装", 259, "规格:水+乳", False),
            ("冻干粉修护套装", 399, "规格:5对", False),
            ("明星产品试用装 5件套", 29.9, "规格:5件", False),
        ],
    ),
    (
        "彩妆",
        [
            ("丝绒哑光口红 01", 129, "颜色分类:正红色", False),
            ("丝绒哑光口红 02", 129, "颜色分类:豆沙色", False),
            ("丝绒哑光口红 03", 129, "颜色分类:枫叶红", False),
            ("水光镜面唇釉", 89, "颜色分类:蜜桃色", False),
            ("持妆粉底液 30ml", 199, "颜色分类:自然色", False),
            ("轻薄气垫BB霜", 169, "颜色分类:象牙白", False),
            ("九色大地眼影盘", 159, "颜色分类:大地色", False),
            ("纤长卷翘睫毛膏", 79, "颜色分类:黑色", False),
            ("防水眼线笔", 49, "颜色分类:黑色", False),
            ("自然细芯眉笔", 39, "颜色分类:棕色", False),
            ("控油定妆散粉", 119, "颜色分类:透明色", False),
            ("柔雾腮红", 79, "颜色分类:粉色", False),
            ("遮瑕液", 69, "颜色分类:自然色", False),
            ("高光修容盘", 139, "颜色分类:经典色", False),
        ],
    ),
    (
        "身体护理",
        [
            ("烟酰胺身体乳 250ml", 79, "净含量:250ml", False),
            ("香氛沐浴露 500ml", 59, "净含量:500ml", False),
            ("护手霜三支装", 39, "规格:3支", False),
            ("氨基酸洗发水 500ml", 69, "净含量:500ml", False),
            ("柔顺护发精油 100ml", 89, "净含量:100ml", False),
            ("身体磨砂膏 200g", 69, "净含量:200g", False),
            ("止汗香体喷雾", 39, "净含量:150ml", False),
            ("足部护理霜", 29, "净含量:50g", False),
            ("美白身体精华乳 200ml", 129, "净含量:200ml", False),
        ],
    ),
    (
        "香水",
        [
            ("栀子花淡香水 30ml", 199, "净含量:30ml", False),
            ("栀子花淡香水 100ml", 459, "净含量:100ml", False),
            ("玫瑰浓香水 50ml", 399, "净含量:50ml", False),
            ("香水小样套装 4x5ml", 99, "规格:4支", False),
            ("木质调香水 50ml", 359, "净含量:50ml", False),
            ("车载香薰", 69, "颜色分类:银色", False),
            ("香氛蜡烛", 129, "规格:200g", False),
        ],
    ),
    (
        "工具",
        [
            ("化妆刷套装 12支", 99, "颜色分类:粉色", False),
            ("美妆蛋 3只装", 19.9, "颜色分类:混色", False),
            ("化妆棉 200片", 12.9, "规格:200片", False),
            ("广角睫毛夹", 29, "颜色分类:银色", False),
            ("气垫粉扑 6只装", 15.9, "颜色分类:白色", False),
            ("修眉刀 5支装", 9.9, "规格:5支", False),
            ("大容量化妆包", 49, "颜色分类:黑色", False),
        ],
    ),
    (
        "礼盒",
        [
            ("口红礼盒 3支装 可刻字", 359, "规格:3支", True),
            ("精华面霜护肤礼盒", 599, "规格:2件", False),
            ("香水礼盒", 499, "规格:2件", False),
            ("七夕限定礼盒", 459, "规格:限定款", True),
            ("生日定制刻字礼盒", 399, "规格:定制款", True),
        ],
    ),
]

_JD: list[tuple[str, list[_Item]]] = [
    (
        "手机配件",
        [
            ("20W PD快充充电器 Type-C", 39, "", False),
            ("65W 氮化镓快充充电器", 129, "", False),
            ("磁吸无线充电器 15W", 99, "", False),
            ("iPhone15 透明手机壳", 29, "", False),
            ("磨砂防摔手机壳", 39, "", False),
            ("高清钢化膜 2片装", 19.9, "", False),
            ("Type-C 数据线 1米", 19.9, "", False),
            ("编织快充数据线 2米", 29.9, "", False),
            ("10000mAh 充电宝", 99, "", False),
            ("20000mAh 大容量充电宝", 149, "", False),
            ("车载手机支架", 39, "", False),
            ("桌面手机支架", 25, "", False),
        ],
    ),
    (
        "数码",
        [
            ("真无线蓝牙耳机", 199, "", False),
            ("主动降噪蓝牙耳机", 499, "", False),
            ("头戴式蓝牙耳机", 399, "", False),
            ("迷你蓝牙音箱", 129, "", False),
            ("蓝牙音箱 定制刻字版", 349, "", True),
            ("4K 运动相机", 899, "", False),
            ("自拍杆三脚架", 69, "", False),
            ("128G 高速内存卡", 89, "", False),
            ("1TB 移动固态硬盘", 599, "", False),
            ("64G 金属U盘", 39, "", False),
        ],
    ),
    (
        "家电",
        [
            ("声波电动牙刷", 199, "", False),
            ("高速吹风机", 499, "", False),
            ("空气炸锅 4.5L", 329, "", False),
            ("电热水壶 1.7L", 129, "", False),
            ("静音加湿器", 159, "", False),
            ("迷你暖风机", 199, "", False),
            ("激光导航扫地机器人", 1999, "", False),
            ("除甲醛空气净化器", 1299, "", False),
            ("多功能料理机", 399, "", False),
            ("手持挂烫机", 259, "", False),
        ],
    ),
    (
        "电脑外设",
        [
            ("静音无线鼠标", 59, "", False),
            ("87键机械键盘", 299, "", False),
            ("无线键鼠套装", 129, "", False),
            ("超大鼠标垫", 29, "", False),
            ("铝合金笔记本支架", 89, "", False),
            ("7合1 Type-C 扩展坞", 199, "", False),
            ("1080P 高清摄像头", 169, "", False),
            ("电竞游戏耳机", 249, "", False),
        ],
    ),
    (
        "智能穿戴",
        [
            ("智能手环 心率血氧", 199, "", False),
            ("智能手表 运动版", 699, "", False),
            ("智能手表 旗舰版", 1299, "", False),
            ("智能手表 定制表盘礼盒版", 799, "", True),
            ("儿童电话手表", 399, "", False),
            ("硅胶表带 2条装", 49, "", False),
            ("智能体脂秤", 99, "", False),
            ("颈部按摩仪", 299, "", False),
        ],
    ),
]

_SHOPIFY: list[tuple[str, list[_Item]]] = [
    (
        "Dresses",
        [
            ("Linen Midi Dress - Sage / S", 68, "", False),
            ("Linen Midi Dress - Sage / M", 68, "", False),
            ("Wrap Maxi Dress - Navy / M", 84, "", False),
            ("Slip Dress - Black / S", 59, "", False),
            ("Slip Dress - Black / M", 59, "", False),
            ("Smocked Sundress - Floral / M", 54, "", False),
            ("Sweater Dress - Oatmeal / M", 79, "", False),
            ("Satin Evening Gown - Emerald / M", 168, "", False),
            ("Tiered Mini Dress - White / S", 48, "", False),
            ("Shirt Dress - Chambray / M", 62, "", False),
            ("Knit Midi Dress - Rust / L", 72, "", False),
        ],
    ),
    (
        "Tops",
        [
            ("Classic Cotton Tee - White / M", 18, "", False),
            ("Classic Cotton Tee - Black / M", 18, "", False),
            ("Ribbed Tank - Cream / S", 16, "", False),
            ("Oversized Linen Shirt - White / M", 48, "", False),
            ("Silk Camisole - Champagne / S", 58, "", False),
            ("Cropped Cardigan - Blush / M", 44, "", False),
            ("Striped Boat Neck Top - Navy / M", 32, "", False),
            ("Puff Sleeve Blouse - Ivory / M", 42, "", False),
            ("Waffle Henley - Sand / L", 34, "", False),
            ("Long Sleeve Tee 3-Pack - Mixed / M", 39, "", False),
            ("Cashmere Crewneck - Camel / M", 148, "", False),
            ("Basic Tee 3-Pack - Neutral / M", 36, "", False),
        ],
    ),
    (
        "Outerwear",
        [
            ("Wool Blend Coat - Camel / M", 189, "", False),
            ("Puffer Jacket - Black / M", 129, "", False),
            ("Denim Jacket - Light Wash / M", 78, "", False),
            ("Trench Coat - Khaki / M", 158, "", False),
            ("Quilted Vest - Olive / M", 64, "", False),
            ("Faux Leather Jacket - Black / S", 98, "", False),
            ("Fleece Zip-Up - Grey / M", 52, "", False),
        ],
    ),
    (
        "Accessories",
        [
            ("Canvas Tote Bag - Natural", 24, "", False),
            ("Leather Belt - Brown / M", 38, "", False),
            ("Silk Scarf - Print", 42, "", False),
            ("Knit Beanie - Charcoal", 22, "", False),
            ("Bucket Hat - Beige", 26, "", False),
            ("Crossbody Bag - Tan", 88, "", False),
            ("Sunglasses - Tortoise", 35, "", False),
            ("Hair Claw Clip Set", 12, "", False),
            ("Cozy Socks 3-Pack", 15, "", False),
            ("Weekender Duffel Bag - Black", 118, "", False),
        ],
    ),
    (
        "Jewelry",
        [
            ("Gold Hoop Earrings", 28, "", False),
            ("Pearl Drop Earrings", 34, "", False),
            ("Layered Necklace", 39, "", False),
            ("Engraved Initial Pendant", 49, "", True),
            ("Personalized Name Bracelet", 45, "", True),
            ("Stacking Rings Set", 25, "", False),
            ("Charm Bracelet", 32, "", False),
            ("Birthstone Studs", 29, "", False),
        ],
    ),
]

_SKU_PREFIX: dict[Platform, str] = {"tmall": "TM", "jd": "JD", "shopify": "SP"}
#: Categories with more refunds (colour/size misses), extra refund probability.
_REFUNDY: dict[Platform, dict[str, float]] = {
    "tmall": {"彩妆": 0.06, "香水": 0.02},
    "jd": {"智能穿戴": 0.04, "家电": 0.02},
    "shopify": {"Dresses": 0.08, "Tops": 0.05, "Outerwear": 0.07},
}
#: Categories boosted on gift days.
_GIFTY: dict[Platform, dict[str, float]] = {
    "tmall": {"礼盒": 4.0, "香水": 1.8, "彩妆": 1.3},
    "jd": {"智能穿戴": 1.8, "数码": 1.3},
    "shopify": {"Jewelry": 2.5, "Accessories": 1.6},
}


@dataclass(frozen=True)
class Catalog:
    """A store's products as parallel arrays (index = SKU index)."""

    sku: list[str]
    product_id: list[str]
    title: list[str]
    attr: list[str]
    category: list[str]
    category_idx: npt.NDArray[np.int32]
    category_names: list[str]
    price: I64  # list price, cents
    cost: I64  # unit cost, cents
    role: npt.NDArray[np.int8]
    weight_mobile: F64  # base popularity
    weight_pc: F64
    gift_boost: F64  # popularity multiplier on gift days
    refund_extra: F64  # extra refund probability of an order holding this SKU

    @property
    def n(self) -> int:
        return len(self.sku)


def build_catalog(platform: Platform, rng: np.random.Generator) -> Catalog:
    """Build the catalogue of a store; roles follow price (about 30/50/15/5 %)."""
    table = {"tmall": _TMALL, "jd": _JD, "shopify": _SHOPIFY}[platform]
    sku: list[str] = []
    title: list[str] = []
    attr: list[str] = []
    category: list[str] = []
    cat_idx: list[int] = []
    price: list[int] = []
    custom: list[bool] = []
    prefix = _SKU_PREFIX[platform]
    for ci, (cat, items) in enumerate(table):
        letter = chr(ord("A") + ci)
        for j, (name, p, a, c) in enumerate(items):
            sku.append(f"{prefix}-{letter}{j + 1:03d}")
            title.append(name if platform == "shopify" else f"某某 {name}")
            attr.append(a)
            category.append(cat)
            cat_idx.append(ci)
            price.append(round(p * 100))
            custom.append(c)
    n = len(sku)
    price_a = np.array(price, dtype=np.int64)
    role = np.full(n, PROFIT, dtype=np.int8)
    role[np.array(custom)] = CUSTOM
    order = [i for i in np.argsort(price_a, kind="stable") if not custom[i]]
    n_traffic = round(0.30 * n)
    n_image = round(0.15 * n)
    for i in order[:n_traffic]:
        role[i] = TRAFFIC
    for i in order[len(order) - n_image :]:
        role[i] = IMAGE
    lo = np.array([_ROLE_COST[r][0] for r in role])
    hi = np.array([_ROLE_COST[r][1] for r in role])
    cost = np.round(price_a * rng.uniform(lo, hi)).astype(np.int64)
    rank = rng.permutation(n)
    zipf = 1.0 / (rank + 1.0) ** 1.1
    w_mobile = _ROLE_WEIGHT[role] * zipf
    w_pc = w_mobile * np.where(role == IMAGE, 2.0, np.where(role == PROFIT, 1.2, 1.0))
    gifty = _GIFTY[platform]
    gift_boost = np.array([gifty.get(c, 1.0) for c in category])
    refundy = _REFUNDY[platform]
    refund_extra = np.array([refundy.get(c, 0.0) for c in category])
    if platform == "tmall":
        pid = 500_000_000_000 + rng.choice(400_000_000_000, n, replace=False)
    elif platform == "jd":
        pid = 100_000_000_000 + rng.choice(10_000_000_000, n, replace=False)
    else:
        pid = 8_000_000_000_000 + rng.choice(1_000_000_000_000, n, replace=False)
    return Catalog(
        sku=sku,
        product_id=[str(int(x)) for x in pid],
        title=title,
        attr=attr,
        category=category,
        category_idx=np.array(cat_idx, dtype=np.int32),
        category_names=[c for c, _ in table],
        price=price_a,
        cost=cost,
        role=role,
        weight_mobile=w_mobile / w_mobile.sum(),
        weight_pc=w_pc / w_pc.sum(),
        gift_boost=gift_boost,
        refund_extra=refund_extra,
    )


# --------------------------------------------------------------------------- geography

# (province token, weight, postage yuan, [(city, [districts])])
_CN_GEO: list[tuple[str, float, int, list[tuple[str, list[str]]]]] = [
    (
        "广东省",
        11,
        5,
        [
            ("广州市", ["天河区", "越秀区", "海珠区"]),
            ("深圳市", ["南山区", "福田区", "宝安区"]),
            ("佛山市", ["禅城区", "南海区"]),
        ],
    ),
    ("浙江省", 8, 5, [("杭州市", ["西湖区", "余杭区", "滨江区"]), ("宁波市", ["鄞州区", "海曙区"])]),
    ("江苏省", 8, 5, [("南京市", ["鼓楼区", "玄武区"]), ("苏州市", ["姑苏区", "吴中区"]), ("无锡市", ["梁溪区"])]),
    ("上海", 6, 5, [("上海市", ["浦东新区", "徐汇区", "闵行区", "静安区"])]),
    ("北京", 5, 5, [("北京市", ["朝阳区", "海淀区", "丰台区", "东城区"])]),
    ("山东省", 6, 5, [("济南市", ["历下区", "市中区"]), ("青岛市", ["市南区", "崂山区"])]),
    ("四川省", 5, 5, [("成都市", ["武侯区", "锦江区", "成华区"])]),
    ("河南省", 5, 5, [("郑州市", ["金水区", "二七区"]), ("洛阳市", ["洛龙区"])]),
    ("湖北省", 4, 5, [("武汉市", ["洪山区", "武昌区", "江汉区"])]),
    ("福建省", 4, 5, [("福州市", ["鼓楼区", "仓山区"]), ("厦门市", ["思明区", "湖里区"])]),
    ("湖南省", 3.5, 5, [("长沙市", ["岳麓区", "芙蓉区"])]),
    ("河北省", 3.5, 5, [("石家庄市", ["长安区", "桥西区"]), ("保定市", ["竞秀区"])]),
    ("安徽省", 3, 5, [("合肥市", ["蜀山区", "包河区"])]),
    ("陕西省", 2.5, 5, [("西安市", ["雁塔区", "碑林区"])]),
    ("重庆", 2.5, 5, [("重庆市", ["渝北区", "江北区", "九龙坡区"])]),
    ("天津", 2, 5, [("天津市", ["南开区", "和平区"])]),
    ("辽宁省", 2.5, 8, [("沈阳市", ["和平区", "沈河区"]), ("大连市", ["中山区"])]),
    ("江西省", 2, 5, [("南昌市", ["红谷滩区", "东湖区"])]),
    ("广西壮族自治区", 2, 5, [("南宁市", ["青秀区", "西乡塘区"])]),
    ("云南省", 2, 8, [("昆明市", ["五华区", "盘龙区"])]),
    ("山西省", 1.5, 5, [("太原市", ["小店区", "迎泽区"])]),
    ("黑龙江省", 1.5, 8, [("哈尔滨市", ["南岗区", "道里区"])]),
    ("吉林省", 1, 8, [("长春市", ["朝阳区", "南关区"])]),
    ("贵州省", 1.2, 8, [("贵阳市", ["观山湖区", "云岩区"])]),
    ("内蒙古自治区", 0.8, 8, [("呼和浩特市", ["赛罕区"])]),
    ("新疆维吾尔自治区", 0.6, 10, [("乌鲁木齐市", ["天山区", "沙依巴克区"])]),
    ("甘肃省", 0.7, 8, [("兰州市", ["城关区"])]),
    ("海南省", 0.8, 8, [("海口市", ["美兰区", "龙华区"])]),
    ("宁夏回族自治区", 0.3, 8, [("银川市", ["兴庆区"])]),
    ("青海省", 0.2, 10, [("西宁市", ["城中区"])]),
    ("西藏自治区", 0.1, 10, [("拉萨市", ["城关区"])]),
]
_CN_STREETS = [
    "文三路", "人民路", "中山路", "解放路", "建设路", "和平路", "长江路", "新华路", "胜利路",
    "学院路", "科技路", "滨江大道", "南京路", "江南大道", "东风路", "青年路", "迎宾大道", "花园路",
]  # fmt: skip

# (code, name, weight, tax basis points, cities)
_US_GEO: list[tuple[str, str, float, int, list[str]]] = [
    ("CA", "California", 12, 825, ["Los Angeles", "San Francisco", "San Diego", "San Jose"]),
    ("TX", "Texas", 9, 820, ["Houston", "Austin", "Dallas"]),
    ("NY", "New York", 7, 852, ["New York", "Brooklyn", "Buffalo"]),
    ("FL", "Florida", 7, 700, ["Miami", "Orlando", "Tampa"]),
    ("IL", "Illinois", 4, 886, ["Chicago", "Naperville"]),
    ("PA", "Pennsylvania", 4, 634, ["Philadelphia", "Pittsburgh"]),
    ("OH", "Ohio", 3.5, 724, ["Columbus", "Cleveland"]),
    ("GA", "Georgia", 3, 738, ["Atlanta", "Savannah"]),
    ("NC", "North Carolina", 3, 700, ["Charlotte", "Raleigh"]),
    ("MI", "Michigan", 3, 600, ["Detroit", "Grand Rapids"]),
    ("NJ", "New Jersey", 3, 660, ["Newark", "Jersey City"]),
    ("VA", "Virginia", 2.5, 577, ["Richmond", "Arlington"]),
    ("WA", "Washington", 2.5, 938, ["Seattle", "Spokane"]),
    ("AZ", "Arizona", 2.2, 840, ["Phoenix", "Tucson"]),
    ("MA", "Massachusetts", 2.2, 625, ["Boston", "Cambridge"]),
    ("TN", "Tennessee", 2, 955, ["Nashville", "Memphis"]),
    ("CO", "Colorado", 1.7, 781, ["Denver", "Boulder"]),
    ("MN", "Minnesota", 1.6, 749, ["Minneapolis", "Saint Paul"]),
    ("OR", "Oregon", 1.2, 0, ["Portland", "Eugene"]),
    ("DE", "Delaware", 0.3, 0, ["Wilmington"]),
    ("NH", "New Hampshire", 0.4, 0, ["Manchester"]),
    ("MT", "Montana", 0.3, 0, ["Billings"]),
]


@dataclass(frozen=True)
class Geo:
    """Flattened (region, city, district) places with sampling weights."""

    region: list[str]  # per place: province token / US state code
    region_name: list[str]  # per place: province token / US state name
    city: list[str]
    district: list[str]  # "" for US
    weight: F64
    postage: I64  # cents (CN) — shipping surcharge class
    tax_bp: I64  # basis points (US)
    streets: list[str]


def build_geo(platform: Platform) -> Geo:
    region: list[str] = []
    region_name: list[str] = []
    city: list[str] = []
    district: list[str] = []
    weight: list[float] = []
    postage: list[int] = []
    tax: list[int] = []
    if platform == "shopify":
        for code, name, w, bp, us_cities in _US_GEO:
            for c in us_cities:
                region.append(code)
                region_name.append(name)
                city.append(c)
                district.append("")
                weight.append(w / len(us_cities))
                postage.append(0)
                tax.append(bp)
        streets: list[str] = []
    else:
        for prov, w, post, cities in _CN_GEO:
            n_places = sum(len(d) for _, d in cities)
            for c, districts in cities:
                for d in districts:
                    region.append(prov)
                    region_name.append(prov)
                    city.append(c)
                    district.append(d)
                    weight.append(w / n_places)
                    postage.append(post * 100)
                    tax.append(0)
        streets = list(_CN_STREETS)
    wa = np.array(weight)
    return Geo(
        region, region_name, city, district, wa / wa.sum(),
        np.array(postage, dtype=np.int64), np.array(tax, dtype=np.int64), streets,
    )  # fmt: skip


# --------------------------------------------------------------------------- ads

# plan -> [(unit, [keywords])]
AD_TREES: dict[Platform, list[tuple[str, list[tuple[str, list[str]]]]]] = {
    "tmall": [
        ("日常销售-核心词", [("精华液单元", ["精华液", "补水精华", "抗老精华"]), ("面霜单元", ["面霜", "保湿面霜", "修护面霜"])]),
        ("日常销售-长尾词", [("口红单元", ["口红", "哑光口红", "口红小众品牌"]), ("粉底液单元", ["粉底液", "持妆粉底液", "油皮粉底液"])]),
        ("大促活动计划", [("礼盒单元", ["护肤品礼盒", "口红礼盒送女友", "生日礼物女"]), ("香水单元", ["香水女", "淡香水", "香水小样"])]),
    ],
    "jd": [
        ("京东快车-搜索推广", [("充电器单元", ["快充充电器", "氮化镓充电器", "无线充电器"]), ("耳机单元", ["蓝牙耳机", "降噪耳机", "运动耳机"])]),
        ("京东快车-商品推广", [("手表单元", ["智能手表", "运动手环", "儿童手表"]), ("家电单元", ["电动牙刷", "吹风机", "空气炸锅"])]),
        ("京东快车-大促计划", [("外设单元", ["机械键盘", "无线鼠标", "扩展坞"]), ("数码单元", ["充电宝", "蓝牙音箱", "移动硬盘"])]),
    ],
    "shopify": [
        ("Brand Search", [("Brand Terms", ["northwind apparel", "northwind dresses", "northwind clothing"]), ("Brand + Product", ["northwind linen dress", "northwind coat", "northwind tee"])]),
        ("Generic Search", [("Dresses", ["midi dress", "linen dress women", "summer dresses"]), ("Outerwear", ["wool coat women", "puffer jacket", "trench coat"])]),
        ("Shopping - All Products", [("Best Sellers", ["womens tops", "basic tee pack", "silk camisole"]), ("Gifts", ["gifts for her", "personalized jewelry", "gold hoop earrings"])]),
    ],
}  # fmt: skip
#: Index of the plan that mostly spends on festival days.
PROMO_PLAN = 2

# --------------------------------------------------------------------------- competitors

COMPETITOR_SHOPS = ["水漾集", "素颜坊", "青黛美妆", "花间集", "雪肌研"]
COMPETITOR_ITEMS: list[tuple[str, float]] = [
    ("补水保湿精华液 30ml", 169), ("玻尿酸原液 15ml", 99), ("修护面霜 50g", 199),
    ("氨基酸洁面乳 100g", 49), ("清爽控油爽肤水 200ml", 89), ("保湿乳液 100ml", 119),
    ("淡化细纹眼霜 15g", 259), ("补水面膜 10片", 69), ("轻薄防晒乳 SPF50", 99),
    ("温和卸妆水 400ml", 79), ("哑光口红", 99), ("持妆粉底液", 179), ("气垫BB霜", 149),
    ("大地色眼影盘", 129), ("纤长睫毛膏", 69), ("定妆散粉", 89), ("身体乳 250ml", 59),
    ("护手霜套装", 35), ("淡香水 50ml", 299), ("护肤礼盒", 499), ("美白精华", 229),
    ("洗发水 500ml", 59),
]  # fmt: skip
