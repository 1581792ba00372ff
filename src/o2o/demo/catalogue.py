"""The realistic demo catalogue, written by hand, and how a product unfolds into variants."""

import itertools
from collections.abc import Mapping
from typing import NamedTuple

from o2o.catalog.models import Channel

BOTH, ONLINE, STORE = Channel.BOTH, Channel.ONLINE, Channel.STORE
SIZES = ("S", "M", "L", "XL")
DRINK: Mapping[str, tuple[str, ...]] = {"Size": ("M", "L")}
DRINK_L = {"L": 10000}


class ProductSeed(NamedTuple):
    name: str
    price: int
    image: str  # an illustration in web/static/demo/
    options: Mapping[str, tuple[str, ...]] | None = None
    brand: str | None = None
    description: str = ""
    #: The "was" price of a product on sale (for its cheapest variant).
    was: int | None = None
    channels: Channel = BOTH
    #: Price added by an option value, e.g. {"256GB": 3000000}.
    extra: Mapping[str, int] | None = None


class VariantSeed(NamedTuple):
    options: dict[str, str]
    price: int
    compare_at_price: int | None


def variants_of(product: ProductSeed) -> list[VariantSeed]:
    """Every combination of the product's option values, priced."""
    options = product.options or {}
    extra = product.extra or {}
    names = list(options)
    variants = []
    for values in itertools.product(*(options[name] for name in names)):
        price = product.price + sum(extra.get(value, 0) for value in values)
        was = product.was + price - product.price if product.was else None
        variants.append(VariantSeed(dict(zip(names, values, strict=True)), price, was))
    return variants


P = ProductSeed

FASHION = {
    "Áo thun": (
        P("Áo thun cotton cổ tròn", 199000, "tshirt",
          {"Màu": ("Trắng", "Đen", "Xanh navy", "Be"), "Size": SIZES},
          description="Cotton 100% dày dặn, thấm hút mồ hôi, form suông dễ mặc."),
        P("Áo polo pique", 299000, "tshirt", {"Màu": ("Trắng", "Xanh rêu", "Đen"), "Size": SIZES},
          was=359000, description="Vải cá sấu co giãn, cổ bẻ đứng form, hợp đi làm lẫn đi chơi."),
        P("Áo thun in hoạ tiết Phố Cổ", 249000, "tshirt", {"Màu": ("Trắng", "Kem"), "Size": SIZES},
          channels=ONLINE, description="Bản in tranh Hàng Trống, chỉ bán trên ứng dụng."),
    ),
    "Áo sơ mi": (
        P("Áo sơ mi Oxford dài tay", 399000, "shirt",
          {"Màu": ("Trắng", "Xanh nhạt"), "Size": SIZES},
          description="Vải Oxford dệt chéo, ít nhăn, đứng dáng cả ngày."),
        P("Áo sơ mi linen cộc tay", 449000, "shirt",
          {"Màu": ("Be", "Trắng", "Xanh olive"), "Size": SIZES}, was=549000,
          description="Linen pha cotton mát nhẹ cho mùa hè Sài Gòn."),
        P("Áo sơ mi lụa nữ", 529000, "shirt",
          {"Màu": ("Trắng ngà", "Hồng phấn"), "Size": SIZES[:3]},
          description="Lụa mềm rủ, cổ đức thanh lịch."),
    ),
    "Quần": (
        P("Quần jean slim fit", 499000, "jeans",
          {"Màu": ("Xanh đậm", "Xanh nhạt", "Đen"), "Size": ("28", "29", "30", "31", "32")},
          description="Denim co giãn 4 chiều, ống côn vừa phải."),
        P("Quần kaki ống đứng", 399000, "jeans",
          {"Màu": ("Be", "Xám", "Đen"), "Size": ("29", "30", "31", "32")},
          description="Kaki cotton, cạp chun nhẹ phía sau, mặc công sở thoải mái."),
        P("Quần culottes nữ", 359000, "jeans", {"Màu": ("Đen", "Kem"), "Size": SIZES[:3]},
          description="Ống rộng, cạp cao, tôn dáng."),
    ),
    "Váy & đầm": (
        P("Váy liền hoa nhí", 459000, "dress", {"Màu": ("Xanh", "Vàng"), "Size": SIZES[:3]},
          was=599000, description="Voan hoa nhí hai lớp, tay bồng nhẹ."),
        P("Đầm suông linen", 529000, "dress", {"Màu": ("Be", "Trắng", "Đen"), "Size": SIZES[:3]},
          description="Dáng suông thoáng mát, có túi hai bên."),
        P("Chân váy chữ A", 329000, "dress", {"Màu": ("Đen", "Nâu", "Kem"), "Size": SIZES[:3]},
          description="Dạ mỏng đứng phom, dài qua gối."),
    ),
    "Áo dài": (
        P("Áo dài lụa truyền thống", 1290000, "ao-dai",
          {"Màu": ("Đỏ", "Trắng", "Xanh ngọc"), "Size": SIZES[:3]}, channels=STORE,
          description="Lụa tơ tằm, may đo lại miễn phí: mời chị ghé cửa hàng thử."),
        P("Áo dài cách tân hoa sen", 890000, "ao-dai", {"Màu": ("Hồng", "Vàng"), "Size": SIZES[:3]},
          description="Tà ngắn, thêu tay hoa sen, mặc Tết hay đi chùa đều đẹp."),
    ),
    "Áo khoác": (
        P("Áo khoác gió chống nắng", 399000, "jacket",
          {"Màu": ("Trắng", "Xanh mint", "Hồng"), "Size": SIZES[:3]}, was=459000,
          description="Chống tia UV, có mũ, gấp gọn trong cốp xe máy."),
        P("Áo khoác jean", 599000, "jacket", {"Màu": ("Xanh",), "Size": SIZES},
          description="Denim wash cổ điển, mặc quanh năm."),
    ),
}

