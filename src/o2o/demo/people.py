"""Vietnamese full names, drawn the way they occur: Nguyễn for two in five people."""

import itertools
import random

from o2o.fields import fold

#: Family names with their rough share of the population (percent).
FAMILY_NAMES = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9, "Phạm": 7, "Hoàng": 4, "Huỳnh": 3, "Phan": 4, "Vũ": 3,
    "Võ": 3, "Đặng": 2, "Bùi": 2, "Đỗ": 2, "Hồ": 1, "Ngô": 1, "Dương": 1, "Lý": 1, "Đinh": 1,
    "Trịnh": 1, "Mai": 1, "Đào": 1, "Cao": 1, "Lương": 1, "Tạ": 1,
}
MIDDLE = {
    "f": ("Thị", "Ngọc", "Thu", "Thanh", "Phương", "Kim", "Minh", "Bảo", "Thùy", "Hoài", "Khánh"),
    "m": ("Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Quốc", "Gia", "Công", "Hoàng", "Anh"),
}
GIVEN = {
    "f": ("Lan", "Hoa", "Hương", "Mai", "Linh", "Trang", "Ngọc", "Anh", "Thảo", "Hằng", "Nhung",
          "Phương", "Hà", "Vy", "Yến", "Trinh", "Chi", "Nhi", "Quỳnh", "Dung", "Hạnh", "Tâm",
          "My", "Thư", "Uyên", "Giang", "Loan", "Oanh", "Vân", "Châu"),
    "m": ("Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Long", "Huy", "Quân", "Khoa", "Phúc", "Đạt",
          "Thắng", "Sơn", "Trung", "Hiếu", "Bảo", "Khang", "Tài", "Thịnh", "Vinh", "Tùng",
          "Cường", "Hải", "Lâm", "Phong", "Duy", "An", "Kiên", "Nghĩa", "Tú"),
}
_FAMILIES = list(FAMILY_NAMES)
_CUMULATIVE = list(itertools.accumulate(FAMILY_NAMES.values()))
_ASCII = {name: fold(name) for name in (*FAMILY_NAMES, *GIVEN["f"], *GIVEN["m"])}


def full_name(rng: random.Random) -> tuple[str, str]:
    """A full name ("Nguyễn Thị Lan") and an email-safe handle ("lan.nguyen")."""
    sex = "f" if rng.random() < 0.52 else "m"
    family = rng.choices(_FAMILIES, cum_weights=_CUMULATIVE)[0]
    given = rng.choice(GIVEN[sex])
    name = f"{family} {rng.choice(MIDDLE[sex])} {given}"
    return name, f"{_ASCII[given]}.{_ASCII[family]}"
