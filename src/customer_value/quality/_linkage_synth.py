"""Synthetic customer tables with known duplicates and known traps, for linkage tests and benchmarks.

:func:`make_linkage_customers` draws realistic Chinese and English customers from a seeded generator
(surnames by their real frequency, so 王伟, 李娜 and 张伟 recur as they do in real data), injects
records of the *same* customer entered again under a new id, and adds the traps that must not be
merged. Every row carries its ground truth in ``entity_id`` (one per real person) and ``kind``.

Re-entries (:data:`KINDS_DUPLICATE`): ``dup_phone`` same phone, name re-typed in another case or
spacing; ``dup_email`` same e-mail, likewise; ``dup_fullwidth`` the name in full-width letters or
with ideographic spaces, one shared contact; ``dup_typo`` a Latin-script name with one slip of the
keyboard, same e-mail. Traps (:data:`KINDS_TRAP`): ``trap_namesake`` 3–6 different people with one
common name (王伟, John Smith …) and their own contacts; ``trap_switchboard`` 3–6 colleagues behind
one company landline and office address; ``trap_family`` 2–4 relatives (one surname) sharing a
mailbox, half of them also a home address.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pyarrow as pa

# Surname shares (per cent) of the most common Chinese surnames, roughly as in the national census.
_CN_SURNAMES = {
    "王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.1, "赵": 2.0,
    "吴": 1.9, "周": 1.9, "徐": 1.3, "孙": 1.2, "马": 1.1, "朱": 1.1, "胡": 1.0, "郭": 0.97,
    "何": 0.94, "高": 0.85, "林": 0.84, "罗": 0.82, "郑": 0.74, "梁": 0.70, "谢": 0.6, "宋": 0.5,
    "唐": 0.5, "许": 0.5, "韩": 0.45, "冯": 0.44, "邓": 0.43, "曹": 0.42, "彭": 0.4, "曾": 0.4,
    "肖": 0.4, "田": 0.35, "董": 0.35, "袁": 0.33, "潘": 0.32, "于": 0.3, "蒋": 0.3, "蔡": 0.3,
    "余": 0.3, "杜": 0.3, "叶": 0.3, "程": 0.3, "苏": 0.28, "魏": 0.28, "吕": 0.27, "丁": 0.27,
    "任": 0.26, "沈": 0.26, "姚": 0.25, "卢": 0.25, "姜": 0.2, "崔": 0.2, "钟": 0.2, "谭": 0.2,
    "陆": 0.2, "汪": 0.2, "范": 0.2, "金": 0.2, "石": 0.2, "廖": 0.2, "贾": 0.2, "夏": 0.2,
    "韦": 0.2, "付": 0.2, "方": 0.2, "白": 0.2, "邹": 0.2, "孟": 0.2, "熊": 0.2, "秦": 0.2,
    "邱": 0.2, "江": 0.2, "尹": 0.2, "薛": 0.2, "闫": 0.2, "段": 0.2, "雷": 0.2, "侯": 0.2,
    "龙": 0.2, "史": 0.2, "陶": 0.2, "黎": 0.2, "贺": 0.2, "顾": 0.2, "毛": 0.2, "郝": 0.2,
    "龚": 0.2, "邵": 0.2, "万": 0.2, "钱": 0.2, "严": 0.2, "覃": 0.2, "武": 0.2, "戴": 0.2,
    "莫": 0.2, "孔": 0.2, "向": 0.2, "汤": 0.2, "欧阳": 0.05, "司马": 0.02, "诸葛": 0.01,
}  # fmt: skip
# Given names that many people share; the rest are drawn from character pairs (the long tail).
_CN_COMMON_GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 辉 鹏 华 飞 鑫 波 斌 宇 浩 凯 "
    "秀英 桂英 秀兰 玉兰 建华 建国 建军 志强 海燕 丽娟 晓东 子涵 梓涵 一诺 欣怡 浩然 宇轩 雨桐"
).split()
_CN_GIVEN_CHARS = (
    "文 春 晓 海 云 雪 梅 兰 玉 金 国 成 永 家 德 福 荣 光 天 志 思 嘉 佳 俊 晨 雨 欣 怡 诗 "
    "子 梓 睿 泽 轩 博 瑞 昊 然 婷 琳 琪 璐 萱 彤 悦 颖 慧 倩 瑶 妍 蕾 薇 琦 岚 峰 磊 坤 航 "
    "宏 鸿 毅 杰 斌 安 康 乐 宁 静 清 秋 冬 夏 立 新 兴 旭 东 南 北 山 林 森 川 江 河"
).split()
_EN_FIRST = (
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
    "Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew "
    "Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy "
    "Stephanie Ronald Rebecca Edward Sharon Jason Laura Jeffrey Cynthia Ryan Kathleen Oliver "
    "Amelia Harry Isla Jack Ava Noah Mia Leo Grace Ethan Chloe Lucas Zoe Henry Ruby"
).split()
_EN_LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Evans Turner "
    "Phillips Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson "
    "Bailey Reed Kelly Howard Cox Ward Richardson Watson Brooks Wood Bennett Gray Hughes Price "
    "Sanders Patel Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Bell Coleman"
).split()
_CN_CITIES = (
    "北京 上海 广州 深圳 杭州 成都 武汉 南京 重庆 西安 苏州 天津 长沙 郑州 东莞 青岛 沈阳 宁波 "
    "昆明 合肥 佛山 福州 厦门 济南 大连 无锡 哈尔滨 长春 南昌 贵阳"
).split()
_CN_DISTRICTS = "朝阳区 海淀区 浦东新区 天河区 南山区 西湖区 武侯区 江汉区 鼓楼区 渝中区 雁塔区 高新区".split()
_CN_ROADS = "人民路 解放路 中山路 建设路 和平路 长江路 黄河路 南京路 光明路 友谊路 文化路 新华路".split()
_EN_CITIES = "London Manchester Birmingham Leeds Glasgow Bristol Sydney Melbourne Toronto Vancouver Singapore".split()
_EN_STREETS = (
    "High Station Church Park Victoria Green Manor Kings Queens Mill Oak Elm Maple Cedar Albert "
    "Windsor York Grange Chapel Springfield Highfield Main North South West School Bridge Mount"
).split()
_EN_STREET_KINDS = "Street Road Lane Avenue Close Drive Way Gardens".split()
_MOBILE_PREFIXES = [str(p) for p in (*range(130, 140), *range(150, 160), *range(180, 190), 166, 177, 198, 199)]
_CN_MAIL = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "gmail.com")
_EN_MAIL = ("gmail.com", "outlook.com", "yahoo.co.uk", "hotmail.com", "icloud.com")
_NAMESAKES = ("王伟", "李娜", "张伟", "王芳", "刘洋", "李静", "张敏", "王静", "John Smith", "Mary Johnson")

KINDS_DUPLICATE = ("dup_phone", "dup_email", "dup_fullwidth", "dup_typo")
KINDS_TRAP = ("trap_namesake", "trap_switchboard", "trap_family")

_SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("name", pa.string()),
        ("phone", pa.string()),
        ("email", pa.string()),
        ("region", pa.string()),
        ("address", pa.string()),
        ("signup_at", pa.timestamp("s")),
        ("entity_id", pa.int64()),
        ("kind", pa.string()),
    ]
)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: list[dict[str, object]] = []
        self.used: set[str] = set()
        self.next_entity = 0
        self._surnames = list(_CN_SURNAMES)
        self._surname_weights = list(_CN_SURNAMES.values())

    # -- values -----------------------------------------------------------------------------

    def unique(self, draw) -> str:
        while True:
            value = draw()
            if value not in self.used:
                self.used.add(value)
                return value

    def cn_given(self) -> str:
        rng = self.rng
        if rng.random() < 0.45:
            return rng.choice(_CN_COMMON_GIVEN)
        count = 1 if rng.random() < 0.3 else 2
        return "".join(rng.choice(_CN_GIVEN_CHARS) for _ in range(count))

    def cn_surname(self) -> str:
        return self.rng.choices(self._surnames, self._surname_weights)[0]

    def mobile(self, chinese: bool) -> str:
        rng = self.rng
        if chinese:
            return self.unique(lambda: "+86" + rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}")
        return self.unique(lambda: "+447" + f"{rng.randrange(10**9):09d}")

    def landline(self) -> str:
        return self.unique(lambda: "+8610" + f"{self.rng.randrange(10**8):08d}")

    def email(self, chinese: bool, hint: str = "") -> str:
        rng = self.rng
        if chinese:
            if rng.random() < 0.4:
                return self.unique(lambda: f"{rng.randrange(10**5, 10**10)}@qq.com")
            letters = "abcdefghijklmnopqrstuvwxyz"
            return self.unique(
                lambda: "".join(rng.choice(letters) for _ in range(rng.randint(4, 8)))
                + str(rng.randrange(1000))
                + "@"
                + rng.choice(_CN_MAIL)
            )
        base = hint.lower().replace(" ", rng.choice([".", "_", ""]))
        return self.unique(lambda: f"{base}{rng.randrange(10000)}@{rng.choice(_EN_MAIL)}")

    def place(self, chinese: bool) -> tuple[str, str]:
        rng = self.rng
        if chinese:  # most homes are a flat: building and room numbers
            city = rng.choice(_CN_CITIES)
            street = f"{city}市{rng.choice(_CN_DISTRICTS)}{rng.choice(_CN_ROADS)}{rng.randint(1, 999)}号"
            flat = f"{rng.randint(1, 30)}栋{rng.randint(1, 33)}{rng.randint(1, 4):02d}室" if rng.random() < 0.8 else ""
            return city, street + flat
        city = rng.choice(_EN_CITIES)
        flat = f"Flat {rng.randint(1, 60)}, " if rng.random() < 0.4 else ""
        return city, f"{flat}{rng.randint(1, 400)} {rng.choice(_EN_STREETS)} {rng.choice(_EN_STREET_KINDS)}, {city}"

    def signup(self) -> datetime:
        return datetime(2019, 1, 1) + timedelta(seconds=self.rng.randrange(5 * 365 * 86400))

    # -- rows -------------------------------------------------------------------------------

    def add(self, kind: str, entity: int | None = None, **fields: object) -> dict[str, object]:
        if entity is None:
            entity = self.next_entity
            self.next_entity += 1
        customer_id = self.unique(lambda: f"C{self.rng.randrange(10**8):08d}")
        row = {"customer_id": customer_id, "entity_id": entity, "kind": kind, **fields}
        self.rows.append(row)
        return row

    def person(self, kind: str = "base", *, name: str | None = None, chinese: bool | None = None) -> dict:
        rng = self.rng
        if chinese is None:
            chinese = rng.random() < 0.7
        if name is None:
            name = self.cn_surname() + self.cn_given() if chinese else f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}"
        region, address = self.place(chinese)
        return self.add(
            kind,
            name=name,
            phone=self.mobile(chinese) if rng.random() < 0.9 else None,
            email=self.email(chinese, name) if rng.random() < 0.65 else None,
            region=region if rng.random() < 0.95 else None,
            address=address if rng.random() < 0.8 else None,
            signup_at=self.signup(),
        )

    def name_variant(self, name: str, fullwidth: bool) -> str:
        rng = self.rng
        if fullwidth:
            wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
            return wide.replace(" ", "\u3000") if " " in wide else "\u3000".join(wide) if rng.random() < 0.5 else wide
        if name.isascii():
            return rng.choice([name.upper(), name.lower(), "  " + name.replace(" ", "   ") + " ", name.title()])
        return rng.choice([" ".join(name), name + " ", " " + name, name[0] + " " + name[1:]])

    def typo(self, name: str) -> str:
        rng = self.rng
        first, _, last = name.partition(" ")
        word = last if len(last) > 3 and rng.random() < 0.5 else first
        i = rng.randrange(1, len(word) - 1)
        slipped = rng.choice(
            [word[:i] + word[i + 1] + word[i] + word[i + 2 :], word[:i] + word[i + 1 :], word[:i] + word[i] + word[i:]]
        )
        return name.replace(word, slipped, 1)

    def duplicate(self, base: dict, kind: str) -> dict:
        rng = self.rng
        chinese = not str(base["name"]).isascii()
        name = self.name_variant(str(base["name"]), fullwidth=kind == "dup_fullwidth")
        if kind == "dup_typo":  # one slip of the keyboard in a Latin-script name, same e-mail
            name = self.typo(str(base["name"]))
            phone, email = rng.choice([None, base["phone"]]), base["email"]
        elif kind == "dup_phone":
            phone, email = base["phone"], rng.choice([None, base["email"], self.email(chinese, str(base["name"]))])
        elif kind == "dup_email":
            phone, email = rng.choice([None, base["phone"]]), base["email"]
        else:  # full-width name with one shared contact
            use_phone = base["phone"] is not None and (base["email"] is None or rng.random() < 0.6)
            phone, email = (base["phone"], None) if use_phone else (None, base["email"])
        assert isinstance(base["signup_at"], datetime)
        return self.add(
            kind,
            entity=int(base["entity_id"]),  # type: ignore[arg-type]
            name=name,
            phone=phone,
            email=email,
            region=base["region"],
            address=base["address"] if rng.random() < 0.6 else None,
            signup_at=base["signup_at"] + timedelta(days=rng.randint(1, 400)),
        )


def make_linkage_customers(n: int = 3000, *, seed: int = 0, duplicate_rate: float = 0.08) -> pa.Table:
    """A customers table of about ``n`` rows with injected duplicates and traps.

    Parameters
    ----------
    n
        Approximate number of rows (base customers + duplicates + traps).
    seed
        Seed of the generator; the same seed gives the same table.
    duplicate_rate
        Share of base customers entered a second time (a few of them three times).

    Returns
    -------
    pyarrow.Table
        ``customer_id, name, phone, email, region, address, signup_at`` plus the ground truth:
        ``entity_id`` (one per real person) and ``kind`` (``base``, one of :data:`KINDS_DUPLICATE`
        or one of :data:`KINDS_TRAP`). Rows are shuffled.
    """
    gen = _Generator(seed)
    rng = gen.rng
    n_traps = max(30, n // 25)
    n_base = max(1, int((n - n_traps) / (1 + duplicate_rate * 1.1)))
    bases = [gen.person() for _ in range(n_base)]

    for base in rng.sample(bases, int(n_base * duplicate_rate)):
        choices = [k for k, ok in (("dup_phone", base["phone"]), ("dup_email", base["email"])) if ok]
        if base["phone"] or base["email"]:
            choices.append("dup_fullwidth")
        if base["email"] and str(base["name"]).isascii():
            choices.append("dup_typo")
        if not choices:
            continue
        for _ in range(2 if rng.random() < 0.1 else 1):
            gen.duplicate(base, rng.choice(choices))

    made = 0
    while made < n_traps:
        trap = rng.choice(KINDS_TRAP)
        if trap == "trap_namesake":  # different people who share a common name
            name = rng.choice(_NAMESAKES)
            for _ in range(rng.randint(3, 6)):
                gen.person(trap, name=name, chinese=not name.isascii())
                made += 1
        elif trap == "trap_switchboard":  # colleagues behind one company phone number
            phone, region_address = gen.landline(), gen.place(True)
            for _ in range(rng.randint(3, 6)):
                row = gen.person(trap, chinese=True)
                row.update(phone=phone, region=region_address[0], address=region_address[1])
                made += 1
        else:  # a family sharing one e-mail address (and a surname, and often a home)
            chinese = rng.random() < 0.7
            surname = gen.cn_surname() if chinese else rng.choice(_EN_LAST)
            email, home = gen.email(chinese, surname), gen.place(chinese)
            seen: set[str] = set()
            for _ in range(rng.randint(2, 4)):
                name = surname + gen.cn_given() if chinese else f"{rng.choice(_EN_FIRST)} {surname}"
                if name in seen:
                    continue
                seen.add(name)
                row = gen.person(trap, name=name, chinese=chinese)
                row["email"] = email
                if rng.random() < 0.5:
                    row.update(region=home[0], address=home[1])
                made += 1

    rows = gen.rows
    rng.shuffle(rows)
    return pa.Table.from_pylist(rows, schema=_SCHEMA)
