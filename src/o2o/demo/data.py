"""The realistic demo network, written by hand: merchants, their stores and warehouses.

Addresses are real streets of Hà Nội, TP. Hồ Chí Minh and Đà Nẵng, with coordinates on the
street (to within a few hundred metres); shop names and numbers are made up.
"""

from typing import NamedTuple

from o2o.stores.models import StoreService, Trade

HANOI, SAIGON, DANANG = "Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"
CITIES = (HANOI, SAIGON, DANANG)


class MerchantSeed(NamedTuple):
    slug: str
    name: str
    trade: Trade
    tax_code: str  # mã số thuế: 01… registered in Hà Nội, 03… in TP. Hồ Chí Minh
    phone: str
    owner: str
    manager: str
    #: Short name used in store names ("Hoa Sen Hàng Bông").
    short: str
    sku_prefix: str


class Place(NamedTuple):
    """A store or warehouse; ``code`` is globally unique, so staff emails can use it."""

    code: str
    name: str
    address: str
    district: str
    city: str
    lat: float
    lon: float
    #: "mall" for a store keeping a shopping centre's hours, "late" for Friday/Saturday nights.
    hours: str = ""


MERCHANTS = (
    MerchantSeed("hoasen", "Hoa Sen Fashion", Trade.FASHION, "0106834573", "024 3938 6688",
                 "Nguyễn Thị Hoa", "Đỗ Thanh Hương", "Hoa Sen", "HS"),
    MerchantSeed("saoviet", "Điện Máy Sao Việt", Trade.ELECTRONICS, "0315742968",
                 "028 3620 8899", "Trần Quốc Việt", "Vũ Đức Anh", "Sao Việt", "SV"),
    MerchantSeed("phoco", "Cà Phê Phố Cổ", Trade.CAFE, "0107922180", "024 3928 3355",
                 "Lê Minh Tuấn", "Hoàng Ngọc Mai", "Phố Cổ", "PC"),
    MerchantSeed("moclan", "Mỹ Phẩm Mộc Lan", Trade.BEAUTY, "0316488256", "028 3910 2468",
                 "Phạm Thu Lan", "Bùi Khánh Linh", "Mộc Lan", "ML"),
)

