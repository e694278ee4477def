"""Header synonyms: the canonical columns of each table and the Chinese and English headers that mean them.

This is data, not messages. Each canonical column lists its synonyms from the most specific to
the most generic: when two headers of one source mean the same column, the one listed earlier
wins (``订单状态`` beats ``状态``, ``customer_name`` beats ``name``) and the other is kept as an
extra column. Matching ignores case, spaces, underscores, hyphens, punctuation, full-width forms
and a bracketed suffix such as ``(元)`` — see :func:`customer_value.ingest.headers.normalise_header`.
Within one table a synonym means one column only (a test checks).

Platform exports are covered where a header means one thing: Taobao/Tmall (买家会员名, 订单创建时间,
买家实际支付金额, 联系手机, 退款金额), JD (下单帐号, 应付金额), WeChat mini-program shops (用户openid),
Kingdee/Yonyou (单据编号, 单据日期, 价税合计, 客户编码), Salesforce (Contact ID, Opportunity ID, Close Date),
Shopify (Financial Status, Created at, Refunded Amount, Lineitem quantity/price) and WooCommerce
(order_id, order_date, order_total, refunded_total, billing_email). Headers that could mean two things
stay unmapped and need ``--map``: a receiver (收货人, 收货人姓名, Shipping Name) is not always the buyer,
Shopify's ``Name`` is the order number, a Salesforce ``Stage`` may be an open deal.
"""

from __future__ import annotations

# -- required and optional canonical columns (DESIGN.md §3) --------------------------------------

REQUIRED: dict[str, tuple[str, ...]] = {
    "customers": ("customer_id",),
    "orders": ("customer_id", "ordered_at", "amount"),
    "interactions": ("customer_id", "occurred_at", "kind"),
    "tickets": ("customer_id", "opened_at"),
    "surveys": ("customer_id", "answered_at"),
    "referrals": ("referrer_id", "referred_id"),
    "opportunities": ("opportunity_id", "stage", "stage_entered_at"),
    "marketing_spend": ("channel", "period_start", "spend"),
}

OPTIONAL: dict[str, tuple[str, ...]] = {
    "customers": (
        "name", "phone", "email", "address", "region", "industry", "size",
        "acquisition_channel", "signup_at", "owner",
    ),
    "orders": (
        "order_id", "quantity", "unit_price", "cost", "margin", "currency", "status", "channel",
        "category", "product_id", "product_name", "region", "name", "phone", "email", "refunded_amount", "owner",
    ),
    "interactions": ("channel", "duration", "value"),
    "tickets": ("ticket_id", "resolved_at", "text", "satisfaction", "status", "channel"),
    "surveys": ("nps", "ces", "csat", "text"),
    "referrals": ("referred_at",),
    "opportunities": ("customer_id", "created_at", "closed_at", "amount", "status", "owner"),
    "marketing_spend": ("period_end",),
}

# -- synonym groups shared by several tables ------------------------------------------------------

_CUSTOMER_ID = (
    "customer_id", "客户编号", "客户ID", "客户代码", "客户号", "客户编码", "会员号", "会员ID", "会员编号",
    "会员卡号", "用户ID", "用户编号", "买家ID", "买家编号", "买家会员名", "下单帐号", "下单账号", "CustomerID",
    "Customer ID", "customer_no", "customer_number", "customer_code", "cust_id", "client_id", "member_id",
    "user_id", "buyer_id", "contact_id", "用户openid", "openid", "unionid", "account_id",
)
_PHONE = (
    "phone", "手机号码", "手机号", "手机", "联系手机", "联系电话", "电话号码", "电话", "mobile", "mobile_phone",
    "phone_number", "cellphone", "telephone", "tel", "联系方式", "billing_phone",
)
_EMAIL = ("email", "邮箱", "电子邮箱", "邮箱地址", "电子邮件", "e-mail", "email_address", "mail", "billing_email")
_REGION = ("region", "地区", "区域", "所在地区", "省份", "省", "province", "country", "国家", "area")
_OWNER = (
    "owner", "负责人", "客户负责人", "销售负责人", "所属销售", "归属销售", "跟进销售", "客户经理", "销售代表", "销售顾问",
    "销售员", "销售人员", "业务员", "跟进人", "归属人", "所有人", "销售", "account_manager", "account_owner",
    "owner_name", "sales_owner", "sales_rep", "salesperson",
)
_CHANNEL = ("channel", "渠道", "销售渠道", "下单渠道", "订单来源", "平台", "platform", "来源", "source")
_STATUS_GENERIC = ("status", "状态")

