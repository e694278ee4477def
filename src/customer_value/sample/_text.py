"""Support-ticket texts in Chinese and English, by sentiment.

Negative texts carry the complaint keywords a detector looks for (投诉, 退货, 太差, 骗子, refund,
terrible, scam …); a few are deliberately hard ("不是很满意" contains 满意, "没有问题了" contains
问题). Texts contain commas, quotes and line breaks, as pasted support conversations do.
"""

from __future__ import annotations

import numpy as np

SENTIMENTS = ("negative", "neutral", "positive")
TOPICS = ("物流", "质量", "退换货", "发票", "账号", "咨询", "安装", "价格")

PRODUCTS = [
    ("蓝牙耳机", "bluetooth headphones"), ("平板电脑", "tablet"), ("空气净化器", "air purifier"),
    ("扫地机器人", "robot vacuum"), ("羽绒服", "down jacket"), ("精华液", "serum"),
    ("咖啡豆", "coffee beans"), ("婴儿推车", "stroller"), ("收纳箱", "storage box"),
    ("跑步鞋", "running shoes"), ("打印机", "printer"), ("办公椅", "office chair"),
]  # fmt: skip
AGENTS = ["王", "李", "周", "陈", "刘", "林"]

# (topic, template); placeholders: {product} {product_en} {order} {days} {qty} {agent}
_TEMPLATES: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("negative", "zh"): [
        ("质量", "收到的{product}有明显划痕，质量太差了！要求退货，不然我就投诉。"),
        ("物流", '物流太慢了，等了{days}天才到，客服还说"已加急"，简直是骗子。'),
        ("质量", "第二次买{product}又出问题，非常失望，申请退款。\n订单号：{order}"),
        ("发票", "发票开错了三次，你们的服务太差，我要投诉到12315。"),
        ("退换货", "客服态度恶劣，问题拖了{days}天没解决，准备退货，再也不买了！"),
        ("物流", "订单{order}一直没发货，说好的48小时发货呢？骗子！"),
        ("质量", "不是很满意，{product}用了{days}天就坏了，要求换货或退款。"),
        ("价格", "刚买完就降价{qty}00元，感觉被坑了，差评，要求补差价，否则投诉。"),
        ("安装", "约好的安装师傅没来，电话也打不通，太差劲了。\n\n已经第{qty}次了，要投诉！"),
    ],
    ("neutral", "zh"): [
        ("物流", "请问订单{order}什么时候发货？"),
        ("咨询", "想咨询一下{product}的保修政策，谢谢。"),
        ("发票", "需要开具增值税专用发票，抬头和税号稍后提供，请问大概几天能开好？"),
        ("物流", "请帮忙修改收货地址，新地址：上海市浦东新区世纪大道{qty}8号，电话不变。"),
        ("账号", "如何在小程序里查看历史订单？登录后找不到入口。"),
        ("咨询", "{product}的说明书丢了，可以发一份电子版吗？"),
        ("价格", "批量采购{product}，{qty}0台，有没有企业价格？"),
        ("账号", "手机号换了，账号怎么改绑？"),
    ],
    ("positive", "zh"): [
        ("质量", "{product}质量很好，物流也快，非常满意！"),
        ("咨询", "感谢客服小{agent}耐心解答，问题已经解决了，点赞。"),
        ("质量", "第{qty}次回购了，一如既往的好，推荐给同事了。"),
        ("退换货", "没有问题了，谢谢你们，退换货处理得很专业。"),
        ("安装", '安装师傅很专业，准时上门，好评！\n顺便说一句："服务比上次还好"'),
        ("物流", "今天下单明天就到，包装也很用心，给你们点个赞。"),
    ],
    ("negative", "en"): [
        ("质量", "Terrible experience: the {product_en} arrived broken, and I want a refund."),
        ("物流", "Order {order} still hasn't shipped after {days} days. This is a scam, I will file a complaint."),
        ("退换货", "Worst support ever, nobody answers my emails.\nPlease process my return and refund."),
        ("发票", 'The invoice is wrong again ("VAT number missing"). Really disappointed, fix it or refund me.'),
    ],
    ("neutral", "en"): [
        ("物流", "Hi, could you tell me when order {order} will ship?"),
        ("发票", "How do I get a VAT invoice for my company? Thanks."),
        ("物流", "Please update the delivery address, thanks."),
        ("咨询", "Is the {product_en} compatible with the older model, or do I need an adapter?"),
    ],
    ("positive", "en"): [
        ("质量", "Great product, fast delivery. Thanks a lot!"),
        ("咨询", "Excellent service, the issue was solved in minutes, thank you."),
        ("质量", 'Really happy with the {product_en}, already recommended it to colleagues: "worth every yuan".'),
    ],
}


def write_ticket_texts(
    rng: np.random.Generator,
    sentiment: np.ndarray,
    english: np.ndarray,
    order_ids: np.ndarray,
) -> tuple[list[str], list[str]]:
    """A text and a topic per ticket.

    Parameters
    ----------
    sentiment
        Index into ``SENTIMENTS`` per ticket.
    english
        Whether each ticket is written in English.
    order_ids
        An order id to quote per ticket (any string).
    """
    n = len(sentiment)
    pick = rng.random(n)
    product = rng.integers(0, len(PRODUCTS), n)
    days = rng.integers(3, 21, n)
    qty = rng.integers(2, 6, n)
    agent = rng.integers(0, len(AGENTS), n)
    texts, topics = [], []
    for i in range(n):
        options = _TEMPLATES[(SENTIMENTS[sentiment[i]], "en" if english[i] else "zh")]
        topic, template = options[int(pick[i] * len(options))]
        zh, en = PRODUCTS[product[i]]
        texts.append(
            template.format(
                product=zh, product_en=en, order=order_ids[i], days=days[i], qty=qty[i], agent=AGENTS[agent[i]]
            )
        )
        topics.append(topic)
    return texts, topics