STORAGE = {"256GB": 3000000, "512GB": 9000000, "1TB": 15000000}
SCREEN = {"55 inch": 4000000, "65 inch": 9000000}

ELECTRONICS = {
    "Điện thoại": (
        P("iPhone 16", 22990000, "phone",
          {"Dung lượng": ("128GB", "256GB", "512GB"), "Màu": ("Đen", "Trắng", "Xanh lưu ly")},
          brand="Apple", extra=STORAGE, description="Chip A18, camera 48MP, nút Camera Control."),
        P("iPhone 16 Pro Max", 34990000, "phone",
          {"Dung lượng": ("256GB", "512GB", "1TB"),
           "Màu": ("Titan đen", "Titan trắng", "Titan tự nhiên", "Titan sa mạc")},
          brand="Apple", extra={"512GB": 6000000, "1TB": 12000000},
          description="Màn hình 6,9 inch, khung titan, zoom quang 5x."),
        P("Samsung Galaxy S25 Ultra", 33990000, "phone",
          {"Dung lượng": ("256GB", "512GB"), "Màu": ("Xám titan", "Đen titan", "Bạc titan")},
          brand="Samsung", extra={"512GB": 4000000}, was=36990000,
          description="Bút S Pen, camera 200MP, Galaxy AI tiếng Việt."),
        P("Samsung Galaxy A56 5G", 9490000, "phone",
          {"Dung lượng": ("128GB", "256GB"), "Màu": ("Đen", "Xám", "Hồng")},
          brand="Samsung", extra={"256GB": 1000000}, description="Pin 5000 mAh, sạc nhanh 45W."),
        P("Xiaomi Redmi Note 14", 4990000, "phone",
          {"Dung lượng": ("128GB", "256GB"), "Màu": ("Đen", "Xanh")}, brand="Xiaomi",
          extra={"256GB": 700000}, description="Màn AMOLED 120Hz, camera 108MP."),
        P("OPPO Reno13 F", 8990000, "phone", {"Màu": ("Tím", "Xám")}, brand="OPPO",
          channels=ONLINE, description="Kháng nước IP69, bản online độc quyền."),
    ),
    "Tai nghe": (
        P("Tai nghe chống ồn Sony WH-1000XM5", 7490000, "headphones", {"Màu": ("Đen", "Bạc")},
          brand="Sony", was=8490000, description="Chống ồn hàng đầu, pin 30 giờ."),
        P("AirPods Pro 2", 5990000, "headphones", brand="Apple",
          description="Chống ồn chủ động, hộp sạc USB-C."),
        P("Tai nghe Bluetooth JBL Tune 520BT", 1190000, "headphones",
          {"Màu": ("Đen", "Trắng", "Xanh")}, brand="JBL", description="Pure Bass, pin 57 giờ."),
    ),
    "Tivi": (
        P("Smart Tivi Samsung 4K Crystal UHD", 9990000, "tv",
          {"Kích thước": ("43 inch", "55 inch", "65 inch")}, brand="Samsung", extra=SCREEN,
          description="Tizen OS, điều khiển giọng nói tiếng Việt."),
        P("Google Tivi Sony Bravia 4K", 15990000, "tv",
          {"Kích thước": ("50 inch", "55 inch", "65 inch")}, brand="Sony",
          extra={"55 inch": 2000000, "65 inch": 7000000}, description="Google TV, X1 4K HDR."),
        P("Smart Tivi LG OLED evo", 32990000, "tv", {"Kích thước": ("55 inch", "65 inch")},
          brand="LG", extra={"65 inch": 13000000}, channels=STORE,
          description="Tấm nền OLED tự phát sáng: xem tận mắt tại cửa hàng."),
    ),
    "Tủ lạnh": (
        P("Tủ lạnh Panasonic Inverter 322 lít", 12490000, "fridge", {"Màu": ("Đen", "Bạc")},
          brand="Panasonic", was=14990000, description="Ngăn đông mềm, kháng khuẩn Ag Clean."),
        P("Tủ lạnh Samsung Inverter 236 lít", 6290000, "fridge", brand="Samsung",
          description="Ngăn đá trên, tiết kiệm điện Digital Inverter."),
        P("Tủ lạnh LG Inverter Side by Side 635 lít", 24990000, "fridge", brand="LG",
          channels=STORE, description="Lấy nước ngoài, miễn phí lắp đặt nội thành."),
    ),
    "Máy lọc không khí": (
        P("Máy lọc không khí Xiaomi Smart Air Purifier 4", 3290000, "air-purifier",
          brand="Xiaomi", description="Lọc HEPA, phòng đến 48 m², điều khiển qua app."),
        P("Máy lọc không khí Sharp FP-J40E", 3990000, "air-purifier", brand="Sharp",
          description="Ion Plasmacluster, bắt bụi mịn PM2.5."),
        P("Máy lọc không khí Daikin MC55UVM6", 6490000, "air-purifier", brand="Daikin",
          was=7290000, description="Công nghệ Streamer, phòng đến 41 m²."),
    ),
    "Nồi cơm điện": (
        P("Nồi cơm điện tử Cuckoo 1.8 lít", 2490000, "rice-cooker", {"Màu": ("Đỏ", "Trắng")},
          brand="Cuckoo", description="Lòng nồi phủ men, nấu cháo, hấp, hầm."),
        P("Nồi cơm điện Toshiba", 1290000, "rice-cooker", {"Dung tích": ("1 lít", "1.8 lít")},
          brand="Toshiba", extra={"1.8 lít": 300000}, description="Nắp gài, giữ ấm 12 giờ."),
        P("Nồi cơm cao tần Panasonic 1.5 lít", 5490000, "rice-cooker", brand="Panasonic",
          description="Nấu cao tần IH, cơm dẻo đều."),
    ),
    "Điều hòa": (
        P("Điều hòa Daikin Inverter", 11490000, "air-conditioner",
          {"Công suất": ("1 HP", "1.5 HP", "2 HP")}, brand="Daikin",
          extra={"1.5 HP": 3000000, "2 HP": 8000000},
          description="Một chiều, gas R32, lắp đặt trong ngày."),
        P("Điều hòa Panasonic Inverter", 10990000, "air-conditioner",
          {"Công suất": ("1 HP", "1.5 HP")}, brand="Panasonic", extra={"1.5 HP": 2500000},
          was=12490000, description="Nanoe-G lọc không khí, tiết kiệm điện."),
    ),
}