STORES: dict[str, tuple[Place, ...]] = {
    "hoasen": (
        Place("hoasen-hangbong", "Hoa Sen Hàng Bông", "25 Hàng Bông", "Hoàn Kiếm", HANOI,
              21.0302, 105.8478),
        Place("hoasen-batrieu", "Hoa Sen Vincom Bà Triệu", "Vincom Center, 191 Bà Triệu",
              "Hai Bà Trưng", HANOI, 21.0115, 105.8494, "mall"),
        Place("hoasen-xuanthuy", "Hoa Sen Xuân Thủy", "173 Xuân Thủy", "Cầu Giấy", HANOI,
              21.0366, 105.7846),
        Place("hoasen-royalcity", "Hoa Sen Royal City",
              "Vincom Mega Mall Royal City, 72A Nguyễn Trãi", "Thanh Xuân", HANOI,
              21.0027, 105.8154, "mall"),
        Place("hoasen-longbien", "Hoa Sen AEON Long Biên", "AEON Mall Long Biên, 27 Cổ Linh",
              "Long Biên", HANOI, 21.0273, 105.8993, "mall"),
        Place("hoasen-dongkhoi", "Hoa Sen Đồng Khởi", "Vincom Center, 72 Lê Thánh Tôn",
              "Quận 1", SAIGON, 10.7781, 106.7019, "mall"),
        Place("hoasen-nguyentrai", "Hoa Sen Nguyễn Trãi", "215 Nguyễn Trãi", "Quận 1", SAIGON,
              10.7652, 106.6880),
        Place("hoasen-vovantan", "Hoa Sen Võ Văn Tần", "112 Võ Văn Tần", "Quận 3", SAIGON,
              10.7775, 106.6905),
        Place("hoasen-vanhanh", "Hoa Sen Vạn Hạnh Mall", "Vạn Hạnh Mall, 11 Sư Vạn Hạnh",
              "Quận 10", SAIGON, 10.7706, 106.6694, "mall"),
        Place("hoasen-vivocity", "Hoa Sen SC VivoCity", "SC VivoCity, 1058 Nguyễn Văn Linh",
              "Quận 7", SAIGON, 10.7303, 106.7037, "mall"),
        Place("hoasen-leduan", "Hoa Sen Lê Duẩn", "154 Lê Duẩn", "Hải Châu", DANANG,
              16.0714, 108.2172),
        Place("hoasen-ngoquyen", "Hoa Sen Vincom Đà Nẵng", "Vincom Plaza, 910A Ngô Quyền",
              "Sơn Trà", DANANG, 16.0717, 108.2301, "mall"),
    ),
    "saoviet": (
        Place("saoviet-thaiha", "Sao Việt Thái Hà", "98 Thái Hà", "Đống Đa", HANOI,
              21.0128, 105.8205),
        Place("saoviet-tranduyhung", "Sao Việt Trần Duy Hưng", "143 Trần Duy Hưng", "Cầu Giấy",
              HANOI, 21.0100, 105.7985),
        Place("saoviet-nguyenvancu", "Sao Việt Long Biên", "312 Nguyễn Văn Cừ", "Long Biên",
              HANOI, 21.0442, 105.8770),
        Place("saoviet-bathanghai", "Sao Việt 3 Tháng 2", "520 Đường 3 Tháng 2", "Quận 10",
              SAIGON, 10.7688, 106.6675),
        Place("saoviet-conghoa", "Sao Việt Cộng Hòa", "60 Cộng Hòa", "Tân Bình", SAIGON,
              10.8010, 106.6565),
        Place("saoviet-vovanngan", "Sao Việt Thủ Đức", "218 Võ Văn Ngân", "TP. Thủ Đức", SAIGON,
              10.8508, 106.7625),
        Place("saoviet-hungvuong", "Sao Việt Hùng Vương", "120 Hùng Vương", "Hải Châu", DANANG,
              16.0683, 108.2185),
        Place("saoviet-dienbienphu", "Sao Việt Điện Biên Phủ", "180 Điện Biên Phủ", "Thanh Khê",
              DANANG, 16.0665, 108.2020),
    ),
    "phoco": (
        Place("phoco-nhatho", "Phố Cổ Nhà Thờ", "11 Nhà Thờ", "Hoàn Kiếm", HANOI,
              21.0290, 105.8495, "late"),
        Place("phoco-dinhtienhoang", "Phố Cổ Bờ Hồ", "3 Đinh Tiên Hoàng", "Hoàn Kiếm", HANOI,
              21.0328, 105.8527, "late"),
        Place("phoco-trangtien", "Phố Cổ Tràng Tiền", "35 Tràng Tiền", "Hoàn Kiếm", HANOI,
              21.0247, 105.8545),
        Place("phoco-xuandieu", "Phố Cổ Tây Hồ", "27 Xuân Diệu", "Tây Hồ", HANOI,
              21.0635, 105.8290),
        Place("phoco-kimma", "Phố Cổ Kim Mã", "86 Kim Mã", "Ba Đình", HANOI, 21.0316, 105.8240),
        Place("phoco-nguyenhue", "Phố Cổ Nguyễn Huệ", "42 Nguyễn Huệ", "Quận 1", SAIGON,
              10.7741, 106.7040, "late"),
        Place("phoco-tandinh", "Phố Cổ Tân Định", "288 Hai Bà Trưng", "Quận 1", SAIGON,
              10.7885, 106.6910),
        Place("phoco-phanxichlong", "Phố Cổ Phan Xích Long", "152 Phan Xích Long", "Phú Nhuận",
              SAIGON, 10.7995, 106.6925),
        Place("phoco-thaodien", "Phố Cổ Thảo Điền", "35 Quốc Hương", "TP. Thủ Đức", SAIGON,
              10.8045, 106.7330),
        Place("phoco-bachdang", "Phố Cổ Bạch Đằng", "74 Bạch Đằng", "Hải Châu", DANANG,
              16.0715, 108.2245, "late"),
        Place("phoco-myke", "Phố Cổ Mỹ Khê", "238 Võ Nguyên Giáp", "Sơn Trà", DANANG,
              16.0625, 108.2466),
        Place("phoco-phanchautrinh", "Phố Cổ Phan Châu Trinh", "102 Phan Châu Trinh",
              "Hải Châu", DANANG, 16.0660, 108.2212),
    ),
    "moclan": (
        Place("moclan-chuaboc", "Mộc Lan Chùa Bộc", "58 Chùa Bộc", "Đống Đa", HANOI,
              21.0075, 105.8290),
        Place("moclan-timescity", "Mộc Lan Times City",
              "Vincom Mega Mall Times City, 458 Minh Khai", "Hai Bà Trưng", HANOI,
              20.9953, 105.8678, "mall"),
        Place("moclan-leloi", "Mộc Lan Lê Lợi", "66 Lê Lợi", "Quận 1", SAIGON, 10.7727, 106.7005),
        Place("moclan-quangtrung", "Mộc Lan Gò Vấp", "590 Quang Trung", "Gò Vấp", SAIGON,
              10.8370, 106.6640),
        Place("moclan-xovietnghetinh", "Mộc Lan Bình Thạnh", "212 Xô Viết Nghệ Tĩnh",
              "Bình Thạnh", SAIGON, 10.8045, 106.7110),
        Place("moclan-leloi-dn", "Mộc Lan Lê Lợi Đà Nẵng", "118 Lê Lợi", "Hải Châu", DANANG,
              16.0680, 108.2195),
    ),
}

