"""Seeded builders of small exports in the exact layouts real platforms write.

Each builder writes a file and returns the rows it wrote as plain dicts (the values as they
appear in the file), so a test can work out the expected figures with simple Python, independently
of the product. Layouts follow the platforms' public documentation and real exports: header text,
column order, encodings, date and money formats, status words and line-item structure.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

# -- Shopify: Admin > Orders > Export, "Plain CSV file" -----------------------------------------
# One row per line item; only the first row of an order carries the order fields (status, totals,
# addresses); the following rows repeat Name, Email, Created at and the line-item fields.

SHOPIFY_HEADER = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes",
    "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor",
    "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags", "Risk Level", "Source",
    "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name", "Tax 2 Value", "Tax 3 Name",
    "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name", "Tax 5 Value", "Phone",
    "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name", "Payment ID",
    "Payment Terms Name", "Next Payment Due At", "Payment References",
]
_PRODUCTS = [("Classic Tee - M", "TEE-M", 25.00), ("Hoodie - L", "HOOD-L", 59.00),
             ("Canvas Tote", "TOTE", 18.50), ("Wool Beanie", "BEAN", 22.00), ("Sticker Pack", "STK", 4.99)]
_FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
          "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica"]
_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson"]


def _write_dicts(path: Path, header: list[str], rows: list[dict], *, encoding: str, lineterminator: str) -> None:
    """``rows`` as a CSV file under ``header``, quoted only where needed (as csv.DictWriter does)."""
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator=lineterminator)
        writer.writeheader()
        writer.writerows(rows)


def _shopify_time(t: dt.datetime, offset: str) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S ") + offset


def shopify_orders(path: Path, *, n_customers: int = 25, n_orders: int = 70, seed: int = 1,
                   start: dt.datetime = dt.datetime(2024, 1, 2, 9, 0), offset: str = "-0500",
                   statuses: tuple[str, ...] = ("paid",) * 7 + ("refunded", "partially_refunded", "voided"),
                   first_number: int = 1001) -> list[dict]:
    """A Shopify orders export (UTF-8, comma, CRLF); returns every row as written."""
    rng = random.Random(seed)
    customers = []
    for c in range(n_customers):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        customers.append((f"{first} {last}", f"{first.lower()}.{last.lower()}{c}@example.com",
                          f"+1 555-01{c:02d}-{rng.randint(1000, 9999)}"))
    rows: list[dict] = []
    t = start
    for k in range(n_orders):
        t += dt.timedelta(hours=rng.randint(3, 120), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        name, email, phone = rng.choice(customers)
        status = rng.choice(statuses)
        lines = [rng.choice(_PRODUCTS) for _ in range(rng.choice((1, 1, 2, 3)))]
        qty = [rng.choice((1, 1, 2)) for _ in lines]
        subtotal = round(sum(p * q for (_, _, p), q in zip(lines, qty)), 2)
        shipping = 0.0 if subtotal >= 50 else 5.00
        taxes = round(subtotal * 0.08, 2)
        total = round(subtotal + shipping + taxes, 2)
        refunded = {"refunded": total, "partially_refunded": round(lines[0][2] * 1.08, 2)}.get(status, 0.0)
        created = _shopify_time(t, offset)
        cancelled = _shopify_time(t + dt.timedelta(hours=2), offset) if status == "voided" else ""
        paid = "" if status in ("voided", "pending") else _shopify_time(t + dt.timedelta(seconds=2), offset)
        for i, ((title, sku, price), q) in enumerate(zip(lines, qty)):
            row = dict.fromkeys(SHOPIFY_HEADER, "")
            row.update({
                "Name": f"#{first_number + k}", "Email": email, "Created at": created,
                "Lineitem quantity": str(q), "Lineitem name": title, "Lineitem price": f"{price:.2f}",
                "Lineitem sku": sku, "Lineitem requires shipping": "true", "Lineitem taxable": "true",
                "Lineitem fulfillment status": "pending" if status in ("voided", "pending") else "fulfilled",
                "Vendor": "Acme Apparel", "Lineitem discount": "0.00",
            })
            if i == 0:
                row.update({
                    "Financial Status": status, "Paid at": paid,
                    "Fulfillment Status": "unfulfilled" if status in ("voided", "pending") else "fulfilled",
                    "Fulfilled at": "" if status in ("voided", "pending") else _shopify_time(t + dt.timedelta(days=1), offset),
                    "Accepts Marketing": rng.choice(("yes", "no")), "Currency": "USD",
                    "Subtotal": f"{subtotal:.2f}", "Shipping": f"{shipping:.2f}", "Taxes": f"{taxes:.2f}",
                    "Total": f"{total:.2f}", "Discount Amount": "0.00", "Shipping Method": "Standard",
                    "Billing Name": name, "Billing Street": "12 Main St", "Billing Address1": "12 Main St",
                    "Billing City": "Springfield", "Billing Zip": "'01101", "Billing Province": "MA",
                    "Billing Country": "US", "Billing Phone": phone, "Shipping Name": name,
                    "Shipping Street": "12 Main St", "Shipping Address1": "12 Main St",
                    "Shipping City": "Springfield", "Shipping Zip": "'01101", "Shipping Province": "MA",
                    "Shipping Country": "US", "Shipping Phone": phone, "Cancelled at": cancelled,
                    "Payment Method": "Shopify Payments", "Refunded Amount": f"{refunded:.2f}",
                    "Outstanding Balance": "0.00", "Id": str(5501234560000 + k), "Risk Level": "Low",
                    "Source": "web", "Tax 1 Name": "State Tax 8%", "Tax 1 Value": f"{taxes:.2f}",
                    "Billing Province Name": "Massachusetts", "Shipping Province Name": "Massachusetts",
                    "Payment ID": f"c{31000000 + k}.1",
                })
            rows.append(row)
    _write_dicts(path, SHOPIFY_HEADER, rows, encoding="utf-8", lineterminator="\r\n")
    return rows


# -- Taobao / Tmall seller centre: 已卖出的宝贝 > 批量导出 > 订单报表 (ExportOrderList*.csv) ------------
# GBK, one row per order, ids written as ="…" so Excel keeps every digit, phone numbers with a
# leading apostrophe, amounts with two decimals, times "YYYY-MM-DD HH:MM:SS".

TAOBAO_HEADER = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额",
    "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址",
    "运送方式", "联系电话", "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类", "物流单号",
    "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费",
    "发票抬头", "是否手机订单", "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票",
    "是否代付", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣",
    "是否是O2O交易", "新零售交易类型", "新零售导购门店id", "新零售导购门店名称", "新零售发货门店id",
    "新零售发货门店名称", "退款金额", "预约门店", "确认收货时间", "打款商家金额", "含应开票给个人的个人红包",
    "是否信用购", "主订单编号",
]
TAOBAO_PAID = ("交易成功", "卖家已发货，等待买家确认", "买家已付款，等待卖家发货")
_NICKS = ["爱吃鱼的猫", "tb8812345", "小王子007", "lucky星星", "江南烟雨", "qq糖果屋", "阿飞正传", "木木夕",
          "tb2233445566", "蓝色海洋", "快乐的小猪", "晴天娃娃", "追风少年", "一叶知秋", "橙子味"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟"]
_CITIES = [("浙江省", "杭州市", "西湖区"), ("广东省", "深圳市", "南山区"), ("上海", "上海市", "浦东新区"),
           ("北京", "北京市", "朝阳区"), ("江苏省", "南京市", "鼓楼区"), ("四川省", "成都市", "武侯区")]
_TAOBAO_ITEMS = [("纯棉短袖T恤男夏季宽松", 59.00), ("加厚保温杯316不锈钢", 89.00), ("手机壳适用iPhone15", 19.90),
                 ("无线蓝牙耳机降噪", 199.00), ("儿童绘本0-3岁", 45.50), ("家用收纳箱大号", 35.80)]


def _cn_mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "186", "177", "135")) + "".join(str(rng.randint(0, 9)) for _ in range(8))


def taobao_orders(path: Path, *, n_buyers: int = 15, n_orders: int = 60, seed: int = 2,
                  start: dt.datetime = dt.datetime(2024, 3, 1, 8, 0), first_id: int = 3_701_234_567_890_123_456,
                  statuses: tuple[str, ...] = ("交易成功",) * 6 + ("交易关闭", "等待买家付款",
                                                                 "卖家已发货，等待买家确认", "买家已付款，等待卖家发货"),
                  encoding: str = "gbk") -> list[dict]:
    """A Taobao 订单报表 export; returns every row as written (ids without the ="…" wrapper)."""
    rng = random.Random(seed)
    buyers = []
    for b in range(n_buyers):
        nick = _NICKS[b % len(_NICKS)] + (str(b) if b >= len(_NICKS) else "")
        city = rng.choice(_CITIES)
        buyers.append({
            "nick": nick, "alipay": f"{rng.randint(130, 189)}****{rng.randint(1000, 9999)}",
            "name": rng.choice(_SURNAMES) + rng.choice(_GIVEN), "mobile": _cn_mobile(rng),
            "address": f"{city[0]} {city[1]} {city[2]} 文三路{rng.randint(1, 999)}号 ({rng.randint(310000, 610000)})",
        })
    rows = []
    t = start
    for k in range(n_orders):
        t += dt.timedelta(hours=rng.randint(1, 60), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        buyer = rng.choice(buyers)
        status = rng.choice(statuses)
        title, price = rng.choice(_TAOBAO_ITEMS)
        qty = rng.choice((1, 1, 1, 2, 3))
        goods = round(price * qty, 2)
        post = 0.0 if goods >= 88 else 6.0
        total = round(goods + post, 2)
        paid = status in TAOBAO_PAID or (status == "交易关闭" and k % 2 == 0)
        paid_at = (t + dt.timedelta(minutes=rng.randint(1, 30))).strftime("%Y-%m-%d %H:%M:%S") if paid else ""
        closed_reason = {True: "退款", False: "买家未付款"}[paid] if status == "交易关闭" else ""
        row = dict.fromkeys(TAOBAO_HEADER, "")
        row.update({
            "订单编号": str(first_id + k * 7919), "买家会员名": buyer["nick"], "买家支付宝账号": buyer["alipay"],
            "买家应付货款": f"{goods:.2f}", "买家应付邮费": f"{post:.2f}", "买家支付积分": "0", "总金额": f"{total:.2f}",
            "返点积分": "0", "买家实际支付金额": f"{total:.2f}" if paid else "0.00", "买家实际支付积分": "0",
            "订单状态": status, "收货人姓名": buyer["name"], "收货地址": buyer["address"], "运送方式": "快递",
            "联系手机": buyer["mobile"], "订单创建时间": t.strftime("%Y-%m-%d %H:%M:%S"), "订单付款时间": paid_at,
            "宝贝标题": title, "宝贝种类": "1", "物流单号": f"No:SF{rng.randint(10**11, 10**12 - 1)}" if status in (
                "交易成功", "卖家已发货，等待买家确认") else "", "物流公司": "顺丰速运" if status in (
                "交易成功", "卖家已发货，等待买家确认") else "", "宝贝总数量": str(qty), "店铺Id": "123456789",
            "店铺名称": "小确幸家居旗舰店", "订单关闭原因": closed_reason or "订单未关闭", "卖家服务费": "0",
            "买家服务费": "0元", "是否手机订单": "手机订单", "退款金额": f"{total:.2f}" if closed_reason == "退款" else "0.00",
            "确认收货时间": (t + dt.timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S") if status == "交易成功" else "",
            "打款商家金额": f"{total:.2f}元" if status == "交易成功" else "0.00元", "含应开票给个人的个人红包": "0",
            "是否信用购": "否", "主订单编号": str(first_id + k * 7919),
        })
        rows.append(row)
    quoted_ids = ("订单编号", "物流单号", "主订单编号", "店铺Id")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TAOBAO_HEADER)
    for row in rows:
        out = []
        for h in TAOBAO_HEADER:
            v = row[h]
            if h in quoted_ids and v:
                v = f'="{v}"'
            elif h == "联系手机" and v:
                v = "'" + v
            out.append(v)
        writer.writerow(out)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return rows


# -- JD POP seller backend (京东商家后台): 订单管理 > 订单导出 ------------------------------------------
# GBK CSV, one row per SKU; the order fields (订单金额, 应付金额, 运费金额, status, buyer) are
# repeated on every SKU row of the order. Order and SKU ids carry a leading tab so Excel keeps them
# as text.

JD_HEADER = [
    "订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额", "余额支付",
    "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注", "发票类型",
    "发票抬头", "发票内容", "商家备注", "商家备注等级（等级1-5为由高到低）", "运费金额", "付款确认时间", "增值税发票",
    "货号", "订单完成时间", "订单来源", "订单渠道", "送装服务", "服务费", "仓库ID", "仓库名称",
]
JD_PAID = ("完成", "等待出库", "等待确认收货")
_JD_SKUS = [("100012345678", "小米 Redmi Note 12 5G 8GB+256GB", 1299.00), ("100023456789", "美的电饭煲 4L 智能预约", 299.00),
            ("100034567890", "得力 A4 复印纸 70g 5包", 129.90), ("100045678901", "农夫山泉 饮用天然水 550ml*24瓶", 29.90),
            ("100056789012", "罗技 M330 静音无线鼠标", 99.00)]


def jd_orders(path: Path, *, n_buyers: int = 12, n_orders: int = 45, seed: int = 3,
              start: dt.datetime = dt.datetime(2024, 4, 1, 10, 0), first_id: int = 285_401_234_567,
              statuses: tuple[str, ...] = ("完成",) * 6 + ("等待出库", "等待确认收货", "已取消")) -> list[dict]:
    """A JD order export; returns every row as written (ids without the leading tab)."""
    rng = random.Random(seed)
    buyers = [{"account": f"jd_{rng.getrandbits(40):010x}", "name": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
               "phone": _cn_mobile(rng), "address": "".join(rng.choice(_CITIES)) + f"科技园{rng.randint(1, 30)}栋"}
              for _ in range(n_buyers)]
    rows = []
    t = start
    for k in range(n_orders):
        t += dt.timedelta(hours=rng.randint(2, 72), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        buyer = rng.choice(buyers)
        status = rng.choice(statuses)
        skus = rng.sample(_JD_SKUS, rng.choice((1, 1, 2, 3)))
        qty = [rng.choice((1, 1, 2)) for _ in skus]
        goods = round(sum(p * q for (_, _, p), q in zip(skus, qty)), 2)
        freight = 0.0 if goods >= 99 else 6.0
        order_amount = round(goods + freight, 2)
        coupon = rng.choice((0.0, 0.0, 5.0, 20.0)) if goods > 50 else 0.0
        payable = round(order_amount - coupon, 2)
        paid = status in JD_PAID
        for (sku, title, price), q in zip(skus, qty):
            row = dict.fromkeys(JD_HEADER, "")
            row.update({
                "订单号": str(first_id + k * 131), "商品ID": sku, "商品名称": title, "订购数量": str(q),
                "支付方式": "在线支付", "下单时间": t.strftime("%Y-%m-%d %H:%M:%S"), "京东价": f"{price:.2f}",
                "订单金额": f"{order_amount:.2f}", "结算金额": f"{payable:.2f}", "余额支付": "0.00",
                "应付金额": f"{payable:.2f}", "订单状态": status, "订单类型": "销售订单", "下单帐号": buyer["account"],
                "客户姓名": buyer["name"], "客户地址": buyer["address"], "联系电话": buyer["phone"],
                "运费金额": f"{freight:.2f}",
                "付款确认时间": (t + dt.timedelta(seconds=40)).strftime("%Y-%m-%d %H:%M:%S") if paid else "",
                "订单完成时间": (t + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S") if status == "完成" else "",
                "订单来源": rng.choice(("移动端订单", "PC端订单", "微信订单")), "订单渠道": "暂无来源", "服务费": "0.00",
                "仓库ID": "1", "仓库名称": "北京亚一",
            })
            rows.append(row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(JD_HEADER)
    for row in rows:
        writer.writerow(["\t" + row[h] if h in ("订单号", "商品ID") else row[h] for h in JD_HEADER])
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return rows


# -- WooCommerce: Customer / Order / Coupon Export, "Default" order CSV format ------------------
# One row per order; column keys as the extension documents them; UTF-8; dates in the site's
# time zone "YYYY-MM-DD HH:MM:SS"; customer_id is the WordPress user id, 0 for guest checkouts;
# a refunded order keeps its order_total and shows the refund in refunded_total.

WOO_HEADER = [
    "order_id", "order_number", "order_number_formatted", "order_date", "status", "shipping_total",
    "shipping_tax_total", "fee_total", "fee_tax_total", "tax_total", "cart_discount", "order_discount",
    "discount_total", "order_total", "refunded_total", "order_currency", "payment_method", "shipping_method",
    "customer_id", "billing_first_name", "billing_last_name", "billing_full_name", "billing_company",
    "billing_email", "billing_phone", "billing_address_1", "billing_address_2", "billing_postcode",
    "billing_city", "billing_state", "billing_state_code", "billing_country", "shipping_first_name",
    "shipping_last_name", "shipping_full_name", "shipping_address_1", "shipping_address_2",
    "shipping_postcode", "shipping_city", "shipping_state", "shipping_state_code", "shipping_country",
    "shipping_company", "customer_note", "line_items", "shipping_items", "fee_items", "tax_items",
    "coupon_items", "order_notes", "download_permissions_granted",
]
_WOO_PRODUCTS = [(55, "Organic Coffee Beans 1kg", "COF-1KG", 24.90), (56, "Ceramic Pour-Over", "POUR", 32.00),
                 (57, "Paper Filters x100", "FILT", 6.50), (58, "Burr Grinder", "GRND", 89.00)]


def woocommerce_orders(path: Path, *, n_customers: int = 18, n_orders: int = 55, seed: int = 4,
                       start: dt.datetime = dt.datetime(2024, 2, 1, 9, 0), first_id: int = 1520,
                       statuses: tuple[str, ...] = ("completed",) * 6 + ("processing", "refunded", "cancelled", "failed"),
                       guest_share: float = 0.25) -> list[dict]:
    """A WooCommerce order export; returns every row as written."""
    rng = random.Random(seed)
    people = []
    for c in range(n_customers):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        guest = rng.random() < guest_share
        people.append({"user": "0" if guest else str(40 + c), "first": first, "last": last,
                       "email": f"{first[0].lower()}{last.lower()}{c}@mail.example.org",
                       "phone": f"020 7946 0{rng.randint(100, 999)}"})
    rows = []
    t = start
    for k in range(n_orders):
        t += dt.timedelta(hours=rng.randint(4, 80), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        p = rng.choice(people)
        status = rng.choice(statuses)
        items = rng.sample(_WOO_PRODUCTS, rng.choice((1, 1, 2)))
        qty = [rng.choice((1, 1, 2)) for _ in items]
        subtotal = round(sum(price * q for (_, _, _, price), q in zip(items, qty)), 2)
        shipping = 0.0 if subtotal >= 40 else 4.95
        tax = round((subtotal + shipping) * 0.2, 2)
        total = round(subtotal + shipping + tax, 2)
        partial = status == "completed" and rng.random() < 0.15
        refunded = total if status == "refunded" else (round(items[0][3] * 1.2, 2) if partial else 0.0)
        line_items = ";".join(
            f"id:{9000 + k * 3 + i}|name:{name}|product_id:{pid}|sku:{sku}|quantity:{q}|subtotal:{price * q:.2f}"
            f"|subtotal_tax:{price * q * 0.2:.2f}|total:{price * q:.2f}|total_tax:{price * q * 0.2:.2f}|refunded:0.00"
            f"|refunded_qty:0|meta:"
            for i, ((pid, name, sku, price), q) in enumerate(zip(items, qty)))
        row = dict.fromkeys(WOO_HEADER, "")
        row.update({
            "order_id": str(first_id + k), "order_number": str(first_id + k), "order_number_formatted": str(first_id + k),
            "order_date": t.strftime("%Y-%m-%d %H:%M:%S"), "status": status, "shipping_total": f"{shipping:.2f}",
            "shipping_tax_total": f"{shipping * 0.2:.2f}", "fee_total": "0.00", "fee_tax_total": "0.00",
            "tax_total": f"{tax:.2f}", "cart_discount": "0.00", "order_discount": "0.00", "discount_total": "0.00",
            "order_total": f"{total:.2f}", "refunded_total": f"{refunded:.2f}", "order_currency": "GBP",
            "payment_method": rng.choice(("stripe", "paypal", "bacs")),
            "shipping_method": "Flat rate" if shipping else "Free shipping", "customer_id": p["user"],
            "billing_first_name": p["first"], "billing_last_name": p["last"],
            "billing_full_name": f"{p['first']} {p['last']}", "billing_email": p["email"], "billing_phone": p["phone"],
            "billing_address_1": "221B Baker Street", "billing_postcode": "NW1 6XE", "billing_city": "London",
            "billing_country": "GB", "shipping_first_name": p["first"], "shipping_last_name": p["last"],
            "shipping_full_name": f"{p['first']} {p['last']}", "shipping_address_1": "221B Baker Street",
            "shipping_postcode": "NW1 6XE", "shipping_city": "London", "shipping_country": "GB",
            "line_items": line_items,
            "shipping_items": f"method:{'Flat rate' if shipping else 'Free shipping'}|total:{shipping:.2f}",
            "tax_items": f"code:GB-VAT-1|total:{tax:.2f}", "download_permissions_granted": "0",
        })
        rows.append(row)
    _write_dicts(path, WOO_HEADER, rows, encoding="utf-8", lineterminator="\n")
    return rows


# -- Salesforce: Reports > "Contacts & Accounts" > Export Details (CSV, Classic) ----------------
# Every field quoted; dates in the user's locale (en_US: M/D/YYYY); 18-character record ids; the
# export ends with a blank line and the report's footer lines (title, copyright, confidentiality,
# "Generated By", organisation).

SALESFORCE_CONTACT_HEADER = [
    "Contact ID", "First Name", "Last Name", "Account Name", "Title", "Email", "Phone", "Mobile",
    "Mailing City", "Mailing State/Province", "Mailing Country", "Lead Source", "Contact Owner", "Created Date",
]
SALESFORCE_OPPORTUNITY_HEADER = [
    "Opportunity ID", "Opportunity Name", "Account Name", "Contact ID", "Stage", "Amount", "Probability (%)",
    "Close Date", "Created Date", "Lead Source", "Opportunity Owner",
]
_COMPANIES = ["Acme Corp", "Globex", "Initech", "Umbrella Health", "Stark Industries", "Wayne Enterprises",
              "Hooli", "Vandelay Import", "Soylent Foods", "Tyrell Systems"]
_SF_OWNERS = ["Dana Scully", "Fox Mulder", "Walter Skinner"]
_AREA = ["415", "212", "617", "312", "206", "512"]
_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _sf_id(prefix: str, rng: random.Random) -> str:
    return prefix + "5g00000" + "".join(rng.choice(_ID_CHARS) for _ in range(5)) + "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345") for _ in range(3))


def _us_date(d: dt.date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def _sf_footer(title: str, generated: dt.datetime) -> list[list[str]]:
    return [[""], [title], [f"Copyright (c) 2000-{generated.year} salesforce.com, inc. All rights reserved."],
            ["Confidential Information - Do Not Distribute"],
            [f"Generated By:  Dana Scully  {_us_date(generated.date())} {generated.strftime('%I:%M %p').lstrip('0')}"],
            ["Acme Analytics Inc."]]


def _write_quoted(path: Path, header: list[str], rows: list[dict], footer: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[h] for h in header])
    for line in footer:
        writer.writerow(line)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def salesforce_contacts(path: Path, *, n: int = 40, seed: int = 5, duplicates: int = 3,
                        footer: bool = True) -> list[dict]:
    """A Salesforce contacts report export. The last ``duplicates`` contacts are the same people as
    earlier ones entered again (another record id, the name in another case, the same e-mail and
    phone). Returns the data rows as written."""
    rng = random.Random(seed)
    rows = []
    for k in range(n - duplicates):
        first, last = _FIRST[k % len(_FIRST)], _LAST[(k * 7) % len(_LAST)]
        company = rng.choice(_COMPANIES)
        rows.append({
            "Contact ID": _sf_id("003", rng), "First Name": first, "Last Name": last, "Account Name": company,
            "Title": rng.choice(("VP Sales", "Head of Ops", "CFO", "Buyer", "IT Manager")),
            "Email": f"{first.lower()}.{last.lower()}{k}@{company.split()[0].lower()}.example.com",
            "Phone": f"({rng.choice(_AREA)}) {rng.randint(201, 989)}-{rng.randint(1000, 9999)}",
            "Mobile": "", "Mailing City": "San Francisco", "Mailing State/Province": "CA",
            "Mailing Country": "United States", "Lead Source": rng.choice(("Web", "Partner Referral", "Trade Show")),
            "Contact Owner": rng.choice(_SF_OWNERS),
            "Created Date": _us_date(dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 500))),
        })
    for k in range(duplicates):
        original = rows[2 * k + 1]
        rows.append({**original, "Contact ID": _sf_id("003", rng), "First Name": original["First Name"].upper(),
                     "Last Name": original["Last Name"].upper(), "Title": "",
                     "Created Date": _us_date(dt.date(2024, 6, 1) + dt.timedelta(days=k))})
    _write_quoted(path, SALESFORCE_CONTACT_HEADER, rows,
                  _sf_footer("Contacts & Accounts", dt.datetime(2024, 7, 1, 9, 5)) if footer else [])
    return rows


def salesforce_opportunities(path: Path, contacts: list[dict], *, n: int = 90, seed: int = 6,
                             footer: bool = True) -> list[dict]:
    """A Salesforce "Opportunities with Contacts" report export (multi-currency org: amounts written
    "USD 12,500.00"), stages Closed Won / Closed Lost. Returns the data rows as written."""
    rng = random.Random(seed)
    rows = []
    for k in range(n):
        contact = rng.choice(contacts)
        won = rng.random() < 0.75
        close = dt.date(2023, 7, 1) + dt.timedelta(days=rng.randint(0, 360))
        amount = rng.choice((4800, 7500, 12500, 18000, 25000, 60000)) + rng.choice((0, 0.5, 0.99))
        rows.append({
            "Opportunity ID": _sf_id("006", rng), "Opportunity Name": f"{contact['Account Name']} - Renewal {k}",
            "Account Name": contact["Account Name"], "Contact ID": contact["Contact ID"],
            "Stage": "Closed Won" if won else "Closed Lost", "Amount": f"USD {amount:,.2f}",
            "Probability (%)": "100%" if won else "0%", "Close Date": _us_date(close),
            "Created Date": _us_date(close - dt.timedelta(days=rng.randint(10, 90))),
            "Lead Source": contact["Lead Source"], "Opportunity Owner": contact["Contact Owner"],
        })
    _write_quoted(path, SALESFORCE_OPPORTUNITY_HEADER, rows,
                  _sf_footer("Opportunities with Contacts", dt.datetime(2024, 7, 1, 9, 6)) if footer else [])
    return rows


# -- Kingdee K/3 Cloud (金蝶云星空) 销售出库单序时簿, 引出 to Excel ------------------------------------
# A title row and a query row above the header, real Excel dates and numbers, a 合计 (total) row
# at the bottom; 单据状态 (审核) and 作废状态 (未作废/已作废) columns; one row per material line.

KINGDEE_HEADER = [
    "单据编号", "日期", "单据状态", "作废状态", "客户编码", "客户", "销售部门", "销售员", "物料编码", "物料名称",
    "规格型号", "库存单位", "实发数量", "含税单价", "价税合计", "税率(%)", "税额", "金额", "币别",
]
_KD_CUSTOMERS = [("C0101", "深圳市华强电子有限公司"), ("C0102", "广州白云贸易有限公司"), ("C0103", "东莞市立信五金厂"),
                 ("C0104", "佛山顺德家电配件有限公司"), ("C0105", "珠海格润科技有限公司"), ("C0106", "惠州市德赛精密有限公司"),
                 ("C0107", "中山市明辉照明有限公司"), ("C0108", "江门市新会建材有限公司"), ("C0109", "汕头市澄海玩具厂"),
                 ("C0110", "湛江港城物流有限公司")]
_KD_ITEMS = [("1.01.001", "电源适配器", "12V/2A", "个", 18.50), ("1.01.002", "锂电池组", "18650-4S", "组", 126.00),
             ("1.02.010", "控制主板", "KB-V3.2", "块", 238.00), ("2.03.005", "包装彩盒", "300*200*80", "个", 2.35)]


def kingdee_sales_sheet(rng: random.Random, *, month: tuple[int, int], n_docs: int, first_doc: int,
                        void_share: float = 0.1) -> list[dict]:
    """The rows of one month's 销售出库单 lines (values as Python objects, as the cells hold them)."""
    year, mon = month
    rows = []
    for k in range(n_docs):
        customer = rng.choice(_KD_CUSTOMERS)
        day = dt.datetime(year, mon, rng.randint(1, 28))
        void = rng.random() < void_share
        for item in rng.sample(_KD_ITEMS, rng.choice((1, 2, 2, 3))):
            code, name, spec, unit, price = item
            qty = rng.choice((10, 20, 50, 100, 200))
            gross = round(qty * price, 2)
            net = round(gross / 1.13, 2)
            rows.append({
                "单据编号": f"XSCKD{first_doc + k:06d}", "日期": day, "单据状态": "已审核",
                "作废状态": "已作废" if void else "未作废", "客户编码": customer[0], "客户": customer[1],
                "销售部门": "华南销售部", "销售员": rng.choice(("李娜", "王强", "陈静")), "物料编码": code,
                "物料名称": name, "规格型号": spec, "库存单位": unit, "实发数量": qty, "含税单价": price,
                "价税合计": gross, "税率(%)": 13, "税额": round(gross - net, 2), "金额": net, "币别": "人民币",
            })
    return rows