# -- per table: canonical column -> synonyms, most specific first --------------------------------

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {
        "customer_id": _CUSTOMER_ID,
        "name": (
            "customer_name", "客户名称", "客户姓名", "客户名", "会员姓名", "公司名称", "企业名称",
            "client_name", "company_name", "姓名", "name", "full_name", "名称", "客户",
        ),
        "phone": _PHONE,
        "email": _EMAIL,
        "address": ("address", "地址", "详细地址", "联系地址", "收货地址", "通讯地址"),
        "region": _REGION,
        "industry": ("industry", "行业", "所属行业", "行业类别", "sector"),
        "size": ("size", "规模", "企业规模", "公司规模", "人员规模", "company_size", "employees", "员工数"),
        "acquisition_channel": (
            "acquisition_channel", "获客渠道", "来源渠道", "客户来源", "lead_source", "utm_source",
            "来源", "source", "渠道", "channel",
        ),
        "signup_at": (
            "signup_at", "注册时间", "注册日期", "开户时间", "开户日期", "入会时间", "入会日期",
            "signup_date", "registered_at", "registration_date", "创建时间", "创建日期", "created_at",
            "created", "加入时间",
        ),
        "owner": _OWNER,
    },
    "orders": {
        "customer_id": _CUSTOMER_ID,
        # When the order was placed: its creation before its payment (an unpaid or voided order has
        # no payment time), a deal's close date only when nothing else says it.
        "ordered_at": (
            "ordered_at", "下单时间", "下单日期", "订单日期", "订单时间", "订单创建时间", "order_date", "order_time",
            "order_datetime", "InvoiceDate", "invoice_date", "单据日期", "purchase_date", "purchased_at",
            "transaction_date", "成交时间", "成交日期", "交易时间", "交易日期", "购买时间", "购买日期", "创建时间",
            "创建日期", "created_at", "付款时间", "支付时间", "付款日期", "paid_at", "payment_date", "close_date",
            "date", "日期", "时间", "time",
        ),
        # What the buyer paid: after discounts and coupons (应付金额, not 订单金额), with VAT (价税合计, not 金额).
        "amount": (
            "amount", "买家实际支付金额", "实付金额", "实收金额", "支付金额", "付款金额", "成交金额", "应付金额",
            "价税合计", "订单金额", "交易金额", "销售金额", "销售额", "订单总额", "order_amount", "order_total",
            "total_amount", "paid_amount", "payment_amount", "revenue", "sales", "总金额", "总价", "金额", "total",
        ),
        "quantity": (
            "quantity", "购买数量", "商品数量", "订购数量", "实发数量", "销售数量", "宝贝总数量", "商品总数",
            "Lineitem quantity", "数量", "件数", "qty", "units",
        ),
        "unit_price": (
            "unit_price", "UnitPrice", "单价", "商品单价", "销售单价", "含税单价", "Lineitem price", "price", "价格",
            "avg_price", "average_price", "平均单价", "均价", "平均价格",
        ),
        "order_id": (
            "order_id", "订单号", "订单编号", "订单ID", "订单编码", "order_no", "order_number", "InvoiceNo",
            "invoice_no", "invoice_number", "Invoice", "单据编号", "单据号", "opportunity_id", "transaction_id",
            "交易号", "交易编号", "单号",
        ),
        "cost": ("cost", "成本", "成本价", "商品成本", "成本金额", "cogs"),
        "margin": ("margin", "毛利", "毛利润", "毛利额", "gross_profit", "gross_margin", "profit", "利润"),
        "currency": ("currency", "币种", "货币", "币别", "currency_code"),
        "status": ("order_status", "订单状态", "交易状态", "支付状态", "financial_status", *_STATUS_GENERIC),
        "channel": _CHANNEL,
        "category": ("category", "品类", "类目", "商品类目", "商品分类", "商品品类", "product_category", "分类"),
        "product_id": (
            "product_id", "sku", "StockCode", "stock_code", "商品编号", "商品ID", "商品编码", "SKU编码",
            "物料编码", "货号", "item_id", "product_code", "产品编号", "Lineitem sku",
        ),
        "product_name": (
            "product_name", "商品名称", "产品名称", "物料名称", "宝贝标题", "品名", "item_name", "Lineitem name",
            "description", "商品",
        ),
        "region": _REGION,
        # The buyer's name; a receiver (收货人, Shipping Name) is not always the buyer and stays unmapped.
        "name": (
            "customer_name", "客户名称", "客户姓名", "客户名", "买家姓名", "billing_name", "billing_full_name", "姓名",
            "客户",
        ),
        "phone": _PHONE,
        "email": _EMAIL,
        # Already refunded on an order that stays a sale (Shopify partially_refunded, WooCommerce, 淘宝).
        "refunded_amount": (
            "refunded_amount", "退款金额", "已退款金额", "退款总额", "refunded_total", "refund_amount", "refund_total",
            "order_refund",
        ),
        # The customer's salesperson; a bare 销售 in an order export is as likely the sales amount.
        "owner": tuple(h for h in _OWNER if h != "销售"),
    },
    "interactions": {
        "customer_id": _CUSTOMER_ID,
        "occurred_at": (
            "occurred_at", "发生时间", "互动时间", "行为时间", "访问时间", "活动时间", "event_time",
            "event_date", "timestamp", "created_at", "时间", "日期", "date", "time",
        ),
        "kind": (
            "kind", "互动类型", "行为类型", "事件类型", "event_type", "interaction_type", "activity_type",
            "类型", "行为", "事件", "type", "event", "activity", "action",
        ),
        "channel": ("channel", "渠道", "互动渠道", "平台", "platform", "来源", "source"),
        "duration": ("duration", "时长", "停留时长", "持续时间", "duration_seconds", "seconds"),
        "value": ("value", "数值", "值", "次数", "count"),
    },
    "tickets": {
        "customer_id": _CUSTOMER_ID,
        "ticket_id": ("ticket_id", "工单号", "工单编号", "工单ID", "ticket_no", "ticket_number", "case_id", "case_number"),
        "opened_at": (
            "opened_at", "创建时间", "提交时间", "开单时间", "受理时间", "报障时间", "工单时间", "opened",
            "open_date", "created_at", "created", "日期", "时间", "date",
        ),
        "resolved_at": (
            "resolved_at", "解决时间", "关闭时间", "完成时间", "结单时间", "resolved", "solved_at",
            "closed_at", "close_date", "resolution_date",
        ),
        "text": (
            "text", "工单内容", "问题描述", "对话内容", "聊天记录", "内容", "描述", "description", "message",
            "content", "body", "subject", "标题",
        ),
        "satisfaction": ("satisfaction", "满意度", "满意度评分", "评分", "评价", "rating", "score", "csat"),
        "status": ("ticket_status", "工单状态", *_STATUS_GENERIC),
        "channel": ("channel", "渠道", "来源", "source", "平台"),
    },
    "surveys": {
        "customer_id": _CUSTOMER_ID,
        "answered_at": (
            "answered_at", "答题时间", "提交时间", "填写时间", "调研时间", "回答时间", "submitted_at",
            "response_date", "responded_at", "created_at", "时间", "日期", "date",
        ),
        "nps": ("nps", "NPS评分", "nps_score", "净推荐值", "推荐值", "推荐意愿", "推荐指数", "likelihood_to_recommend"),
        "ces": ("ces", "CES评分", "ces_score", "客户费力度", "费力度", "customer_effort", "effort"),
        "csat": ("csat", "CSAT评分", "csat_score", "满意度", "满意度评分", "satisfaction", "评分", "rating"),
        "text": ("text", "评价内容", "反馈内容", "意见", "评价", "反馈", "评论", "备注", "feedback", "comment", "comments"),
    },
    "referrals": {
        "referrer_id": (
            "referrer_id", "推荐人ID", "推荐人编号", "推荐人", "邀请人ID", "邀请人编号", "邀请人", "referrer",
            "referred_by", "inviter_id", "inviter",
        ),
        "referred_id": (
            "referred_id", "被推荐人ID", "被推荐人编号", "被推荐人", "被邀请人ID", "被邀请人编号", "被邀请人",
            "referee_id", "referee", "invitee_id", "invitee", "新客户ID", "new_customer_id",
        ),
        "referred_at": (
            "referred_at", "推荐时间", "推荐日期", "邀请时间", "邀请日期", "referral_date", "invited_at",
            "created_at", "日期", "时间", "date",
        ),
    },
    "opportunities": {
        "opportunity_id": (
            "opportunity_id", "商机编号", "商机ID", "商机号", "机会编号", "机会ID", "opp_id", "opportunity_no",
            "deal_id",
        ),
        "stage": ("stage", "商机阶段", "销售阶段", "阶段", "deal_stage", "pipeline_stage", "sales_stage"),
        "stage_entered_at": (
            "stage_entered_at", "进入阶段时间", "阶段变更时间", "阶段开始时间", "阶段时间", "stage_date",
            "stage_changed_at", "stage_start", "更新时间", "updated_at",
        ),
        "customer_id": _CUSTOMER_ID,
        "created_at": ("created_at", "创建时间", "创建日期", "created", "created_date", "create_time"),
        "closed_at": (
            "closed_at", "关闭时间", "关闭日期", "结束时间", "赢单时间", "成交时间", "成交日期", "close_date",
            "closed_date", "closed",
        ),
        "amount": (
            "amount", "商机金额", "预计金额", "预计成交金额", "合同金额", "deal_amount", "deal_value",
            "expected_revenue", "金额", "value",
        ),
        "status": ("opportunity_status", "商机状态", "赢单状态", "结果", "outcome", *_STATUS_GENERIC),
        "owner": _OWNER,
    },
    "marketing_spend": {
        "channel": ("channel", "投放渠道", "营销渠道", "推广渠道", "渠道", "媒体", "platform", "平台", "source", "来源"),
        "period_start": (
            "period_start", "开始日期", "开始时间", "起始日期", "start_date", "start", "月份", "month", "周期",
            "period", "日期", "date",
        ),
        "period_end": ("period_end", "结束日期", "结束时间", "截止日期", "end_date", "end"),
        "spend": (
            "spend", "花费", "投放金额", "投放费用", "营销费用", "推广费用", "广告费", "消耗", "费用",
            "ad_spend", "cost", "成本", "金额", "amount",
        ),
    },
}

# -- first and last name: ``name`` derived from two columns (see ingest.headers.apply_mapping) ---

NAME_PARTS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name", "firstname", "given_name", "forename", "名", "名字", "billing_first_name"),
    "last_name": ("last_name", "lastname", "surname", "family_name", "姓", "姓氏", "billing_last_name"),
}