#: Where each chain's VietQR codes pay: (bank BIN, account number). Real banks (Vietcombank,
#: Techcombank, MB, ACB), made-up accounts.
BANK_ACCOUNTS = {
    "hoasen": ("970436", "0011004268753"), "saoviet": ("970407", "19036688990011"),
    "phoco": ("970422", "0801234567890"), "moclan": ("970416", "24681357"),
}

WAREHOUSES = {
    "hoasen": Place("hoasen-kho-saidong", "Kho Hoa Sen Sài Đồng", "KCN Sài Đồng B, Vũ Xuân Thiều",
                    "Long Biên", HANOI, 21.0330, 105.9180),
    "saoviet": Place("saoviet-kho-tantao", "Kho Sao Việt Tân Tạo", "KCN Tân Tạo, Tân Tạo A",
                     "Bình Tân", SAIGON, 10.7535, 106.5925),
    "phoco": Place("phoco-kho-tamtrinh", "Xưởng rang Phố Cổ Tam Trinh", "335 Tam Trinh",
                   "Hoàng Mai", HANOI, 20.9920, 105.8640),
    "moclan": Place("moclan-kho-tanthuan", "Kho Mộc Lan Tân Thuận", "KCX Tân Thuận, Tân Thuận Đông",
                    "Quận 7", SAIGON, 10.7565, 106.7270),
}

#: (opens, closes) on weekdays, Saturday, Sunday.
Week = tuple[tuple[str, str], tuple[str, str], tuple[str, str]]

HOURS: dict[Trade, Week] = {
    Trade.CAFE: (("06:30", "22:30"), ("07:00", "23:00"), ("07:00", "23:00")),
    Trade.FASHION: (("09:00", "22:00"), ("09:00", "22:30"), ("09:00", "22:30")),
    Trade.ELECTRONICS: (("08:00", "21:30"), ("08:00", "21:30"), ("08:00", "22:00")),
    Trade.BEAUTY: (("09:00", "21:30"), ("09:00", "22:00"), ("09:00", "22:00")),
    Trade.GROCERY: (("06:00", "22:00"), ("06:00", "22:00"), ("06:00", "22:00")),
    Trade.OTHER: (("08:00", "21:00"), ("08:00", "21:00"), ("08:00", "21:00")),
}
MALL_HOURS: Week = (("10:00", "22:00"), ("09:30", "22:00"), ("09:30", "22:00"))


def week_of(trade: Trade, variant: str = "") -> list[tuple[int, str, str]]:
    """(weekday, opens, closes) for each day of a store's week; 0 is Monday."""
    weekday, saturday, sunday = MALL_HOURS if variant == "mall" else HOURS[trade]
    days = [weekday] * 5 + [saturday, sunday]
    if variant == "late":  # Friday and Saturday nights by the lake or on the walking street
        days[4], days[5] = (days[4][0], "00:30"), (days[5][0], "00:30")
    return [(day, opens, closes) for day, (opens, closes) in enumerate(days)]


#: What a shopper can do at a store of each trade, with the terms shown to them.
SERVICES: dict[Trade, dict[StoreService, dict[str, object] | None]] = {
    Trade.FASHION: {StoreService.PICKUP: None, StoreService.TRY_ON: None,
                    StoreService.RETURNS: {"days": 30}},
    Trade.ELECTRONICS: {StoreService.PICKUP: None, StoreService.RETURNS: {"days": 15},
                        StoreService.INSTALLATION: {"fee": 0, "within_km": 20},
                        StoreService.ASSEMBLY: {"fee": 100000}},
    Trade.CAFE: {StoreService.ORDER_AHEAD: {"ready_in_minutes": 10}, StoreService.PICKUP: None},
    Trade.BEAUTY: {StoreService.PICKUP: None, StoreService.TRY_ON: None,
                   StoreService.RETURNS: {"days": 7, "unopened_only": True}},
    Trade.GROCERY: {StoreService.PICKUP: None},
    Trade.OTHER: {StoreService.PICKUP: None},
}