def write_kingdee_workbook(path: Path, sheets: dict[str, list[dict]], *, total_row: bool = True) -> None:
    """Write each sheet with the title row, the query row, the header, the lines and a 合计 row."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(["销售出库单序时簿"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(KINGDEE_HEADER))
        days = [r["日期"] for r in rows]
        sheet.append([f"查询日期：{min(days):%Y-%m-%d} 至 {max(days):%Y-%m-%d}    组织：深圳总部"])
        sheet.append(KINGDEE_HEADER)
        for r in rows:
            sheet.append([r[h] for h in KINGDEE_HEADER])
            sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd"
        if total_row:
            sheet.append(["合计", None, None, None, None, None, None, None, None, None, None, None,
                          sum(r["实发数量"] for r in rows), None, round(sum(r["价税合计"] for r in rows), 2), None,
                          round(sum(r["税额"] for r in rows), 2), round(sum(r["金额"] for r in rows), 2), None])
    book.save(path)


# -- WeChat mini-program shop (微信小程序商城) back office: 订单管理 > 导出订单 -----------------------
# UTF-8 with BOM (so Excel shows Chinese), one row per order, the buyer is the WeChat openid and
# a nickname (often with emoji), amounts written "¥128.00", times "2024/06/01 12:03:05".
# Statuses: 待付款, 待发货, 已发货, 已完成, 已取消.

WECHAT_HEADER = [
    "订单编号", "下单时间", "支付时间", "订单状态", "用户昵称", "用户openid", "手机号", "商品信息", "商品总数",
    "商品金额", "运费", "优惠金额", "实付金额", "售后状态", "收货人", "收货地址", "买家备注", "配送方式",
]
WECHAT_PAID = ("待发货", "已发货", "已完成")
_WX_NICKS = ["🌸小花", "阿杰😎", "Momo", "晴天☀️", "老王", "糖糖🍬", "Lily_li", "大鹏", "🐱喵喵", "静静", "Ken", "💯满分"]
_WX_GOODS = [("云南小粒咖啡豆 500g", 68.00), ("手冲咖啡滤杯", 45.00), ("冷萃咖啡液 12支装", 99.00), ("咖啡伴侣礼盒", 158.00)]


def wechat_buyers(n: int = 12, seed: int = 8) -> list[dict]:
    rng = random.Random(seed)
    return [{"nick": _WX_NICKS[k % len(_WX_NICKS)], "openid": "o" + "".join(rng.choice(_ID_CHARS + "-_") for _ in range(27)),
             "mobile": _cn_mobile(rng), "name": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
             "address": "".join(rng.choice(_CITIES)) + f"人民路{rng.randint(1, 300)}号"} for k in range(n)]


def wechat_orders(rng: random.Random, buyers: list[dict], *, start: dt.datetime, days: int, n_orders: int,
                  first_id: int) -> list[dict]:
    """Orders placed between ``start`` and ``start + days``; statuses as of the export day."""
    rows = []
    for k in range(n_orders):
        t = start + dt.timedelta(seconds=rng.randint(0, days * 86400))
        b = rng.choice(buyers)
        goods = rng.sample(_WX_GOODS, rng.choice((1, 1, 2)))
        qty = [rng.choice((1, 1, 2)) for _ in goods]
        subtotal = round(sum(p * q for (_, p), q in zip(goods, qty)), 2)
        freight = 0.0 if subtotal >= 99 else 8.0
        discount = rng.choice((0.0, 0.0, 10.0)) if subtotal >= 99 else 0.0
        paid = round(subtotal + freight - discount, 2)
        status = rng.choice(("已完成",) * 5 + ("已发货", "待发货", "已取消"))
        rows.append({
            "订单编号": f"WX{t:%Y%m%d}{first_id + k:06d}", "下单时间": t, "status": status, "用户昵称": b["nick"],
            "用户openid": b["openid"], "手机号": b["mobile"],
            "商品信息": "；".join(f"{g}×{q}" for (g, _), q in zip(goods, qty)), "商品总数": sum(qty),
            "商品金额": subtotal, "运费": freight, "优惠金额": discount, "实付金额": paid, "收货人": b["name"],
            "收货地址": b["address"],
        })
    return rows


def write_wechat_export(path: Path, orders: list[dict], *, statuses: dict[str, str] | None = None) -> list[dict]:
    """Write the orders as one export; ``statuses`` overrides the status of some order ids (the
    state at this export's day). Returns the rows as written (times and money as text)."""
    written = []
    for o in orders:
        status = (statuses or {}).get(o["订单编号"], o["status"])
        t = o["下单时间"]
        written.append({
            "订单编号": o["订单编号"], "下单时间": f"{t:%Y/%m/%d %H:%M:%S}",
            "支付时间": f"{t + dt.timedelta(seconds=45):%Y/%m/%d %H:%M:%S}" if status in WECHAT_PAID else "",
            "订单状态": status, "用户昵称": o["用户昵称"], "用户openid": o["用户openid"], "手机号": o["手机号"],
            "商品信息": o["商品信息"], "商品总数": str(o["商品总数"]), "商品金额": f"¥{o['商品金额']:.2f}",
            "运费": f"¥{o['运费']:.2f}", "优惠金额": f"¥{o['优惠金额']:.2f}",
            "实付金额": f"¥{o['实付金额']:.2f}" if status != "已取消" else "¥0.00", "售后状态": "无",
            "收货人": o["收货人"], "收货地址": o["收货地址"], "买家备注": "", "配送方式": "快递配送",
        })
    _write_dicts(path, WECHAT_HEADER, written, encoding="utf-8-sig", lineterminator="\r\n")
    return written


# -- A Chinese CRM (客户资料 + 销售订单): customers in GBK, orders in UTF-8 with BOM --------------
# Every customer drops out after a purchase with the same chance (6%), so the fitted BG/NBD has
# enormous a and b (a Beta distribution with no spread): the case whose predictions once all
# came out 0. A few order rows carry the placeholder ids a CRM writes for a missing customer.

CRM_CUSTOMER_HEADER = ["客户编号", "客户名称", "手机", "所在城市", "所属销售", "注册日期"]
CRM_ORDER_HEADER = ["订单编号", "客户编号", "下单时间", "订单金额", "订单状态"]
CRM_OWNERS = ("李娜", "王强", "张敏")
CRM_PLACEHOLDERS = ("(blank)", "未知", "N/A")


def chinese_crm(folder: Path, *, n_customers: int = 352, seed: int = 2, dropout: float = 0.06) -> dict:
    """Write ``客户资料.csv`` and ``订单明细.csv`` to ``folder``; return their rows and facts.

    Purchases follow BG/NBD with one dropout chance for everyone (rates Gamma(1.5, 90 days)),
    from 2022-06-01 to 2024-11-30 (seed 2 fits a ≈ 4.6e5, b ≈ 8.2e6). Statuses: 已完成 mostly,
    some 已取消 and 已退款. Returns ``customers``, ``orders`` (as written), ``placeholder_rows``.
    """
    rng = random.Random(seed)
    start, span = dt.datetime(2022, 6, 1, 9, 0), 913
    customers, orders = [], []
    for c in range(n_customers):
        first = rng.uniform(0, span * 0.8)
        rate = rng.gammavariate(1.5, 1 / 90)
        city = rng.choice(_CITIES)[1]
        customers.append({
            "客户编号": f"KH{c + 1:05d}", "客户名称": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
            "手机": _cn_mobile(rng), "所在城市": city, "所属销售": CRM_OWNERS[c % len(CRM_OWNERS)],
            "注册日期": f"{start + dt.timedelta(days=first):%Y年%m月%d日}",
        })
        t, k = first, 0
        while t < span:
            status = rng.choices(("已完成", "已取消", "已退款"), weights=(90, 6, 4))[0]
            orders.append({"客户编号": f"KH{c + 1:05d}", "at": start + dt.timedelta(days=t, hours=rng.randint(0, 9)),
                           "amount": round(rng.lognormvariate(6, 0.5), 2), "订单状态": status})
            k += 1
            if k > 1 and rng.random() < dropout:
                break
            t += rng.expovariate(rate)
    for placeholder in CRM_PLACEHOLDERS:
        orders.append({"客户编号": placeholder, "at": start + dt.timedelta(days=400), "amount": 88888.0,
                       "订单状态": "已完成"})
    orders.sort(key=lambda o: o["at"])
    written = [{"订单编号": f"SO{i + 1:06d}", "客户编号": o["客户编号"], "下单时间": f"{o['at']:%Y/%m/%d %H:%M}",
                "订单金额": f"¥{o['amount']:,.2f}", "订单状态": o["订单状态"]} for i, o in enumerate(orders)]
    _write_dicts(folder / "客户资料.csv", CRM_CUSTOMER_HEADER, customers, encoding="gbk", lineterminator="\r\n")
    _write_dicts(folder / "订单明细.csv", CRM_ORDER_HEADER, written, encoding="utf-8-sig", lineterminator="\r\n")
    return {"customers": customers, "orders": written, "placeholder_rows": len(CRM_PLACEHOLDERS)}