CAFE = {
    "Cà phê": (
        P("Cà phê đen đá", 29000, "coffee", DRINK, extra=DRINK_L,
          description="Robusta Buôn Ma Thuột pha phin, đậm và thơm."),
        P("Cà phê sữa đá", 35000, "coffee", DRINK, extra=DRINK_L,
          description="Phin truyền thống với sữa đặc Ông Thọ."),
        P("Bạc xỉu", 39000, "coffee", DRINK, extra=DRINK_L,
          description="Nhiều sữa, ít cà phê, kiểu Sài Gòn."),
        P("Cà phê muối", 45000, "coffee", DRINK, extra=DRINK_L,
          description="Lớp kem muối béo mặn theo kiểu Huế."),
        P("Cà phê trứng", 49000, "coffee", {"Kiểu": ("Nóng", "Đá")},
          description="Công thức Hà Nội từ 1946: lòng đỏ đánh bông với cà phê."),
        P("Cold brew truyền thống", 49000, "coffee", DRINK, extra=DRINK_L,
          description="Ủ lạnh 18 giờ, vị ngọt hậu."),
    ),
    "Trà": (
        P("Trà đào cam sả", 49000, "tea", DRINK, extra=DRINK_L,
          description="Đào miếng, cam vàng và sả tươi."),
        P("Trà vải hoa hồng", 49000, "tea", DRINK, extra=DRINK_L,
          description="Vải thiều Lục Ngạn, thoang thoảng hương hồng."),
        P("Trà sen vàng", 55000, "tea", DRINK, extra=DRINK_L,
          description="Trà ô long, hạt sen và kem sữa."),
        P("Trà ô long sữa", 45000, "tea", DRINK, extra=DRINK_L, was=52000,
          description="Ô long rang, sữa tươi, trân châu trắng."),
        P("Matcha latte", 55000, "tea", DRINK, extra=DRINK_L,
          description="Matcha Uji pha sữa tươi, nóng hoặc đá."),
    ),
    "Đá xay & sinh tố": (
        P("Cà phê cốt dừa đá xay", 55000, "coffee", DRINK, extra=DRINK_L,
          description="Cốt dừa xay mịn với cà phê phin."),
        P("Sinh tố bơ", 55000, "tea", DRINK, extra=DRINK_L,
          description="Bơ sáp Đắk Lắk, thêm sữa đặc."),
        P("Sữa chua đá xay việt quất", 55000, "tea", DRINK, extra=DRINK_L,
          description="Sữa chua nhà làm, mứt việt quất."),
    ),
    "Bánh": (
        P("Bánh mì que pate", 25000, "cake", channels=STORE,
          description="Nướng giòn tại quầy, ăn nóng mới ngon."),
        P("Bánh croissant bơ", 35000, "cake", description="Bơ Pháp, nướng mỗi sáng."),
        P("Bánh tiramisu", 45000, "cake", description="Cốt cà phê Phố Cổ, mascarpone."),
        P("Bánh bông lan trứng muối", 39000, "cake", was=45000,
          description="Trứng muối, chà bông, sốt bơ."),
    ),
    "Cà phê hạt": (
        P("Cà phê Robusta Buôn Ma Thuột", 120000, "coffee-beans",
          {"Khối lượng": ("250g", "500g"), "Dạng": ("Hạt", "Xay phin")},
          extra={"500g": 100000}, channels=ONLINE,
          description="Rang mộc, không tẩm, giao trong ngày rang."),
        P("Cà phê Arabica Cầu Đất", 180000, "coffee-beans",
          {"Khối lượng": ("250g", "500g"), "Dạng": ("Hạt", "Xay phin")},
          extra={"500g": 150000}, channels=ONLINE, description="Chua thanh, hương trái cây."),
        P("Cà phê Culi đặc biệt", 150000, "coffee-beans", {"Khối lượng": ("250g", "500g")},
          extra={"500g": 120000}, channels=ONLINE, description="Hạt tròn, đậm, nhiều cafein."),
        P("Bộ quà tặng phin nhôm và cà phê", 250000, "coffee-beans", was=290000,
          channels=ONLINE, description="Phin nhôm, 250g Robusta và thiệp chúc."),
    ),
}