class City(NamedTuple):
    """A city centre around which generated stores are spread."""

    name: str
    lat: float
    lon: float
    #: Fixed-line area code: 024 3xxx xxxx in Hà Nội, 0236 3xx xxxx in Đà Nẵng.
    area_code: str
    #: Share of generated stores, and how far they spread (standard deviation, km).
    weight: int
    spread_km: float
    districts: tuple[str, ...]


CITY_CENTRES = (
    City(SAIGON, 10.7769, 106.7009, "28", 30, 7.0,
         ("Quận 1", "Quận 3", "Quận 5", "Quận 7", "Quận 10", "Phú Nhuận", "Bình Thạnh",
          "Tân Bình", "Gò Vấp", "TP. Thủ Đức", "Bình Tân", "Tân Phú")),
    City(HANOI, 21.0285, 105.8542, "24", 25, 6.0,
         ("Hoàn Kiếm", "Ba Đình", "Đống Đa", "Hai Bà Trưng", "Cầu Giấy", "Thanh Xuân", "Tây Hồ",
          "Long Biên", "Hoàng Mai", "Hà Đông", "Nam Từ Liêm", "Bắc Từ Liêm")),
    City(DANANG, 16.0544, 108.2022, "236", 6, 3.0,
         ("Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu", "Cẩm Lệ")),
    City("Hải Phòng", 20.8449, 106.6881, "225", 6, 3.0,
         ("Hồng Bàng", "Lê Chân", "Ngô Quyền", "Hải An", "Kiến An")),
    City("Cần Thơ", 10.0340, 105.7880, "292", 5, 3.0, ("Ninh Kiều", "Bình Thủy", "Cái Răng")),
    City("Biên Hòa", 10.9574, 106.8427, "251", 4, 3.0,
         ("Trảng Dài", "Tân Hiệp", "Quyết Thắng", "Long Bình")),
    City("Thủ Dầu Một", 10.9804, 106.6519, "274", 4, 2.5,
         ("Phú Cường", "Hiệp Thành", "Phú Hòa", "Chánh Nghĩa")),
    City("Nha Trang", 12.2388, 109.1967, "258", 3, 2.0,
         ("Lộc Thọ", "Vĩnh Hải", "Phước Long", "Vạn Thạnh")),
    City("Huế", 16.4637, 107.5909, "234", 3, 2.0, ("Phú Hội", "Vĩnh Ninh", "Thuận Hòa", "An Cựu")),
    City("Vinh", 18.6796, 105.6813, "238", 3, 2.0,
         ("Hưng Dũng", "Lê Mao", "Quang Trung", "Bến Thủy")),
    City("Vũng Tàu", 10.3460, 107.0843, "254", 2, 2.0, ("Thắng Tam", "Thắng Nhì", "Rạch Dừa")),
    City("Quy Nhơn", 13.7765, 109.2237, "256", 2, 2.0, ("Lê Lợi", "Trần Phú", "Ghềnh Ráng")),
    City("Buôn Ma Thuột", 12.6667, 108.0500, "262", 2, 2.0, ("Tân Lợi", "Thắng Lợi", "Tân An")),
    City("Đà Lạt", 11.9404, 108.4583, "263", 2, 2.0, ("Phường 1", "Phường 2", "Phường 10")),
    City("Hạ Long", 20.9517, 107.0800, "203", 2, 2.5, ("Bãi Cháy", "Hồng Gai", "Hồng Hải")),
    City("Thái Nguyên", 21.5942, 105.8482, "208", 2, 2.0,
         ("Hoàng Văn Thụ", "Phan Đình Phùng", "Tân Thịnh")),
    City("Nam Định", 20.4200, 106.1683, "228", 2, 2.0, ("Vị Xuyên", "Trần Hưng Đạo", "Lộc Hạ")),
    City("Long Xuyên", 10.3860, 105.4350, "296", 2, 2.0, ("Mỹ Bình", "Mỹ Long", "Mỹ Xuyên")),
)
CITY_BY_NAME = {city.name: city for city in CITY_CENTRES}

#: Street names found in nearly every Vietnamese city.
STREETS = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt",
    "Trần Phú", "Nguyễn Trãi", "Hùng Vương", "Lê Duẩn", "Phan Chu Trinh", "Điện Biên Phủ",
    "Bà Triệu", "Lê Hồng Phong", "Ngô Quyền", "Nguyễn Du", "Trần Quang Khải", "Võ Thị Sáu",
    "Hoàng Diệu", "Nguyễn Văn Cừ", "Phan Đình Phùng", "Lê Thánh Tông", "Nguyễn Thái Học",
)
