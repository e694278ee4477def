"""Headers and value labels of the messy exports (what ingest must map back)."""

from __future__ import annotations

# Headers of each export, canonical column → header as written.
EXPORT_HEADERS: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "客户编号", "name": "客户名称", "customer_type": "客户类型", "company": "公司名称",
        "phone": "手机", "email": "邮箱", "region": "地区", "province": "省份", "city": "城市",
        "address": "详细地址", "industry": "行业", "size": "规模", "acquisition_channel": "获客渠道",
        "signup_at": "注册时间", "owner": "负责人", "key_account": "重点客户", "reference_account": "参考客户",
    },
    "orders_zh": {
        "order_id": "订单号", "customer_id": "客户编号", "ordered_at": "下单时间", "amount": "实付金额",
        "status": "订单状态", "channel": "渠道", "category": "品类", "quantity": "数量", "cost": "成本",
    },
    "orders_en": {
        "order_id": "order_id", "customer_id": "customer_id", "ordered_at": "order_date", "amount": "amount",
        "status": "status", "channel": "channel", "category": "category", "quantity": "quantity", "cost": "cost",
    },
    "interactions": {
        "customer_id": "customer_id", "occurred_at": "occurred_at", "kind": "kind", "channel": "channel",
        "duration": "duration",
    },
    "tickets": {
        "ticket_id": "工单编号", "customer_id": "客户编号", "opened_at": "创建时间", "resolved_at": "解决时间",
        "channel": "渠道", "topic": "问题类型", "text": "问题描述", "satisfaction": "满意度",
    },
    "surveys": {
        "survey_id": "response_id", "customer_id": "customer_id", "answered_at": "submitted_at",
        "nps": "NPS", "ces": "CES", "csat": "CSAT",
    },
    "referrals": {"referrer_id": "referrer_id", "referred_id": "referred_id", "referred_at": "referred_at"},
    "opportunities": {
        "opportunity_id": "商机编号", "customer_id": "客户编号", "stage": "阶段", "stage_entered_at": "进入阶段时间",
        "created_at": "创建时间", "closed_at": "关闭时间", "amount": "金额", "status": "状态", "owner": "负责人",
        "qualified_at": "需求确认时间", "proposal_at": "方案报价时间", "negotiation_at": "谈判时间",
    },
    "marketing_spend": {
        "channel": "渠道", "period_start": "开始日期", "period_end": "结束日期", "spend": "花费",
        "impressions": "展现量", "clicks": "点击量",
    },
}  # fmt: skip
STATUS_LABELS = {
    "zh": {"completed": "已完成", "cancelled": "已取消", "refund": "退款"},
    "en": {"completed": "completed", "cancelled": "cancelled", "refund": "refunded"},
}
OPPORTUNITY_LABELS = {
    "stage": {"lead": "线索", "qualified": "需求确认", "proposal": "方案报价", "negotiation": "谈判",
              "won": "赢单", "lost": "输单"},
    "status": {"open": "进行中", "won": "赢单", "lost": "输单"},
}  # fmt: skip
# Order files cycle through these styles by calendar year (2023 → csv_zh, 2024 → xlsx_zh …).
ORDER_STYLES = ("csv_zh", "xlsx_zh", "csv_en")