BEAUTY = {
    "Chăm sóc da": (
        P("Sữa rửa mặt bí đao", 145000, "cream", {"Dung tích": ("140ml", "310ml")},
          brand="Cocoon", extra={"310ml": 100000}, description="Cho da dầu mụn, thuần chay."),
        P("Nước tẩy trang hoa hồng", 175000, "bottle", {"Dung tích": ("140ml", "310ml")},
          brand="Cocoon", extra={"310ml": 120000}, description="Làm sạch dịu nhẹ, cấp ẩm."),
        P("Serum sáng da vitamin C 15%", 320000, "serum", {"Dung tích": ("30ml", "50ml")},
          brand="Mộc Lan", extra={"50ml": 130000}, description="Làm đều màu da sau 4 tuần."),
        P("Kem chống nắng Anthelios SPF50+", 465000, "cream", brand="La Roche-Posay",
          was=520000, description="Kết cấu lỏng nhẹ, không nhờn rít."),
        P("Kem dưỡng ẩm rau má", 259000, "cream", brand="Mộc Lan",
          description="Làm dịu da kích ứng, cấp ẩm 48 giờ."),
        P("Toner diếp cá", 195000, "bottle", brand="Mộc Lan",
          description="Se khít lỗ chân lông, cân bằng pH."),
    ),
    "Trang điểm": (
        P("Son kem lì Velvet", 189000, "lipstick",
          {"Màu": ("01 Đỏ gạch", "02 Hồng đất", "03 Cam cháy", "04 Đỏ rượu", "05 Nude")},
          brand="Mộc Lan", description="Lì mịn, không khô môi, bền màu 8 giờ."),
        P("Son dưỡng có màu", 129000, "lipstick", {"Màu": ("Hồng đào", "Đỏ cherry", "Cam san hô")},
          brand="Mộc Lan", description="Sáp ong và dầu dừa Bến Tre."),
        P("Phấn nước cushion", 350000, "cream", {"Tông": ("21 Sáng", "23 Tự nhiên")},
          brand="Mộc Lan", was=420000, description="Che phủ vừa, lớp nền căng bóng."),
    ),
    "Tóc & cơ thể": (
        P("Dầu gội bưởi", 185000, "bottle", {"Dung tích": ("310ml", "500ml")}, brand="Cocoon",
          extra={"500ml": 60000}, description="Giảm gãy rụng, tinh dầu vỏ bưởi."),
        P("Sữa tắm cà phê Đắk Lắk", 165000, "bottle", brand="Mộc Lan", channels=ONLINE,
          description="Hạt cà phê xay mịn, đánh thức làn da."),
        P("Tẩy da chết cà phê Đắk Lắk", 125000, "cream", brand="Cocoon", channels=ONLINE,
          description="Dùng 2–3 lần mỗi tuần cho da mịn màng."),
    ),
}

#: Each demo merchant's own label, shown when a product names no brand.
HOUSE_BRANDS = {"hoasen": "Hoa Sen", "phoco": "Phố Cổ"}

CATALOGUES: dict[str, dict[str, tuple[ProductSeed, ...]]] = {
    "hoasen": FASHION, "saoviet": ELECTRONICS, "phoco": CAFE, "moclan": BEAUTY,
}
